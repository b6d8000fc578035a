/**
 * The README's main command on a real Docker engine, as a newcomer runs it: `npm run demo` on a
 * machine without the Pulumi CLI (compose path), twice (re-running is safe and gives the same
 * table), then `npm run results` on the demo's counts, and `npm run teardown`, which deletes the
 * stack in seconds and finds, by the project's labels, anything left. The top words printed must be the ones computed in TypeScript from the same seeded text.
 */
import execa from "execa";
import { existsSync, readFileSync } from "fs";
import { join } from "path";
import { runLockPath } from "../jobs/util/runLock";
import { PROJECT } from "../stacks/config";
import { describeTopology } from "../stacks/local/topology";
import { sampleLines } from "../jobs/text/sampleText";
import { expectedCounts } from "../jobs/wordcount/tokenize";
import { readCountsTopic, topWords, totalOf, wordTable } from "../jobs/wordcount/results";
import { jobEvents, jobStatus } from "../jobs/spark/localJobs";
import { dockerShell } from "../jobs/local/shell";
import { Kafka, logLevel } from "kafkajs";
import { docker, leftovers, progress, requireDockerAndBase, ROOT, waitFor } from "./support/docker";
import { pathWithout } from "./support/path";
import { countWords } from "./support/wordCount";
import { sotuLines } from "../jobs/text/corpus";

const topology = describeTopology({ project: PROJECT, stack: "dev" });
const LINES = 4000;
const expected = expectedCounts(sampleLines({ seed: 42, lines: LINES }));
const env = { PATH: pathWithout("pulumi", ["node", "npm", "npx", "docker", "docker-compose"]) };
const report: [string, string][] = [];
const JSON_LINES = [JSON.stringify({ id: 1, text: "Streaming words" }), JSON.stringify({ id: 2, text: "more streaming" })];

async function npm(args: string[], timeoutMs: number) {
  const start = Date.now();
  const child = execa("npm", ["run", "-s", ...args], { cwd: ROOT, env, reject: false, timeout: timeoutMs });
  // The command's progress, live in the test log: where a slow or stuck run is shows at once.
  child.stderr?.on("data", (chunk: Buffer) => chunk.toString().split("\n").filter((l) => l.trim() && !/npm warn/i.test(l)).forEach((l) => progress(`  ${l}`)));
  const run = await child;
  report.push([`npm run ${args.filter((a) => a !== "--").join(" ")}`, `${((Date.now() - start) / 1000).toFixed(1)} s, exit ${run.exitCode}`]);
  progress(`npm run ${args.join(" ")}: exit ${run.exitCode}`);
  return { ...run, stderr: run.stderr.split("\n").filter((l) => !/npm warn/i.test(l)).join("\n") };
}

const byLabel = `label=kafka-spark-lab.project=kafka-spark-lab`;
const STRAY = "stray-lab-container";
const running = async () => (await docker(["ps", "--filter", byLabel, "--format", "{{.Names}}"])).split("\n").filter(Boolean).sort();
const projectVolumes = async () => (await docker(["volume", "ls", "--filter", byLabel, "--format", "{{.Name}}"])).split("\n").filter(Boolean);

beforeAll(async () => {
  await requireDockerAndBase();
  // A machine where no earlier stack runs: what `npm run teardown -- --yes --volumes` is for.
  await docker(["rm", "-f", STRAY]).catch(() => undefined);
  const down = await npm(["teardown", "--", "--yes", "--volumes"], 5 * 60_000);
  expect(down.exitCode).toBe(0);
}, 10 * 60_000);

afterAll(async () => {
  await docker(["rm", "-f", STRAY]).catch(() => undefined);
  await execa("npm", ["run", "-s", "teardown", "--", "--yes", "--volumes"], { cwd: ROOT, env, reject: false });
  process.stderr.write(`\nDemo, live\n| command | time, exit |\n|---|---|\n${report.map(([k, v]) => `| ${k} | ${v} |`).join("\n")}\n\n`);
}, 10 * 60_000);

test("npm run demo without the Pulumi CLI: compose brings the stack up, the job counts the real text by default, the top words are an independent count's", async () => {
  const run = await npm(["demo", "--", "--top", "10"], 30 * 60_000);
  expect(run.stderr).toMatch(/with docker-compose \(the Pulumi CLI is not installed\)/);
  // One progress line per step, with its time.
  for (let step = 1; step <= 7; step++) expect(run.stderr).toMatch(new RegExp(`\\[${step}/7\\] .*: done in \\d+\\.\\d s`));
  expect(run.stderr).toMatch(/\[5\/7\] load State of the Union addresses 1960-2021 \(18,797 lines\): done/);
  const real = countWords(sotuLines({ from: 1960 }));
  expect(run.stdout).toContain(wordTable(real, 10));
  expect(run.stdout).toMatch(/text\s*\|\s*State of the Union addresses 1960-2021 \(18,797 lines\)/);
  expect(run.stdout).toMatch(/words counted = words loaded\s*\|\s*yes/);
  expect(run.exitCode).toBe(0);
}, 35 * 60_000);

