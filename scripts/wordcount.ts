// npm run wordcount: the word count end to end on a deployed stack, local or Azure (see
// jobs/wordcountPipeline.ts); or the status of its job, or a stop. `main` is exported for tests.
import { join } from "node:path";
import type { AmbariClientOptions, AmbariClient } from "../jobs/ambari";
import { BatchLedger, clearJobDir, fileBatchLedger, jarOnMaster, livyRunner, sparkSubmitRunner } from "../jobs/jobRunners";
import { cachePath } from "../jobs/cache";
import { LivyClient } from "../jobs/livy";
import { dockerShell } from "../jobs/localSubmit";
import { sameCounts, totalOf, wordTable } from "../jobs/results";
import { SshGateway, SshGatewayOptions } from "../jobs/sshGateway";
import { parseOutputs, ReadStackOutputs, readStackOutputs, StackOutputs } from "../jobs/stackOutputs";
import { JobRunner, runWordCount, topicsOf, WORD_COUNT_STEPS } from "../jobs/wordcountPipeline";
import { EXIT, intFlag, parseFlags, retryNote, runCli, targetFromOutputs, UsageError, Writable } from "./cli";
import { loadBar, steps, table } from "./console";
import { Env, OpenKafkaRoute, openKafkaRoute, SSH_HELP } from "./kafkaRoute";

export const USAGE = `Usage: npm run wordcount -- --stack <name> [options]

The word count end to end on a deployed stack: finds the brokers (Ambari on Azure), recreates
the job's topics <name>-lines and <name>-counts (through the SSH gateway on Azure), starts the
Spark job (spark-submit in the local master; Livy on Azure), loads seeded sample text, waits
until the counts cover every word loaded and prints the top words. Safe to re-run: it starts afresh.

  --stack <name>         a deployed stack (default dev)
  --livy <url>           local stack: submit through this Livy server instead of spark-submit
                         (a login, if it asks for one, from LIVY_USER and LIVY_PASSWORD)
  --name <job>           the job's name (default wordcount)
  --lines <n>            sample lines to load (default 20000)
  --seed <n>             sample seed (default 42)
  --top <n>              rows of the table (default 15)
  --shuffle-partitions <n>   default: the master's cores (spark-submit), 4 (Livy)
  --timeout <s>          how long to wait for the counts after the load (default 300)
  --keep-running         leave the job running at the end (default: stop it)
  --status | --stop      say whether the job runs | stop it (and, on Livy, forget its batches)
  -h, --help

${SSH_HELP}
Exit codes: 0 done, 2 usage, 3 login refused, 8 unavailable, 9 stack unknown, 11 SSH gateway,
12 Kafka, 13 jar build, 14 submission refused, 16 counts incomplete, 17 Docker, 20 Livy CSRF check,
21 Livy batch unknown, 22 job dead (log tail shown), 23 job killed.
`;

const OPTIONS = {
  stack: { type: "string" }, livy: { type: "string" }, name: { type: "string" }, lines: { type: "string" }, seed: { type: "string" },
  top: { type: "string" }, "shuffle-partitions": { type: "string" }, timeout: { type: "string" }, "keep-running": { type: "boolean" },
  status: { type: "boolean" }, stop: { type: "boolean" }, help: { type: "boolean", short: "h" },
} as const;

export interface WordCountDeps {
  stdout: Writable;
  stderr: Writable;
  env: Env;
  workDir: string;
  readStackOutputs: ReadStackOutputs;
  openGateway: (options: SshGatewayOptions) => Promise<SshGateway>;
  fetch: typeof fetch;
  ambari?: (options: AmbariClientOptions) => Pick<AmbariClient, "kafkaBrokers">;
  /** Where the ids of submitted Livy batches are kept, per Livy URL. */
  ledger: (livyUrl: string) => BatchLedger;
}

const JOB_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** Where the job runs on this stack: the Spark cluster's Livy on Azure; spark-submit or --livy locally. */
function runnerFor(stack: string, outputs: StackOutputs, target: ReturnType<typeof targetFromOutputs>, f: Record<string, unknown>, deps: WordCountDeps, note: (m: string) => void): JobRunner {
  const commandHint: JobRunner["commandHint"] = (action, name) => `npm run wordcount -- --stack ${stack}${f.livy ? " --livy <url>" : ""} --${action}${name === "wordcount" ? "" : ` --name ${name}`}`;
  const shuffle = f["shuffle-partitions"] === undefined ? undefined : intFlag("shuffle-partitions", f["shuffle-partitions"], 4, 1, 10_000);
  if (target.kind === "ambari") {
    if (f.livy !== undefined) throw new UsageError("--livy is for local stacks: an Azure stack uses its Spark cluster's Livy (output sparkLivyUrl)");
    const { sparkJobJarUrl: jarUrl, sparkLivyUrl } = parseOutputs(stack, outputs, "azure", ["sparkJobJarUrl", "sparkLivyUrl"]);
    const livy = new LivyClient({ baseUrl: sparkLivyUrl, user: target.user, password: target.password, fetch: deps.fetch, onRetry: retryNote(note) });
    return livyRunner({
      livy,
      ledger: deps.ledger(livy.baseUrl),
      jar: async (n) => { n(`the jar pulumi up put in the Spark cluster's storage: ${jarUrl}`); return jarUrl; },
      shufflePartitions: shuffle ?? 4,
      commandHint,
    });
  }
  const master = parseOutputs(stack, outputs, "local", ["containerNames"]).containerNames[0];
  const shell = dockerShell(master);
  if (f.livy === undefined) {
    const runner = sparkSubmitRunner({ master, shell, commandHint });
    return shuffle === undefined ? runner : { ...runner, shufflePartitions: async () => shuffle };
  }
  const livy = new LivyClient({ baseUrl: String(f.livy), user: deps.env.LIVY_USER, password: deps.env.LIVY_PASSWORD, fetch: deps.fetch, onRetry: retryNote(note) });
  return livyRunner({
    livy,
    ledger: deps.ledger(livy.baseUrl),
    // A Livy next to the local Spark reads the jar from the master's job directory (its whitelist).
    jar: (n) => jarOnMaster(shell, n),
    sizing: { driverMemory: "768m" },
    shufflePartitions: shuffle ?? 4,
    clear: clearJobDir(shell),
    commandHint,
  });
}

