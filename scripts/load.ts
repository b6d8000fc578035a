// Loads a data set into a Kafka topic: text or JSON lines from a file or stdin, or the seeded
// sample text. A progress bar while it runs (stderr), then a table (stdout). package.json runs it
// with a bounded heap (--max-old-space-size=128): a file of any size streams in flat memory
// (jobs/kafka/loader/pool.ts bounds the worker threads' heaps).
import { EXIT, UsageError } from "../lib/errors";
import { planKafkaRoute } from "../jobs/kafka/route";
import { DEFAULT_STALL_SECONDS, linesOf, loadIntoTopic, type LoadResult, type RecordFormat, LoadError } from "../jobs/kafka/loader";
import { LOAD_CLIENTS, type LoadClient } from "../jobs/kafka/loader/platformatic";
import { sampleLines } from "../jobs/text/sampleText";
import { fileSource } from "../jobs/text/source";
import { choiceFlag, defineCommand, intFlag, kafkaWhereOf, runCli, SSH_HELP, VERBOSE_FLAG, VERBOSE_HELP, VIA_SSH_FLAGS, VIA_SSH_HELP } from "../jobs/cli/command";
import { loadBar, loadTable } from "../jobs/cli/console";

const usage = `Usage: npm run load -- --topic <name> <source> [options]

Produces records into a topic with an idempotent producer (acks=all): many records per
request, several requests in flight. Shows a progress bar, then a table. Ctrl-C stops the
reading: what was read is sent and acknowledged, then the table gives the last line (exit 130);
a second Ctrl-C quits at once.

Where (default: the local stack "dev"):
  --stack <name>        a deployed stack (Azure: the brokers Ambari lists, through the SSH gateway)
  --bootstrap <list>    host:port,... reachable from here
${VIA_SSH_HELP}
Source (one of):
  --file <path>         one record per line; "-" reads stdin
  --sample <lines>      the built-in seeded sample text (the same lines for the same --seed)
Options:
  --seed <n>            sample seed (default 42)
  --format text|json    json: lines that do not parse are counted, reported and skipped
  --batch-size <n>      records per request (default 2000)
  --in-flight <n>       batches read ahead (default 4 with one producer, 3 per producer thread);
                        each producer sends one at a time (exactly once across a broker loss)
  --producers <n>       producers, each in a thread of its own (default: one per core, 2 to 4;
                        1: one producer on the main thread; through an SSH gateway always 1)
  --client kafkajs|platformatic   kafkajs (default: the project's client), or @platformatic/kafka:
                        faster here (docs/benchmarks.md), pure JavaScript, not through an SSH gateway
  --stall-timeout <s>   stop (exit 15) after this long with no acknowledgement (default 60):
                        Kafka retries for ever while fewer brokers are up than min.insync.replicas
  --json                print the result as JSON
${VERBOSE_HELP}
  -h, --help
${SSH_HELP}
`;

