// Benchmarks of the word-count path on the local stack (not part of npm test):
//   loader     our loader vs Kafka's own ProducerPerformance (tuned), same brokers, same topic layout
//   latency    a running word count (1 s trigger): from a record's send to its count being visible
//   first      time from submit to the first visible count
//   demo       `npm run demo` wall time from a cold stack (down, then demo)
// Prints each as a table and writes bench/results.json. Usage: npm run bench -- [--only a,b] [--records n]
import { writeFileSync, readFileSync, existsSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import execa from "execa";
import { Kafka, KafkaConfig } from "kafkajs";
import { UsageError } from "../jobs/errors";
import { openKafkaRoute, type KafkaRoute } from "../jobs/kafkaRoute";
import { idempotentProducer, loadRecords } from "../jobs/loader";
import { localNodesOf } from "../jobs/localStack";
import { dockerShell, NodeShell, putJar, shufflePartitionsFor, stopJob, submitDetached, waitUntilStarted } from "../jobs/localSubmit";
import { waitFor } from "../jobs/poll";
import { DEFAULT_STACK } from "../jobs/pulumiStack";
import { CountsTopicReader } from "../jobs/results";
import { sampleLines } from "../jobs/sampleText";
import { adminPerBroker, recreateTopics } from "../jobs/topics";
import { buildWordCountJar } from "../jobs/wordcountJar";
import { wordCountArgs, WordCountJob } from "../jobs/wordcountJob";
import { type CommandContext, defineCommand, intFlag, runCli } from "../scripts/cli";
import { table } from "../scripts/console";

const ROOT = join(__dirname, "..");
const RESULTS = join(__dirname, "results.json");
const PARTS = ["loader", "latency", "first", "demo"] as const;
type Part = (typeof PARTS)[number];

let log: (m: string) => void = () => undefined;
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** Deletes and recreates topics (3 partitions, RF 3), so each run starts from empty topics. */
async function freshTopics(kafka: Kafka, config: KafkaConfig, topics: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await recreateTopics(admin, topics.map((topic) => ({ topic, partitions: 3, replicationFactor: 3 })), config.brokers as string[], adminPerBroker(config));
  } finally {
    await admin.disconnect();
  }
}

/** Kafka's own tool, tuned as the issue asks, inside the master (it ships with Kafka there). */
async function producerPerformance(master: string, route: KafkaRoute, topic: string, records: number, size: number) {
  const perf = await execa("docker", ["exec", master, "bash", "-lc", 'kafka-producer-perf-test.sh "$@"', "bash",
    "--topic", topic, "--num-records", String(records), "--record-size", String(size), "--throughput", "-1",
    "--producer-props", `bootstrap.servers=${route.jobBrokers}`, "acks=all", "batch.size=262144", "linger.ms=10"]);
  const last = perf.stdout.trim().split("\n").pop() ?? "";
  const m = /([\d.]+) records\/sec \(([\d.]+) MB\/sec\)/.exec(last);
  if (!m) throw new Error(`unexpected ProducerPerformance output: ${last}`);
  return Number(m[1]);
}

/** Our loader from the host, through the published ports (the path users take). */
async function loader(kafka: Kafka, topic: string, records: number, size: number) {
  const filler = "x".repeat(size);
  const lines = function* () { for (let i = 0; i < records; i++) yield `${i} ${filler}`.slice(0, size); };
  const producer = idempotentProducer(kafka);
  await producer.connect();
  try {
    return (await loadRecords({ producer, topic, lines: lines() })).recordsPerSecond;
  } finally {
    await producer.disconnect();
  }
}

/** Alternating rounds on fresh topics, best of each: neither side pays for the other's flushes. */
async function benchLoader(master: string, route: KafkaRoute, kafka: Kafka, config: KafkaConfig, records: number, size: number, rounds = 2) {
  const topic = "bench-load";
  const runs = { producerPerformance: [] as number[], loader: [] as number[] };
  for (let r = 1; r <= rounds; r++) {
    await freshTopics(kafka, config, [topic]);
    log(`round ${r}/${rounds}: ProducerPerformance, ${records} records of ${size} bytes, acks=all batch.size=262144 linger.ms=10`);
    runs.producerPerformance.push(await producerPerformance(master, route, topic, records, size));
    await freshTopics(kafka, config, [topic]);
    log(`round ${r}/${rounds}: loader, ${records} records of ${size} bytes, idempotent, acks=all`);
    runs.loader.push(await loader(kafka, topic, records, size));
  }
  const peer = Math.max(...runs.producerPerformance);
  const ours = Math.max(...runs.loader);
  const ratio = ours / peer;
  const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
  out(`\nLoader vs ProducerPerformance (${records.toLocaleString("en-US")} records of ${size} B, 3 partitions, RF 3, acks=all, best of ${rounds})\n${table(["", "records/s"], [
    ["ProducerPerformance (batch.size=262144, linger.ms=10)", `${fmt(peer)} (runs: ${runs.producerPerformance.map(fmt).join(", ")})`],
    ["loader (kafkajs, idempotent)", `${fmt(ours)} (runs: ${runs.loader.map(fmt).join(", ")})`],
    ["ratio (target >= 0.6)", ratio.toFixed(2)],
  ])}\n`);
  return { records, recordSize: size, rounds, runs, producerPerformanceRecordsPerSecond: peer, loaderRecordsPerSecond: ours, ratio };
}