test("re-running the demo is safe: the stack is reused, the demo starts afresh; the seeded sample (--lines) gives its exact table", async () => {
  const run = await npm(["demo", "--", "--lines", String(LINES), "--top", "10"], 10 * 60_000);
  expect(run.stderr).toMatch(/already up and healthy/);
  expect(run.stderr).toMatch(/jar up to date/);
  expect(run.stdout).toContain(wordTable(expected, 10));
  expect(run.exitCode).toBe(0);
}, 15 * 60_000);

test("two terminals, npm run demo in each: the second is refused before it touches a topic, naming the first; the first counts only its own text", async () => {
  const lock = runLockPath("dev", "demo");
  const first = npm(["demo", "--", "--lines", String(LINES), "--top", "10"], 10 * 60_000);
  // Readiness, not a fixed 4 s: the first run holds the lock before it reads its stack.
  await waitFor("the first demo's run lock", async () => (existsSync(lock) ? true : undefined), 60_000, 100);
  const holder = JSON.parse(readFileSync(lock, "utf8")) as { pid: number; command: string };
  expect(holder.command).toBe(`npm run demo -- --lines ${LINES} --top 10`);
  const second = await npm(["demo", "--", "--lines", "100"], 2 * 60_000);
  expect(second.stderr).toContain(`demo: error: job "demo" on stack "dev" is already being run by another command on this machine: pid ${holder.pid}, \`npm run demo -- --lines ${LINES} --top 10\``);
  expect(second.stderr).not.toMatch(/\[1\/7\]/);
  expect(second.exitCode).toBe(31);
  const run = await first;
  expect(run.stdout).toContain(wordTable(expected, 10));
  expect(run.stdout).toMatch(/words counted = words loaded\s*\|\s*yes/);
  expect(run.exitCode).toBe(0);
  expect(existsSync(lock)).toBe(false);
}, 15 * 60_000);

test("npm run results reads the demo's counts topic: every word, exactly", async () => {
  const run = await npm(["results", "--", "--topic", "demo-counts", "--top", "1000", "--json"], 3 * 60_000);
  expect(run.exitCode).toBe(0);
  expect(JSON.parse(run.stdout)).toEqual({ distinct: expected.size, total: totalOf(expected), top: topWords(expected, 1000) });
}, 5 * 60_000);

test("npm run results --follow draws the table, keeps going, and ends cleanly on Ctrl-C", async () => {
  // Its own process group, as a terminal's foreground job: Ctrl-C signals the whole group.
  const follow = execa(join(ROOT, "node_modules", ".bin", "tsx"), ["scripts/results.ts", "--topic", "demo-counts", "--top", "5", "--follow"], { cwd: ROOT, env, reject: false, detached: true });
  let out = "";
  follow.stdout?.on("data", (chunk: Buffer) => { out += chunk.toString(); });
  try {
    await waitFor("the first table", async () => (out.includes(wordTable(expected, 5)) ? true : undefined), 120_000, 200);
  } finally {
    process.kill(-follow.pid!, "SIGINT");
  }
  const done = await follow;
  expect(done.exitCode).toBe(0);
  expect(done.stderr).toBe("");
}, 5 * 60_000);

test("the demo stopped its job; npm run submit says so", async () => {
  const run = await npm(["submit", "--", "--status", "--name", "demo"], 2 * 60_000);
  expect(run.stdout.trim()).toBe('job "demo" is not running (it was stopped; its checkpoint is kept)');
  expect(run.exitCode).toBe(0);
}, 5 * 60_000);

test("npm run load takes JSON lines on stdin, loads the good ones, and reports the malformed one with its line number", async () => {
  const start = Date.now();
  const run = await execa("npm", ["run", "-s", "load", "--", "--topic", "demo-lines", "--file", "-", "--format", "json"], { cwd: ROOT, env, reject: false, input: `${JSON_LINES[0]}\n{oops\n${JSON_LINES[1]}\n` });
  report.push(["npm run load --file - --format json", `${((Date.now() - start) / 1000).toFixed(1)} s, exit ${run.exitCode}`]);
  expect(run.stdout).toMatch(/\| records\s+\|\s+2 \|/);
  expect(run.stdout).toMatch(/\| malformed lines \(skipped\)\s+\|\s+1 \|/);
  expect(run.stderr).toContain("1 malformed JSON line(s) skipped, first at line(s) 2");
  expect(run.exitCode).toBe(0);
}, 5 * 60_000);

test("npm run load into a topic that does not exist says so and exits 15, instead of retrying for ever", async () => {
  const run = await execa("npm", ["run", "-s", "load", "--", "--topic", "no-such-topic", "--sample", "10"], { cwd: ROOT, env, reject: false, timeout: 120_000 });
  expect(run.stderr).toContain('topic "no-such-topic" does not exist: create it first (npm run topics -- --topic no-such-topic:3:3)');
  expect(run.exitCode).toBe(15);
}, 3 * 60_000);