export const load = defineCommand({
  name: "load",
  summary: { usage: "`npm run load`", does: "a text or a file into a topic, every line acknowledged once (`--client platformatic`: [faster](docs/wordcount.md))" },
  usage,
  exits: ["USAGE", "LOGIN_REFUSED", "UNAVAILABLE", "STACK_OUTPUTS", "SSH_GATEWAY", "KAFKA", "LOAD", "INTERRUPTED"],
  options: {
    stack: { type: "string" }, bootstrap: { type: "string" }, topic: { type: "string" }, file: { type: "string" },
    sample: { type: "string" }, seed: { type: "string" }, format: { type: "string" }, "batch-size": { type: "string" },
    "in-flight": { type: "string" }, producers: { type: "string" }, "stall-timeout": { type: "string" }, client: { type: "string" }, json: { type: "boolean" }, ...VIA_SSH_FLAGS, ...VERBOSE_FLAG,
  },
  async run(f, c) {
    const topic = f.topic;
    if (!topic) throw new UsageError("--topic <name> is required");
    if ((f.file === undefined) === (f.sample === undefined)) throw new UsageError("give one source: --file <path|-> or --sample <lines>");
    const format = choiceFlag<RecordFormat>("format", f.format, ["text", "json"], "text");
    const batchSize = intFlag("batch-size", f["batch-size"], 2000, 1, 100_000);
    const inFlight = f["in-flight"] === undefined ? undefined : intFlag("in-flight", f["in-flight"], 4, 1, 64);
    const producers = f.producers === undefined ? undefined : intFlag("producers", f.producers, 1, 1, 16);
    const client = choiceFlag<LoadClient>("client", f.client, LOAD_CLIENTS, "kafkajs");
    if (client === "platformatic" && f.producers !== undefined) throw new UsageError("--producers is for --client kafkajs: @platformatic/kafka sends to every partition from one producer");
    const stallSeconds = intFlag("stall-timeout", f["stall-timeout"], DEFAULT_STALL_SECONDS, 1, 3600);
    const sample = f.sample === undefined ? undefined : intFlag("sample", f.sample, 0, 1, 100_000_000);
    const seed = intFlag("seed", f.seed, 42, 0);
    // A file is checked whole before anything is sent (exists, is a file, not empty, UTF-8), then streamed.
    const file = f.file !== undefined && f.file !== "-" ? await fileSource(f.file) : undefined;

    const plan = await planKafkaRoute(await kafkaWhereOf(c, f), c.route("kafka-spark-lab-load", f.verbose));
    // Before any tunnel or record: @platformatic/kafka dials brokers itself (no socket factory).
    if (client === "platformatic" && plan.gateway) throw new UsageError(`--client platformatic cannot go through the SSH gateway that reaches ${plan.describe}: use --client kafkajs (the default), or run the load inside the cluster's network with --bootstrap`);
    const route = await plan.open();
    const bar = loadBar(sample ?? file?.lineCount, c.progressStream);
    const interrupt = interruptible(c.line, f.file === "-");
    // The table: on success, on Ctrl-C, and when the load stopped (it says how far it got).
    const report = (result: LoadResult) => {
      bar.stop();
      // The whole process's high-water mark, its worker threads included: flat whatever the file's size.
      const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
      c.out(f.json ? `${JSON.stringify({ ...result, peakRssMb })}\n` : `${loadTable(result, peakRssMb)}\n`);
      if (result.malformed) c.line(`${result.malformed} malformed JSON line(s) skipped, first at line(s) ${result.malformedLines.join(", ")}`);
    };
    try {
      const lines = sample !== undefined ? sampleLines({ seed, lines: sample }) : file ? file.lines() : linesOf("-");
      const result = await loadIntoTopic(route, { topic, lines, format, batchSize, inFlight, producers, client, stallSeconds, onProgress: bar.update, signal: interrupt.signal });
      report(result);
      if (!result.interrupted) return EXIT.OK;
      c.line(`interrupted: lines 1-${result.linesRead.toLocaleString("en-US")} are in the topic${f.file !== undefined && f.file !== "-" ? `; to load the rest: tail -n +${result.linesRead + 1} ${f.file} | npm run load -- --topic ${topic} --file -` : ""}`);
      return EXIT.INTERRUPTED;
    } catch (e) {
      if (e instanceof LoadError && e.progress) report(e.progress);
      throw e;
    } finally {
      interrupt.dispose();
      bar.stop();
      await route.close();
    }
  },
});

/**
 * Ctrl-C (SIGINT) or SIGTERM: the first stops reading lines, and the load sends what it read and
 * waits for the acknowledgements; another one a second or more later quits at once. One Ctrl-C
 * can arrive twice (npm and tsx each relay the terminal's), hence the second's grace.
 */
function interruptible(say: (line: string) => void, readsStdin: boolean) {
  const controller = new AbortController();
  let first = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    if (!first) {
      first = Date.now();
      say(`\n${signal}: reading stopped; sending what was read and waiting for its acknowledgements (Ctrl-C again to quit at once)`);
      controller.abort();
      // A terminal's stdin would keep the line reader waiting for a line that never comes.
      if (readsStdin) process.stdin.destroy();
    } else if (Date.now() - first > 1000) {
      say(`${signal} again: quitting; the records in flight may or may not be in the topic`);
      process.exit(EXIT.INTERRUPTED);
    }
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return {
    signal: controller.signal,
    // Kept once a signal came: its relayed twin may still arrive while the table is written.
    dispose: () => { if (!first) { process.off("SIGINT", onSignal); process.off("SIGTERM", onSignal); } },
  };
}

export const { main, USAGE } = load;

if (require.main === module) runCli(load, "load");