/** A word made of letters only (the tokeniser splits on anything else), unique per probe. */
const probeWord = (k: number) => `zq${k.toString(26).split("").map((d) => String.fromCharCode(97 + parseInt(d, 26))).join("")}`;

async function withJob<T>(shell: NodeShell, job: WordCountJob, work: () => Promise<T>): Promise<T> {
  await stopJob(shell, job.name);
  await shell.run('hdfs dfs -rm -r -f -skipTrash "$1" >/dev/null 2>&1 || true', [`/kafka-spark-lab/${job.name}`]);
  try {
    return await work();
  } finally {
    await stopJob(shell, job.name);
  }
}

async function benchLatency(route: KafkaRoute, kafka: Kafka, config: KafkaConfig, shell: NodeShell, jar: string, rate: number, seconds: number, shufflePartitions?: number) {
  const job: WordCountJob = { name: "bench-latency", topic: "bench-lines", sink: "kafka", countsTopic: "bench-counts", trigger: 1, startingOffsets: "earliest", shufflePartitions };
  await freshTopics(kafka, config, [job.topic, job.countsTopic!]);
  return withJob(shell, job, async () => {
    await submitDetached({ shell, name: job.name, jarInNode: jar, className: "spark.kafka.SparkKafkaWordCount", jobArgs: wordCountArgs(job, route.jobBrokers) });
    await waitUntilStarted(shell, job.name);
    const reader = new CountsTopicReader(kafka, job.countsTopic!);
    const seen = new Map<string, number>();
    const sent = new Map<string, number>();
    await reader.start();
    const producer = idempotentProducer(kafka);
    await producer.connect();
    const text = sampleLines({ seed: 7, lines: rate * (seconds + 30) });
    // Warm-up: the first batches of a new query are slower (Kafka consumers, state store).
    await producer.send({ topic: job.topic, acks: -1, messages: Array.from({ length: rate }, () => ({ value: text.next().value as string })) });
    await waitFor("the first counts", async () => (reader.counts.size > 0 ? true : undefined), 120_000, 100);
    log(`steady stream of ${rate} lines/s for ${seconds} s, one probe line per 100 ms tick... `);
    const watcher = setInterval(() => { for (const w of sent.keys()) if (!seen.has(w) && reader.counts.has(w)) seen.set(w, Date.now()); }, 20);
    const ticks = seconds * 10;
    for (let t = 0; t < ticks; t++) {
      const tickStart = Date.now();
      const word = probeWord(t);
      const messages = Array.from({ length: Math.round(rate / 10) - 1 }, () => ({ value: text.next().value as string }));
      messages.push({ value: `probe ${word}` });
      sent.set(word, Date.now());
      await producer.send({ topic: job.topic, acks: -1, messages });
      await new Promise((r) => setTimeout(r, Math.max(0, 100 - (Date.now() - tickStart))));
    }
    await waitFor("every probe counted", async () => (seen.size === sent.size ? true : undefined), 120_000, 100);
    clearInterval(watcher);
    await producer.disconnect();
    await reader.stop();
    const latencies = [...sent].map(([w, t]) => (seen.get(w)! - t) / 1000).sort((a, b) => a - b);
    const result = { rateLinesPerSecond: rate, seconds, probes: latencies.length, trigger: "1 s", shufflePartitions, p50: pct(latencies, 50), p95: pct(latencies, 95), max: latencies[latencies.length - 1] };
    out(`\nWord count latency, send -> count visible (${rate} lines/s, 1 s trigger, ${shufflePartitions} shuffle partitions, ${latencies.length} probes)\n${table(["", "seconds"], [
      ["p50 (target <= 1.5)", result.p50.toFixed(2)], ["p95", result.p95.toFixed(2)], ["max", result.max.toFixed(2)],
    ])}\n`);
    return result;
  });
}

async function benchFirst(route: KafkaRoute, kafka: Kafka, config: KafkaConfig, shell: NodeShell, jar: string, shufflePartitions: number) {
  const job: WordCountJob = { name: "bench-first", topic: "bench-first-lines", sink: "kafka", countsTopic: "bench-first-counts", trigger: 1, startingOffsets: "earliest", shufflePartitions };
  await freshTopics(kafka, config, [job.topic, job.countsTopic!]);
  const producer = idempotentProducer(kafka);
  await producer.connect();
  await loadRecords({ producer, topic: job.topic, lines: sampleLines({ seed: 1, lines: 1000 }) });
  await producer.disconnect();
  return withJob(shell, job, async () => {
    const reader = new CountsTopicReader(kafka, job.countsTopic!);
    await reader.start();
    const start = Date.now();
    await submitDetached({ shell, name: job.name, jarInNode: jar, className: "spark.kafka.SparkKafkaWordCount", jobArgs: wordCountArgs(job, route.jobBrokers) });
    await waitUntilStarted(shell, job.name);
    const started = (Date.now() - start) / 1000;
    await waitFor("the first count", async () => (reader.counts.size > 0 ? true : undefined), 180_000, 50);
    const first = (Date.now() - start) / 1000;
    await reader.stop();
    out(`\nSubmit to first visible count (1,000 lines waiting in the topic)\n${table(["", "seconds"], [
      ["query started", started.toFixed(1)], ["first count visible (target <= 30)", first.toFixed(1)],
    ])}\n`);
    return { queryStartedSeconds: started, firstCountSeconds: first };
  });
}

