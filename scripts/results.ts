// Prints the top words a word-count job has counted, from its counts topic or its Parquet output,
// as a table; with --follow, redraws it while the job runs. `main` is exported for tests.
import { join } from "node:path";
import { Kafka, logLevel } from "kafkajs";
import { readHdfsTree } from "../jobs/hdfs";
import { dockerShell } from "../jobs/localSubmit";
import { resolveLocalStack } from "../jobs/localStack";
import { Counts, countsFromParquet, CountsTopicReader, readCountsTopic, topWords, totalOf, wordTable } from "../jobs/results";
import { readStackOutputs } from "../jobs/stackOutputs";
import { EXIT, intFlag, parseFlags, runCli, UsageError } from "./cli";

export const USAGE = `Usage: npm run results -- [options]

Prints the most frequent words a word-count job has counted, as a table.

  --stack <name>        local stack (default dev)
  --topic <name>        read a counts topic (key word, value count; default lines-counts)
  --parquet <hdfs dir>  read a Parquet output instead (e.g. /kafka-spark-lab/wordcount/output)
  --top <n>             rows (default 20)
  --follow              redraw every 2 s while the job runs (Ctrl-C to quit)
  --json                print {"distinct", "total", "top": [{word, count}]} instead
  -h, --help
Exit codes: 0 done, 2 usage, 9 stack unknown, 12 Kafka error, 16 output unreadable.
`;

const OPTIONS = {
  stack: { type: "string" }, topic: { type: "string" }, parquet: { type: "string" }, top: { type: "string" },
  follow: { type: "boolean" }, json: { type: "boolean" }, help: { type: "boolean", short: "h" },
} as const;

export async function main(argv: string[]): Promise<number> {
  const f = parseFlags(argv, OPTIONS);
  if (f.help) { process.stdout.write(USAGE); return EXIT.OK; }
  if (f.topic !== undefined && f.parquet !== undefined) throw new UsageError("give --topic or --parquet, not both");
  const top = intFlag("top", f.top, 20, 1, 10_000);
  const stack = await resolveLocalStack((f.stack as string | undefined) ?? "dev", join(__dirname, ".."), readStackOutputs);
  const render = (counts: Counts) => (f.json
    ? `${JSON.stringify({ distinct: counts.size, total: totalOf(counts), top: topWords(counts, top) })}\n`
    : `${wordTable(counts, top)}\n`);

  let read: () => Promise<Counts>;
  let close = async () => undefined as void;
  if (f.parquet !== undefined) {
    const shell = dockerShell(stack.master);
    read = async () => countsFromParquet(await readHdfsTree(shell, f.parquet as string));
  } else {
    const topic = (f.topic as string | undefined) ?? "lines-counts";
    const kafka = new Kafka({ clientId: "kafka-spark-lab-results", brokers: stack.bootstrapServersHost.split(","), logLevel: logLevel.ERROR });
    if (!f.follow) {
      process.stdout.write(render(await readCountsTopic(kafka, topic)));
      return EXIT.OK;
    }
    const reader = new CountsTopicReader(kafka, topic);
    await reader.start();
    read = async () => new Map(reader.counts);
    close = () => reader.stop();
  }
  if (!f.follow) {
    process.stdout.write(render(await read()));
    return EXIT.OK;
  }
  const tty = process.stdout.isTTY === true;
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
        process.stdout.write(`${tty ? "\x1b[H\x1b[2J" : ""}${new Date().toISOString().slice(11, 19)}\n${text}`);
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
