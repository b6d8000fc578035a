// Loads a data set into a Kafka topic: text or JSON lines from a file or stdin, or the seeded
// sample text. A progress bar while it runs (stderr), then a table (stdout). `main` is exported for tests.
import { statSync } from "node:fs";
import { join } from "node:path";
import { Kafka, logLevel, Partitioners } from "kafkajs";
import { linesOf, LoadError, loadRecords, RecordFormat } from "../jobs/loader";
import { resolveLocalStack } from "../jobs/localStack";
import { sampleLines } from "../jobs/sampleText";
import { readStackOutputs } from "../jobs/stackOutputs";
import { EXIT, intFlag, parseFlags, runCli, UsageError } from "./cli";
import { loadBar, loadTable } from "./console";

export const USAGE = `Usage: npm run load -- --topic <name> <source> [options]

Produces records into a topic with an idempotent producer (acks=all): many records per
request, several requests in flight. Shows a progress bar, then a table.

Where (default: the local stack "dev"):
  --stack <name>        a local stack of this project
  --bootstrap <list>    host:port,... reachable from here
Source (one of):
  --file <path>         one record per line; "-" reads stdin
  --sample <lines>      the built-in seeded sample text (the same lines for the same --seed)
Options:
  --seed <n>            sample seed (default 42)
  --format text|json    json: lines that do not parse are counted, reported and skipped
  --batch-size <n>      records per request (default 2000)
  --in-flight <n>       requests in flight (default 4)
  --json                print the result as JSON
  -h, --help
Exit codes: 0 done, 2 usage, 9 stack unknown, 12 Kafka error, 15 load stopped (the table says how far it got).
`;

const OPTIONS = {
  stack: { type: "string" }, bootstrap: { type: "string" }, topic: { type: "string" }, file: { type: "string" },
  sample: { type: "string" }, seed: { type: "string" }, format: { type: "string" }, "batch-size": { type: "string" },
  "in-flight": { type: "string" }, json: { type: "boolean" }, help: { type: "boolean", short: "h" },
} as const;

export async function main(argv: string[]): Promise<number> {
  const f = parseFlags(argv, OPTIONS);
  if (f.help) { process.stdout.write(USAGE); return EXIT.OK; }
  const topic = f.topic as string | undefined;
  if (!topic) throw new UsageError("--topic <name> is required");
  if ((f.file === undefined) === (f.sample === undefined)) throw new UsageError("give one source: --file <path|-> or --sample <lines>");
  if (f.stack !== undefined && f.bootstrap !== undefined) throw new UsageError("give --stack or --bootstrap, not both");
  const format = (f.format ?? "text") as RecordFormat;
  if (format !== "text" && format !== "json") throw new UsageError(`--format ${String(f.format)}: expected text or json`);
  const batchSize = intFlag("batch-size", f["batch-size"], 2000, 1, 100_000);
  const inFlight = intFlag("in-flight", f["in-flight"], 4, 1, 64);
  const sample = f.sample === undefined ? undefined : intFlag("sample", f.sample, 0, 1, 100_000_000);
  const seed = intFlag("seed", f.seed, 42, 0);
  if (f.file !== undefined && f.file !== "-") {
    try { statSync(f.file as string); } catch { throw new UsageError(`--file ${String(f.file)}: no such file`); }
  }

  const bootstrap = (f.bootstrap as string | undefined)
    ?? (await resolveLocalStack((f.stack as string | undefined) ?? "dev", join(__dirname, ".."), readStackOutputs)).bootstrapServersHost;
  const kafka = new Kafka({ clientId: "kafka-spark-lab-load", brokers: bootstrap.split(","), logLevel: logLevel.ERROR });
  // An idempotent producer retries a missing topic for ever: say so instead.
  const admin = kafka.admin();
  await admin.connect();
  const exists = (await admin.listTopics()).includes(topic);
  await admin.disconnect();
  if (!exists) throw new LoadError(`topic "${topic}" does not exist: create it first (npm run topics -- --topic ${topic}:3:3)`);
  const producer = kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const bar = loadBar(sample);
  try {
    const lines = sample !== undefined ? sampleLines({ seed, lines: sample }) : linesOf(f.file as string);
    const result = await loadRecords({ producer, topic, lines, format, batchSize, inFlight, onProgress: bar.update });
    bar.stop();
    if (f.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else process.stdout.write(`${loadTable(result)}\n`);
    if (result.malformed) {
      process.stderr.write(`${result.malformed} malformed JSON line(s) skipped, first at line(s) ${result.malformedLines.join(", ")}\n`);
    }
    return EXIT.OK;
  } finally {
    bar.stop();
    await producer.disconnect();
  }
}

if (require.main === module) runCli("load", () => main(process.argv.slice(2)));