async function benchDemo() {
  log("npm run teardown, then npm run demo (cold stack: containers and volumes new, image cached)");
  await execa("npm", ["run", "-s", "teardown", "--", "--yes", "--volumes"], { cwd: ROOT });
  const start = Date.now();
  const demo = await execa("npm", ["run", "-s", "demo"], { cwd: ROOT, all: true });
  const seconds = (Date.now() - start) / 1000;
  const steps = [...(demo.all ?? "").matchAll(/\[(\d)\/\d\] (.*): done in ([\d.]+) s/g)].map((m) => [m[2].slice(0, 60), `${m[3]} s`] as [string, string]);
  out(`\nnpm run demo from a cold stack\n${table(["step", "time"], [...steps, ["demo wall time", `${seconds.toFixed(1)} s`]])}\n`);
  return { wallSeconds: seconds, steps: Object.fromEntries(steps) };
}

let out: (text: string) => void = () => undefined;

export const bench = defineCommand({
  name: "bench",
  usage: `Usage: npm run bench -- [--only ${PARTS.join(",")}] [--records n] [--record-size b] [--rate n] [--seconds s] [--shuffle-partitions n]

Benchmarks of the word-count path on the local stack (not part of npm test); writes bench/results.json.
`,
  exits: ["USAGE", "STACK_OUTPUTS", "KAFKA", "JAR_BUILD", "SUBMIT", "DOCKER"],
  options: { only: { type: "string" }, records: { type: "string" }, "record-size": { type: "string" }, rate: { type: "string" }, seconds: { type: "string" }, "shuffle-partitions": { type: "string" } },
  run: (f, c) => main(f, c),
});

async function main(f: { only?: string; records?: string; "record-size"?: string; rate?: string; seconds?: string; "shuffle-partitions"?: string }, c: CommandContext): Promise<number> {
  log = (m) => c.line(`[bench] ${new Date().toISOString().slice(11, 19)} ${m}`);
  out = (text) => c.out(text);
  const only = (f.only ?? PARTS.join(",")).split(",") as Part[];
  for (const p of only) if (!PARTS.includes(p)) throw new UsageError(`--only ${p}: expected some of ${PARTS.join(",")}`);
  const records = intFlag("records", f.records, 1_000_000, 1000);
  const size = intFlag("record-size", f["record-size"], 200, 10, 100_000);
  const rate = intFlag("rate", f.rate, 1000, 10, 100_000);
  const seconds = intFlag("seconds", f.seconds, 30, 5, 3600);
  const shuffle = f["shuffle-partitions"] === undefined ? undefined : intFlag("shuffle-partitions", f["shuffle-partitions"], 4);

  const results: Record<string, unknown> = existsSync(RESULTS) ? JSON.parse(readFileSync(RESULTS, "utf8")) : {};
  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version };
  const save = (part: string, value: unknown) => {
    results[part] = { date: new Date().toISOString().slice(0, 10), machine, ...(value as object) };
    writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  };
  // The demo part runs the whole demo itself, which brings the stack up; the others need it up.
  if (only.includes("demo")) save("demo", await benchDemo());
  if (only.some((p) => p !== "demo")) {
    const outputs = await c.readStack(DEFAULT_STACK);
    const route = await openKafkaRoute({ stack: DEFAULT_STACK, outputs }, c.route("kafka-spark-lab-bench"));
    const config: KafkaConfig = route.config;
    const kafka = new Kafka(config);
    const { master } = localNodesOf(DEFAULT_STACK, outputs);
    const shell = dockerShell(master);
    const jar = (await putJar(shell, (await buildWordCountJar({ spark: "3.5", runTests: false, onProgress: log })).path)).path;
    if (only.includes("loader")) save("loader", await benchLoader(master, route, kafka, config, records, size));
    const partitions = shuffle ?? (await shufflePartitionsFor(shell, "local", 0));
    if (only.includes("latency")) save("latency", await benchLatency(route, kafka, config, shell, jar, rate, seconds, partitions));
    if (only.includes("first")) save("first", await benchFirst(route, kafka, config, shell, jar, partitions));
  }
  log(`results written to ${RESULTS}`);
  return 0;
}

if (require.main === module) runCli(bench, "bench");
