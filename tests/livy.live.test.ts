/**
 * `npm run wordcount` on the local stack, both ways it runs there: spark-submit in the master, and
 * `--livy <url>` through a Livy server a user runs next to the local Spark (Apache Livy 0.7.1 from
 * Maven Central, started in the master in local mode, plain HTTP without a login, as docs/azure.md
 * describes it). Livy as HDInsight runs it (behind its HTTPS gateway, batches on YARN in cluster
 * mode, the project's client and the Azure path against it) is tested on the twin:
 * tests/twin.live.test.ts. Needs Docker, the base image, Maven and a JDK (.ci/run provides them).
 */
import { Kafka, logLevel } from "kafkajs";
import { PROJECT } from "../stacks/config";
import { describeTopology } from "../stacks/local/topology";
import { IMAGE_CONTEXT } from "../stacks/local/image";
import { sampleLines } from "../jobs/text/sampleText";
import { expectedCounts } from "../jobs/wordcount/tokenize";
import { dockerShell, JOBS_DIR } from "../jobs/local/shell";
import { readCountsTopic, wordTable } from "../jobs/wordcount/results";
import { jobStatus } from "../jobs/spark/localJobs";
import { localOutputsFromStackFile } from "../jobs/pulumiStack";
import type { CommandDeps } from "../jobs/cli/command";
import { main as wordcountMain } from "../scripts/wordcount";
import { bringUpCluster, inNode, progress, waitFor, wordCountJar } from "./support/docker";
import { startLivy } from "./support/livy";
import { runMain } from "./support/commands";

const topology = describeTopology({ project: PROJECT, stack: "dev" });
const MASTER = topology.endpoints.containerNames[0];
const KAFKA = { clientId: "livy-live", brokers: topology.endpoints.bootstrapServersHost.split(","), logLevel: logLevel.NOTHING };
const report: [string, string][] = [];
const kafka = new Kafka(KAFKA);

let livyUrl = "";

beforeAll(async () => {
  // The commands below build the word-count jar in the project's own target directory, as do the
  // files sharing the cluster with this one (ownjobs, notebooks): built once first under the run's
  // lock, every later build finds it current; two Maven builds at once corrupt it (a CI run of
  // 2026-12-08: "error in opening zip file").
  const [{ upSeconds }] = await Promise.all([
    bringUpCluster(topology.image, IMAGE_CONTEXT, topology.endpoints.containerNames, { reuse: true }),
    wordCountJar(),
  ]);
  report.push(["cluster up", `${upSeconds.toFixed(1)} s`]);
  const start = Date.now();
  livyUrl = await startLivy(MASTER, { whitelist: `${JOBS_DIR}/` });
  report.push(["Livy 0.7.1 up in the master", `${((Date.now() - start) / 1000).toFixed(1)} s`]);
}, 40 * 60_000);

afterAll(async () => {
  // The cluster stays for the next file that reuses it; Livy and its drivers go.
  await inNode(MASTER, "pkill -f org.apache.livy.server.LivyServer; pkill -f '[S]parkSubmit.*livy'; true").catch(() => undefined);
  process.stderr.write(`\nLivy, live\n| step | result |\n|---|---|\n${report.map(([k, v]) => `| ${k} | ${v} |`).join("\n")}\n\n`);
}, 5 * 60_000);

/** The command in-process, its output captured; the stack's outputs are the ones `pulumi up` exports for Pulumi.dev.yaml. */
async function wordcount(args: string[], overrides: Partial<CommandDeps> = {}) {
  const r = await runMain(wordcountMain, args, {
    readStackOutputs: async (stack, { workDir }) => localOutputsFromStackFile(stack, workDir)!,
    ...overrides,
  }, { onStderr: (t) => progress(t.trimEnd()) });
  return { code: r.exitCode, stdout: r.stdout, stderr: r.stderr, seconds: r.seconds };
}

const PIPELINE_LINES = 3000;
const pipelineExpected = expectedCounts(sampleLines({ seed: 11, lines: PIPELINE_LINES }));
const pipelineArgs = ["--lines", String(PIPELINE_LINES), "--seed", "11", "--top", "10"];

test("npm run wordcount --stack dev: spark-submit in the master, exact counts, the top words table, the job stopped", async () => {
  const run = await wordcount(["--stack", "dev", ...pipelineArgs]);
  report.push(["wordcount --stack dev (spark-submit)", `${run.seconds.toFixed(1)} s, exit ${run.code}`]);
  expect(run.stderr).toMatch(/\[4\/7\] start the job \(wordcount-lines -> wordcount-counts, 1 s trigger\): done/);
  expect(run.stdout).toContain(wordTable(pipelineExpected, 10));
  expect(run.stdout).toMatch(/words counted = words loaded\s*\|\s*yes/);
  expect(run.code).toBe(0);
  // Observed independently: the counts topic holds exactly the TypeScript counts, and no driver runs.
  expect(new Map([...(await readCountsTopic(kafka, "wordcount-counts"))].sort())).toEqual(new Map([...pipelineExpected].sort()));
  expect((await jobStatus(dockerShell(MASTER), "wordcount")).running).toBe(false);
}, 15 * 60_000);

test("npm run wordcount --livy <url>: the same counts through a Livy next to the local Spark; --keep-running, --status and --stop", async () => {
  const run = await wordcount(["--stack", "dev", "--livy", livyUrl, "--name", "viawc", "--keep-running", ...pipelineArgs]);
  report.push(["wordcount --livy (Livy 0.7.1 in the master)", `${run.seconds.toFixed(1)} s, exit ${run.code}`]);
  expect(run.stderr).toMatch(/Livy batch \d+: running/);
  expect(run.stdout).toMatch(new RegExp(`job ran with\\s*\\|\\s*Livy at ${livyUrl.replace(/[.]/g, "\\.")}`));
  expect(run.stdout).toContain(wordTable(pipelineExpected, 10));
  expect(run.code).toBe(0);
  expect(new Map([...(await readCountsTopic(kafka, "viawc-counts"))].sort())).toEqual(new Map([...pipelineExpected].sort()));

  // Left running: Livy lists it, so does --status; --stop kills it and Livy forgets it.
  const listed = async () => ((await (await fetch(`${livyUrl}/batches`)).json()) as { sessions: { name: string; state: string }[] }).sessions.filter((b) => b.name === "viawc");
  expect((await listed()).map((b) => b.state)).toEqual(["running"]);
  const status = await wordcount(["--stack", "dev", "--livy", livyUrl, "--name", "viawc", "--status"]);
  expect(status.stdout).toMatch(/^job "viawc" is running \(Livy batch \d+ running(, YARN application application_\d+_\d+)?\)\n$/);
  const id = /Livy batch (\d+)/.exec(status.stdout)![1];
  const stop = await wordcount(["--stack", "dev", "--livy", livyUrl, "--name", "viawc", "--stop"]);
  expect(stop.stdout).toBe(`job "viawc" stopped (Livy batch ${id} killed)\n`);
  expect(await listed()).toEqual([]);
  await waitFor("the driver to be gone", async () => ((await inNode(MASTER, "pgrep -f '[S]parkSubmit.*viawc' | wc -l")).trim() === "0" ? true : undefined), 60_000, 500);
}, 15 * 60_000);