export async function main(argv: string[], overrides: Partial<WordCountDeps> = {}): Promise<number> {
  const deps: WordCountDeps = {
    stdout: process.stdout, stderr: process.stderr, env: process.env, workDir: join(__dirname, ".."), readStackOutputs,
    openGateway: (options) => SshGateway.open(options), fetch: globalThis.fetch,
    ledger: (url) => fileBatchLedger(cachePath("livy-batches.json"), url),
    ...overrides,
  };
  const f = parseFlags(argv, OPTIONS);
  if (f.help) { deps.stdout.write(USAGE); return EXIT.OK; }
  const stack = (f.stack as string | undefined) ?? "dev";
  const name = (f.name as string | undefined) ?? "wordcount";
  if (!JOB_NAME.test(name)) throw new UsageError(`--name ${name}: use 1-64 letters, digits, - or _ (it names the job's topics)`);
  if (f.status && f.stop) throw new UsageError("give --status or --stop, not both");
  const lines = intFlag("lines", f.lines, 20_000, 1, 10_000_000);
  const seed = intFlag("seed", f.seed, 42, 0);
  const top = intFlag("top", f.top, 15, 1, 1000);
  const timeout = intFlag("timeout", f.timeout, 300, 10, 86_400);
  if (f.livy !== undefined && !/^https?:\/\//.test(String(f.livy))) throw new UsageError(`--livy ${String(f.livy)}: expected an http:// or https:// URL (credentials go in LIVY_USER and LIVY_PASSWORD, not in the URL)`);
  const note = (m: string) => deps.stderr.write(`wordcount: ${m}\n`);

  const outputs = await deps.readStackOutputs(stack, { workDir: deps.workDir });
  const target = targetFromOutputs(stack, outputs);
  const runner = runnerFor(stack, outputs, target, f, deps, note);
  if (f.status) {
    const running = await runner.status(name);
    deps.stdout.write(running.length ? `job "${name}" is running: ${running.join(", ")}\n` : `job "${name}" is not running\n`);
    return EXIT.OK;
  }
  if (f.stop) {
    deps.stdout.write((await runner.stop(name, note)) ? `job "${name}" stopped\n` : `job "${name}" was not running\n`);
    return EXIT.OK;
  }

  const started = Date.now();
  const s = steps(WORD_COUNT_STEPS + 1, (l) => deps.stderr.write(`${l}\n`));
  let opened: OpenKafkaRoute | undefined;
  try {
    opened = await s.run(target.kind === "local" ? "find the brokers" : "find the brokers (Ambari) and open the SSH gateway",
      (n) => openKafkaRoute(stack, outputs, target, "kafka-spark-lab-wordcount", deps, n));
    const route = opened.route;
    const result = await runWordCount(route, runner, { name, lines, seed, keepRunning: f["keep-running"] === true, countsTimeoutSeconds: timeout }, {
      step: (title, work) => s.run(title, work),
      loadProgress: loadBar,
    });
    const exact = sameCounts(result.counts, result.expected);
    const topics = topicsOf(name);
    deps.stdout.write(`\nTop ${top} words of ${topics.lines}, as counted by Spark (topic ${topics.counts}):\n${wordTable(result.counts, top)}\n\n`);
    deps.stdout.write(`${table(["word count", "result"], [
      ["stack", `${stack} (${target.kind === "local" ? "local" : "azure"})`],
      ["job ran with", runner.describe],
      ["records loaded", result.load.records.toLocaleString("en-US")],
      ["load records/s", Math.round(result.load.recordsPerSecond).toLocaleString("en-US")],
      ["counts complete after the load", `${result.catchUpSeconds.toFixed(1)} s`],
      ["words counted = words loaded", exact ? `yes (${totalOf(result.expected).toLocaleString("en-US")})` : "NO"],
      ["wall time", `${((Date.now() - started) / 1000).toFixed(1)} s`],
    ])}\n`);
    return exact ? EXIT.OK : EXIT.RESULTS;
  } finally {
    await opened?.close();
  }
}

if (require.main === module) runCli("wordcount", () => main(process.argv.slice(2)));
