// Prints the top words a word-count job has counted, from its counts topic (on any stack; through
// the SSH gateway on Azure) or its Parquet output (local stack), as a table; with --follow, redraws
// it while the job runs. `main` is exported for tests.
import { join } from "node:path";
import { Kafka } from "kafkajs";
import { readHdfsTree } from "../jobs/hdfs";
import { dockerShell } from "../jobs/localSubmit";
import { fromOutputsOrLocalFile, localStackFromOutputs } from "../jobs/localStack";
import { Counts, countsFromParquet, CountsTopicReader, readCountsTopic, topWords, totalOf, wordTable } from "../jobs/results";
import { SshGateway } from "../jobs/sshGateway";
import { ReadStackOutputs, readStackOutputs } from "../jobs/stackOutputs";
import { EXIT, intFlag, parseFlags, runCli, targetFromOutputs, UsageError, Writable } from "./cli";
import { KafkaRouteDeps, OpenKafkaRoute, openKafkaRoute, SSH_HELP } from "./kafkaRoute";

export const USAGE = `Usage: npm run results -- [options]

Prints the most frequent words a word-count job has counted, as a table.

  --stack <name>        the stack (default dev); a local one, or Azure through the SSH gateway
  --topic <name>        read a counts topic (key word, value count; default lines-counts;
                        npm run wordcount's job writes <name>-counts, e.g. wordcount-counts)
  --parquet <hdfs dir>  read a Parquet output instead, local stack only
                        (e.g. /kafka-spark-lab/wordcount/output)
  --top <n>             rows (default 20)
  --follow              redraw every 2 s while the job runs (Ctrl-C to quit)
  --json                print {"distinct", "total", "top": [{word, count}]} instead
  -h, --help
${SSH_HELP}
Exit codes: 0 done, 2 usage, 3 login refused, 8 unavailable, 9 stack unknown, 11 SSH gateway,
12 Kafka error, 16 output unreadable.
`;

const OPTIONS = {
  stack: { type: "string" }, topic: { type: "string" }, parquet: { type: "string" }, top: { type: "string" },
  follow: { type: "boolean" }, json: { type: "boolean" }, help: { type: "boolean", short: "h" },
} as const;

export interface ResultsDeps extends KafkaRouteDeps {
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable;
  workDir: string;
  readStackOutputs: ReadStackOutputs;
}

const defaultDeps = (): ResultsDeps => ({
  stdout: process.stdout, stderr: process.stderr, env: process.env, workDir: join(__dirname, ".."), readStackOutputs,
  openGateway: (options) => SshGateway.open(options), fetch: globalThis.fetch,
});

export async function main(argv: string[], overrides: Partial<ResultsDeps> = {}): Promise<number> {
  const deps: ResultsDeps = { ...defaultDeps(), ...overrides };
  const f = parseFlags(argv, OPTIONS);
  if (f.help) { deps.stdout.write(USAGE); return EXIT.OK; }
  if (f.topic !== undefined && f.parquet !== undefined) throw new UsageError("give --topic or --parquet, not both");
  const top = intFlag("top", f.top, 20, 1, 10_000);
  const stack = (f.stack as string | undefined) ?? "dev";
  const note = (m: string) => deps.stderr.write(`results: ${m}\n`);
  const render = (counts: Counts) => (f.json
    ? `${JSON.stringify({ distinct: counts.size, total: totalOf(counts), top: topWords(counts, top) })}\n`
    : `${wordTable(counts, top)}\n`);

  const outputs = await fromOutputsOrLocalFile(stack, deps.workDir, deps.readStackOutputs, (o) => o);
  const target = targetFromOutputs(stack, outputs);
  let read: () => Promise<Counts>;
  let close = async () => undefined as void;
  if (f.parquet !== undefined) {
    if (target.kind !== "local") throw new UsageError(`--parquet reads the HDFS of a local stack; stack "${stack}" is on Azure: read its counts topic (--topic)`);
    const shell = dockerShell(localStackFromOutputs(stack, outputs).master);
    read = async () => countsFromParquet(await readHdfsTree(shell, f.parquet as string));
  } else {
    const topic = (f.topic as string | undefined) ?? "lines-counts";
    // Progress only where finding the brokers takes time (Ambari, the gateway); a local stack's are in its outputs.
    const opened: OpenKafkaRoute = await openKafkaRoute(stack, outputs, target, "kafka-spark-lab-results", deps, target.kind === "local" ? () => undefined : note);
    const kafka = new Kafka(opened.route.config);
    if (!f.follow) {
      try {
        deps.stdout.write(render(await readCountsTopic(kafka, topic)));
      } finally {
        await opened.close();
      }
      return EXIT.OK;
    }
    const reader = new CountsTopicReader(kafka, topic);
    await reader.start().catch(async (e: unknown) => { await opened.close(); throw e; });
    read = async () => new Map(reader.counts);
    close = async () => { await reader.stop(); await opened.close(); };
  }
  if (!f.follow) {
    deps.stdout.write(render(await read()));
    return EXIT.OK;
  }
  const tty = deps.stdout.isTTY === true;
  let shown = "";
  // Ctrl-C ends the loop at once and cleanly (every SIGINT: tsx relays one, the terminal sends one).
  let stopped = false;
  let wake = () => undefined as void;
  const onInterrupt = () => { stopped = true; wake(); };
  process.on("SIGINT", onInterrupt);
  try {
    while (!stopped) {
      const text = render(await read());
      if (text !== shown) {
        shown = text;
        deps.stdout.write(`${tty ? "\x1b[H\x1b[2J" : ""}${new Date().toISOString().slice(11, 19)}\n${text}`);
      }
      await new Promise<void>((r) => {
        const timer = setTimeout(r, f.parquet !== undefined ? 5000 : 2000);
        wake = () => { clearTimeout(timer); r(); };
      });
    }
  } finally {
    await close();
  }
  // The handler stays: a late Ctrl-C while the process exits must not turn a clean end into 130.
  return EXIT.OK;
}

if (require.main === module) runCli("results", () => main(process.argv.slice(2)));