test("npm run submit --yarn runs the job on YARN across the workers; its counts are exact", async () => {
  expect((await npm(["topics", "--", "--stack", "dev", "--topic", "yarn-counts:3:3"], 2 * 60_000)).exitCode).toBe(0);
  const run = await npm(["submit", "--", "--name", "yarn-wc", "--topic", "demo-lines", "--counts-topic", "yarn-counts", "--yarn", "--trigger", "available-now"], 10 * 60_000);
  expect(run.stderr).toMatch(/on YARN\): done in/);
  expect(run.exitCode).toBe(0);
  const shell = dockerShell(topology.endpoints.containerNames[0]);
  await waitFor("the YARN job to drain the topic and finish", async () => ((await jobStatus(shell, "yarn-wc")).running ? undefined : true), 10 * 60_000, 2000);
  expect(await jobEvents(shell, "yarn-wc")).toContain("[wordcount] finished");
  // The ResourceManager ran it: an application of that name, finished, with executors on the workers.
  const apps = (await (await fetch(`${topology.endpoints.yarnUi}/ws/v1/cluster/apps?applicationTypes=SPARK`)).json()) as { apps: { app: { name: string; finalStatus: string }[] } };
  expect(apps.apps.app.filter((a) => a.name === "yarn-wc").map((a) => a.finalStatus)).toEqual(["SUCCEEDED"]);
  const kafka = new Kafka({ clientId: "demo-live", brokers: topology.endpoints.bootstrapServersHost.split(","), logLevel: logLevel.NOTHING });
  const counts = await readCountsTopic(kafka, "yarn-counts");
  const all = expectedCounts([...sampleLines({ seed: 42, lines: LINES }), ...JSON_LINES]);
  expect(new Map([...counts].sort())).toEqual(new Map([...all].sort()));
}, 20 * 60_000);

test("npm run teardown without --yes and without a terminal to confirm on refuses and deletes nothing", async () => {
  const before = await running();
  expect(before).toEqual([...topology.endpoints.containerNames].sort());
  const run = await npm(["teardown"], 2 * 60_000);
  expect(run.stdout).toMatch(/\| delete \| container \| hadoop-master/);
  expect(run.stdout).toMatch(/stops about US\$ 0\.00 per hour/);
  expect(run.stderr).toContain("nobody can confirm (stdin is not a terminal), so nothing was deleted: pass --yes");
  expect(run.exitCode).toBe(2);
  expect(await running()).toEqual(before);
}, 5 * 60_000);

test("npm run teardown --yes deletes the running stack's containers and network, keeps and sizes the data volumes, and verifies by label", async () => {
  const volumesBefore = await projectVolumes();
  expect(volumesBefore.length).toBeGreaterThan(0);
  const run = await npm(["teardown", "--", "--yes"], 5 * 60_000);
  const seconds = /\| seconds\s+\|\s+([\d.]+)/.exec(run.stdout)?.[1];
  report.push(["teardown of the running stack (delete + verify)", `${seconds} s`]);
  expect(run.stdout).toMatch(/\| left over\s+\| none/);
  for (const v of volumesBefore) expect(run.stdout).toMatch(new RegExp(`\\| kept\\s+\\| volume ${v} \\(\\d`));
  expect(run.exitCode).toBe(0);
  expect(await projectVolumes()).toEqual(volumesBefore);
  expect(await leftovers({ containers: topology.endpoints.containerNames, network: topology.network, volumes: [] })).toEqual(volumesBefore.map((v) => `volume ${v}`));
}, 10 * 60_000);

test("a container carrying the stack's labels but started outside it is reported as a leftover, with how to remove it, exit 18", async () => {
  // It ends on SIGTERM as a service would (a bare `sleep` as PID 1 ignores it: docker stop would wait 10 s and kill it).
  await docker(["run", "-d", "--name", STRAY, ...Object.entries(topology.labels).flatMap(([k, v]) => ["--label", `${k}=${v}`]), "--entrypoint", "sh", topology.image, "-c", 'trap "exit 0" TERM; sleep 600 & wait']);
  try {
    const run = await npm(["teardown", "--", "--yes"], 5 * 60_000);
    expect(run.stdout).toMatch(new RegExp(`\\| left over\\s+\\| container ${STRAY}`));
    expect(run.stderr).toContain(`container ${STRAY}: docker rm -f ${STRAY}`);
    expect(run.exitCode).toBe(18);
  } finally {
    await docker(["rm", "-f", STRAY]);
  }
}, 5 * 60_000);

test("npm run teardown --yes --volumes deletes the data volumes too; re-running it is safe", async () => {
  const run = await npm(["teardown", "--", "--yes", "--volumes"], 5 * 60_000);
  expect(run.exitCode).toBe(0);
  const volumeNames = Object.values(topology.volumes).map((v) => v.name);
  expect(await leftovers({ containers: topology.endpoints.containerNames, network: topology.network, volumes: volumeNames })).toEqual([]);
  const again = await npm(["teardown", "--", "--yes", "--volumes"], 5 * 60_000);
  expect(again.stdout).toContain('Nothing of stack "dev" to delete.');
  expect(again.exitCode).toBe(0);
}, 10 * 60_000);
