// Benchmarks of the word-count path on the local stack (not part of npm test), each printed as a
// table and kept in bench/results.json with its date and machine (the docs' figures come from there):
//   warm      npm run demo with the stack down (image built: up to healthy), then with it up
//   cold      a fresh clone, npm ci, an empty Docker (the project's images and the build cache
//             removed; the base image kept), then npm run demo; asked for by name only (--only cold)
//   loader    the load command (kafkajs: 1 producer, and producers in worker threads) side by side
//             with Kafka's own tuned ProducerPerformance and @platformatic/kafka, same topic layout
//   bigfile   the load command on a 1 GB file and on one ten times smaller: throughput, peak memory
//   latency   a running word count: from a line's send to its count being visible
//   first     from submit to the first visible count
//   twin      the HDInsight 5.1 twin's build, start and memory (bench/twin.ts); by name only
// Usage: npm run bench -- [--only warm,loader,...] [options]; npm run docs then renders the figures.
import { mkdtempSync, openSync, writeSync, closeSync, rmSync, writeFileSync, readFileSync, existsSync } from "node:fs";
import { cpus, totalmem, tmpdir } from "node:os";
import { join } from "node:path";
import execa from "execa";
import { Kafka, KafkaConfig } from "kafkajs";
import { UsageError } from "../lib/errors";
import { openKafkaRoute, type KafkaRoute } from "../jobs/kafka/route";
import { idempotentProducer, loadRecords } from "../jobs/kafka/loader";
import { localNodesOf } from "../jobs/local/stack";
import { jobEvents, shufflePartitionsFor, stopJob, submitDetached, waitUntilStarted } from "../jobs/spark/localJobs";
import { dockerShell, NodeShell, putFile } from "../jobs/local/shell";
import { waitFor } from "../jobs/util/poll";
import { DEFAULT_STACK } from "../jobs/pulumiStack";
import { CountsTopicReader } from "../jobs/wordcount/results";
import { sampleLines } from "../jobs/text/sampleText";
import { expectedCounts } from "../jobs/wordcount/tokenize";
import { adminPerBroker, recreateTopics } from "../jobs/kafka/topics";
import { buildWordCountJar } from "../stacks/jobJar";
import { wordCountArgs, WordCountJob } from "../jobs/wordcount/job";
import { choiceFlag, type CommandContext, defineCommand, intFlag, runCli } from "../jobs/cli/command";
import { table } from "../jobs/cli/console";
import { markdownTable } from "../jobs/util/table";
import { benchTwin } from "./twin";

const ROOT = join(__dirname, "..");
const RESULTS = join(__dirname, "results.json");
const PARTS = ["warm", "cold", "loader", "bigfile", "latency", "first", "twin"] as const;
const DEFAULT_PARTS = ["warm", "loader", "bigfile", "latency", "first"];
type Part = (typeof PARTS)[number];

let log: (m: string) => void = () => undefined;
let out: (text: string) => void = () => undefined;
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

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

/** A file of `records` lines of `size` bytes, numbered: what both loaders send. */
function recordsFile(records: number, size: number): string {
  const path = join(mkdtempSync(join(tmpdir(), "bench-")), `records-${records}x${size}.txt`);
  const fd = openSync(path, "w");
  const filler = "x".repeat(size);
  let chunk: string[] = [];
  for (let i = 0; i < records; i++) {
    chunk.push(`${i} ${filler}`.slice(0, size));
    if (chunk.length === 10_000) { writeSync(fd, `${chunk.join("\n")}\n`); chunk = []; }
  }
  if (chunk.length) writeSync(fd, `${chunk.join("\n")}\n`);
  closeSync(fd);
  return path;
}

/** Kafka's own tool, tuned, inside the master (it ships with Kafka there), on the internal listeners. */
async function producerPerformance(master: string, route: KafkaRoute, topic: string, records: number, size: number) {
  const perf = await execa("docker", ["exec", master, "bash", "-lc", 'kafka-producer-perf-test.sh "$@"', "bash",
    "--topic", topic, "--num-records", String(records), "--record-size", String(size), "--throughput", "-1",
    "--producer-props", `bootstrap.servers=${route.jobBrokers}`, "acks=all", "enable.idempotence=true", "batch.size=262144", "linger.ms=10"]);
  const last = perf.stdout.trim().split("\n").pop() ?? "";
  const m = /([\d.]+) records\/sec \(([\d.]+) MB\/sec\)/.exec(last);
  if (!m) throw new Error(`unexpected ProducerPerformance output: ${last}`);
  return Number(m[1]);
}

/** The load command as a user runs it, on the host through the published ports; its own JSON (records/s, peak RSS). */
async function loadCommand(topic: string, file: string, how: { producers: number } | { client: "platformatic" }) {
  const flags = "client" in how ? ["--client", how.client] : ["--producers", String(how.producers)];
  const r = await execa("npm", ["run", "-s", "load", "--", "--topic", topic, "--file", file, ...flags, "--json"], { cwd: ROOT });
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as { recordsPerSecond: number; peakRssMb: number; records: number };
}

async function platformatic(route: KafkaRoute, topic: string, file: string) {
  const r = await execa(join(ROOT, "node_modules", ".bin", "tsx"), [join(__dirname, "platformaticLoad.ts"), (route.config.brokers as string[]).join(","), topic, file, "2000", "12"], { cwd: ROOT });
  return JSON.parse(r.stdout.trim()) as { recordsPerSecond: number; peakRssMb: number };
}

/** Rounds on fresh topics, each tool once per round, best of each: compare within a run (this machine varies a lot between runs). */
async function benchLoader(master: string, route: KafkaRoute, kafka: Kafka, config: KafkaConfig, records: number, size: number, rounds = 2) {
  const topic = "bench-load";
  const file = recordsFile(records, size);
  const tools: Record<string, () => Promise<number>> = {
    producerPerformance: () => producerPerformance(master, route, topic, records, size),
    loaderOneProducer: async () => (await loadCommand(topic, file, { producers: 1 })).recordsPerSecond,
    loader: async () => (await loadCommand(topic, file, { producers: 3 })).recordsPerSecond,
    loaderPlatformatic: async () => (await loadCommand(topic, file, { client: "platformatic" })).recordsPerSecond,
    platformatic: async () => (await platformatic(route, topic, file)).recordsPerSecond,
  };
  const runs: Record<string, number[]> = Object.fromEntries(Object.keys(tools).map((k) => [k, []]));
  try {
    for (let r = 1; r <= rounds; r++) {
      for (const [name, run] of Object.entries(tools)) {
        await freshTopics(kafka, config, [topic]);
        log(`round ${r}/${rounds}: ${name}, ${fmt(records)} records of ${size} bytes, idempotent, acks=all`);
        runs[name].push(await run());
      }
    }
  } finally {
    rmSync(file, { force: true });
  }
  const best = Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, Math.max(...v)]));
  const ratio = best.loader / best.producerPerformance;
  out(`\nLoaders side by side (${fmt(records)} records of ${size} B, 3 partitions, RF 3, acks=all, idempotent, best of ${rounds})\n${table(["", "records/s"], [
    ["Kafka's ProducerPerformance (batch.size=262144, linger.ms=10), in hadoop-master", `${fmt(best.producerPerformance)} (runs: ${runs.producerPerformance.map(fmt).join(", ")})`],
    ["npm run load, kafkajs, 3 producers in worker threads (the default), from the host", `${fmt(best.loader)} (runs: ${runs.loader.map(fmt).join(", ")})`],
    ["npm run load --producers 1, kafkajs, one producer", `${fmt(best.loaderOneProducer)} (runs: ${runs.loaderOneProducer.map(fmt).join(", ")})`],
    ["npm run load --client platformatic (one request in flight per partition)", `${fmt(best.loaderPlatformatic)} (runs: ${runs.loaderPlatformatic.map(fmt).join(", ")})`],
    ["@platformatic/kafka alone, 12 requests in flight, from the host", `${fmt(best.platformatic)} (runs: ${runs.platformatic.map(fmt).join(", ")})`],
    ["ratio loader / ProducerPerformance (target >= 0.6)", ratio.toFixed(2)],
  ])}\n`);
  return {
    records, recordSize: size, rounds, runs,
    producerPerformanceRecordsPerSecond: best.producerPerformance, loaderRecordsPerSecond: best.loader,
    loaderOneProducerRecordsPerSecond: best.loaderOneProducer, loaderPlatformaticRecordsPerSecond: best.loaderPlatformatic, platformaticRecordsPerSecond: best.platformatic, ratio,
    ratioPlatformatic: best.loaderPlatformatic / best.producerPerformance,
  };
}

/** The load command on a 1 GB file: its throughput, and its peak memory, which must not grow with the file. */
async function benchBigFile(kafka: Kafka, config: KafkaConfig, gigabytes: number) {
  // Memory is flat when it does not grow with the file: the same load on a file ten times smaller
  // gives the baseline its peak is compared with.
  const topic = "bench-bigfile";
  const runs: { gigabytes: number; records: number; recordsPerSecond: number; peakRssMb: number }[] = [];
  for (const gb of [gigabytes / 10, gigabytes]) {
    const records = Math.round((gb * 1e9) / 200);
    log(`writing a ${gb} GB file (${fmt(records)} lines of 200 B)`);
    const file = recordsFile(records, 199);
    try {
      await freshTopics(kafka, config, [topic]);
      log(`npm run load on the ${gb} GB file`);
      const r = await loadCommand(topic, file, { producers: 3 });
      runs.push({ gigabytes: gb, records: r.records, recordsPerSecond: r.recordsPerSecond, peakRssMb: r.peakRssMb });
    } finally {
      rmSync(file, { force: true });
      await freshTopics(kafka, config, [topic]);
    }
  }
  const [small, big] = runs;
  out(`\nThe load command on a ${small.gigabytes} GB and a ${big.gigabytes} GB file\n${markdownTable(["file", "records", "records/s", "peak memory (RSS of the process, its worker threads included)"],
    runs.map((r) => [`${r.gigabytes} GB`, fmt(r.records), fmt(r.recordsPerSecond), `${r.peakRssMb} MB`]), ["plain", "right", "right", "right"])}\n`);
  return { ...big, smaller: small };
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

/**
 * Where a benchmarked job keeps its checkpoint: HDFS (what submit and the demo use), or the
 * master's own disk (its data volume), which local[*] can use since the whole job runs there.
 */
type CheckpointPlace = "hdfs" | "master";
const CHECKPOINT_PLACES: readonly CheckpointPlace[] = ["hdfs", "master"];
const checkpointFor = (name: string, place: CheckpointPlace) => (place === "master" ? `file:///data/kafka-spark-lab/checkpoints/${name}-${Date.now()}` : undefined);
const checkpointLabel = (place: CheckpointPlace) => (place === "master" ? "checkpoint on the master's disk" : "checkpoint on HDFS");

async function benchLatency(route: KafkaRoute, kafka: Kafka, config: KafkaConfig, shell: NodeShell, jar: string, rate: number, seconds: number, trigger: number, shufflePartitions: number | undefined, place: CheckpointPlace) {
  const job: WordCountJob = { name: "bench-latency", topic: "bench-lines", sink: "kafka", countsTopic: "bench-counts", trigger, startingOffsets: "earliest", shufflePartitions, checkpoint: checkpointFor("bench-latency", place) };
  await freshTopics(kafka, config, [job.topic, job.countsTopic!]);
  return withJob(shell, job, async () => {
    await submitDetached({ shell, name: job.name, appInNode: jar, className: "spark.kafka.SparkKafkaWordCount", jobArgs: wordCountArgs(job, route.jobBrokers) });
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
    const result = { rateLinesPerSecond: rate, seconds, probes: latencies.length, trigger: `${trigger} s`, shufflePartitions, checkpoint: checkpointLabel(place), p50: pct(latencies, 50), p95: pct(latencies, 95), max: latencies[latencies.length - 1] };
    out(`\nWord count latency, send -> count visible (${rate} lines/s, ${trigger} s trigger, ${shufflePartitions} shuffle partitions, ${checkpointLabel(place)}, ${latencies.length} probes)\n${table(["", "seconds"], [
      ["p50 (target <= 1.0)", result.p50.toFixed(2)], ["p95 (target <= 1.5)", result.p95.toFixed(2)], ["max", result.max.toFixed(2)],
    ])}\n`);
    return result;
  });
}

/** Lines loaded into the running job once its first count is visible (the issue's "20,000 lines <= 5 s after the load ends"). */
const COUNTED_AFTER_LOAD_LINES = 20_000;

async function benchFirst(route: KafkaRoute, kafka: Kafka, config: KafkaConfig, shell: NodeShell, jar: string, trigger: number, shufflePartitions: number, place: CheckpointPlace) {
  const job: WordCountJob = { name: "bench-first", topic: "bench-first-lines", sink: "kafka", countsTopic: "bench-first-counts", trigger, startingOffsets: "earliest", shufflePartitions, checkpoint: checkpointFor("bench-first", place) };
  await freshTopics(kafka, config, [job.topic, job.countsTopic!]);
  const producer = idempotentProducer(kafka);
  await producer.connect();
  const waiting = [...sampleLines({ seed: 1, lines: 1000 })];
  await loadRecords({ producer, topic: job.topic, lines: waiting });
  await producer.disconnect();
  return withJob(shell, job, async () => {
    const reader = new CountsTopicReader(kafka, job.countsTopic!);
    await reader.start();
    const start = Date.now();
    // The first count is watched from the submit on, beside the job's own progress (its log is read
    // once a second): each time is its own, not the slower one's.
    const firstCount = waitFor("the first count", async () => (reader.counts.size > 0 ? Date.now() : undefined), 180_000, 50);
    await submitDetached({ shell, name: job.name, appInNode: jar, className: "spark.kafka.SparkKafkaWordCount", jobArgs: wordCountArgs(job, route.jobBrokers) });
    await waitUntilStarted(shell, job.name);
    const first = ((await firstCount) - start) / 1000;
    // Then 20,000 more lines into the running job: from the end of their load until every word of
    // the 21,000 lines is counted (the counts topic's latest count per word, as results reads it).
    const more = [...sampleLines({ seed: 2, lines: COUNTED_AFTER_LOAD_LINES })];
    const expected = expectedCounts([...waiting, ...more]);
    const loader = idempotentProducer(kafka);
    await loader.connect();
    await loadRecords({ producer: loader, topic: job.topic, lines: more });
    const loaded = Date.now();
    await loader.disconnect();
    const counted = await waitFor("every word of the 21,000 lines counted", async () => ([...expected].every(([w, c]) => reader.counts.get(w) === c) ? Date.now() : undefined), 180_000, 50);
    const countedAfterLoadSeconds = (counted - loaded) / 1000;
    await reader.stop();
    // The job's own account of its first micro-batch: from the query's start to the batch's end.
    const batch0 = (await jobEvents(shell, job.name)).map((l) => /^\[wordcount\] batch 0: \d+ rows in (\d+) ms/.exec(l)).find(Boolean);
    const firstBatchSeconds = batch0 ? Number(batch0[1]) / 1000 : NaN;
    out(`\nSubmit to first visible count (1,000 lines waiting in the topic), then 20,000 lines more\n${table(["", "seconds"], [
      ["first micro-batch, from the query's start (the job's own report; target <= 5)", firstBatchSeconds.toFixed(1)], ["submit -> first count visible (target <= 10)", first.toFixed(1)],
      ["20,000 lines loaded into the running job: load end -> every word counted (target <= 5)", countedAfterLoadSeconds.toFixed(1)],
    ])}\n`);
    return { firstBatchSeconds, firstCountSeconds: first, countedAfterLoadSeconds, countedAfterLoadLines: COUNTED_AFTER_LOAD_LINES, checkpoint: checkpointLabel(place) };
  });
}

/** `npm run demo` in `dir`, its wall time and the time of each step it printed. */
async function demoRun(dir: string, args: string[] = []) {
  const start = Date.now();
  const demo = await execa("npm", ["run", "-s", "demo", "--", ...args], { cwd: dir, all: true });
  const seconds = (Date.now() - start) / 1000;
  const steps = [...(demo.all ?? "").matchAll(/\[(\d)\/\d\] (.*): done in ([\d.]+) s/g)].map((m) => [`[${m[1]}] ${m[2].slice(0, 70)}`, `${m[3]} s`] as [string, string]);
  return { wallSeconds: seconds, steps: Object.fromEntries(steps) };
}

/** The demo with the stack down (containers removed, image and data volumes kept), then with it up. */
async function benchWarm() {
  log("npm run teardown (the data volumes and the image are kept), then npm run demo twice");
  await execa("npm", ["run", "-s", "teardown", "--", "--yes"], { cwd: ROOT });
  const down = await demoRun(ROOT);
  const up = await demoRun(ROOT);
  out(`\nnpm run demo, the image built\n${table(["", "seconds"], [
    ["stack down: wall time", down.wallSeconds.toFixed(1)],
    ["stack down: up to healthy (step 1)", String(Object.values(down.steps)[0])],
    ["stack up (warm, target <= 30): wall time", up.wallSeconds.toFixed(1)],
    ...Object.entries(up.steps).map(([k, v]): [string, string] => [`  warm ${k}`, v]),
  ])}\n`);
  return { stackDown: down, stackUp: up };
}

/** A fresh clone with npm ci and an empty Docker (the base image kept), then the demo: a new user's first minutes. */
async function benchCold(o: { volumes: boolean }) {
  const dir = join(mkdtempSync(join(tmpdir(), "bench-cold-")), "kafka-spark-lab");
  const split: [string, number][] = [];
  const timed = async (what: string, work: () => Promise<unknown>) => { const s = Date.now(); log(what); await work(); split.push([what, (Date.now() - s) / 1000]); };
  await execa("npm", ["run", "-s", "teardown", "--", "--yes", "--images", ...(o.volumes ? ["--volumes"] : [])], { cwd: ROOT });
  await execa("docker", ["builder", "prune", "-af"]);
  const start = Date.now();
  await timed("git clone", () => execa("git", ["clone", "-q", ROOT, dir]));
  await timed("npm ci", () => execa("npm", ["ci", "--no-audit", "--no-fund"], { cwd: dir }));
  const demo = await demoRun(dir);
  const wall = (Date.now() - start) / 1000;
  out(`\nFirst contact: fresh clone, npm ci, empty Docker, npm run demo (target <= 300 s)\n${table(["step", "seconds"], [
    ...split.map(([k, v]): [string, string] => [k, v.toFixed(1)]),
    ...Object.entries(demo.steps).map(([k, v]): [string, string] => [`demo ${k}`, v]),
    ["demo wall time", demo.wallSeconds.toFixed(1)],
    ["in all", wall.toFixed(1)],
  ])}\n`);
  rmSync(dir, { recursive: true, force: true });
  return { wallSeconds: wall, before: Object.fromEntries(split.map(([k, v]) => [k, `${v.toFixed(1)} s`])), demo };
}

export const bench = defineCommand({
  name: "bench",
  usage: `Usage: npm run bench -- [--only ${PARTS.join(",")}] [options]

Benchmarks of the word-count path on the local stack (not part of npm test); each part printed as
a table and kept in bench/results.json (npm run docs then renders docs/benchmarks.md from it).
Default parts: ${DEFAULT_PARTS.join(",")}. "twin" builds, starts and measures the HDInsight 5.1 twin, then removes it. "cold" removes the project's images and Docker's build cache
(and, with --volumes, the stack's data volumes): asked for by name only. No part deletes data
volumes unless --volumes.
  --records <n> --record-size <b>   loader (default 1000000 of 200 B)
  --gigabytes <n>                   bigfile (default 1)
  --rate <n> --seconds <s>          latency (default 1000 lines/s for 30 s)
  --trigger-ms <ms>                 latency and first (default 1000)
  --shuffle-partitions <n>          latency and first (default: the master's cores)
  --checkpoint hdfs|master          latency and first: the job's checkpoint on HDFS (default, as
                                    submit and demo) or on the master's disk (local[*] only)
  --volumes                         cold: delete the stack's data volumes too
`,
  exits: ["USAGE", "STACK_OUTPUTS", "KAFKA", "JAR_BUILD", "SUBMIT", "DOCKER"],
  options: {
    only: { type: "string" }, records: { type: "string" }, "record-size": { type: "string" }, gigabytes: { type: "string" }, rate: { type: "string" },
    seconds: { type: "string" }, "trigger-ms": { type: "string" }, "shuffle-partitions": { type: "string" }, checkpoint: { type: "string" }, volumes: { type: "boolean" },
  },
  run: (f, c) => main(f, c),
});

async function main(f: { only?: string; records?: string; "record-size"?: string; gigabytes?: string; rate?: string; seconds?: string; "trigger-ms"?: string; "shuffle-partitions"?: string; checkpoint?: string; volumes?: boolean }, c: CommandContext): Promise<number> {
  log = (m) => c.line(`[bench] ${new Date().toISOString().slice(11, 19)} ${m}`);
  out = (text) => c.out(text);
  const only = (f.only ?? DEFAULT_PARTS.join(",")).split(",") as Part[];
  for (const p of only) if (!PARTS.includes(p)) throw new UsageError(`--only ${p}: expected some of ${PARTS.join(",")}`);
  const records = intFlag("records", f.records, 1_000_000, 1000);
  const size = intFlag("record-size", f["record-size"], 200, 10, 100_000);
  const gigabytes = intFlag("gigabytes", f.gigabytes, 1, 1, 100);
  const rate = intFlag("rate", f.rate, 1000, 10, 100_000);
  const seconds = intFlag("seconds", f.seconds, 30, 5, 3600);
  const trigger = intFlag("trigger-ms", f["trigger-ms"], 1000, 100, 60_000) / 1000;
  const shuffle = f["shuffle-partitions"] === undefined ? undefined : intFlag("shuffle-partitions", f["shuffle-partitions"], 4);
  const place = choiceFlag<CheckpointPlace>("checkpoint", f.checkpoint, CHECKPOINT_PLACES, "hdfs");

  const results: Record<string, unknown> = existsSync(RESULTS) ? JSON.parse(readFileSync(RESULTS, "utf8")) : {};
  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version };
  const save = (part: string, value: unknown) => {
    results[part] = { date: new Date().toISOString().slice(0, 10), machine, ...(value as object) };
    writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  };
  // cold and warm run the demo themselves, which brings the stack up; the others need it up.
  if (only.includes("cold")) save("cold", await benchCold({ volumes: f.volumes === true }));
  if (only.includes("warm")) save("warm", await benchWarm());
  if (only.includes("twin")) save("twin", await benchTwin(log, out));
  if (only.some((p) => p !== "cold" && p !== "warm" && p !== "twin")) {
    const outputs = await c.readStack(DEFAULT_STACK);
    const route = await openKafkaRoute({ stack: DEFAULT_STACK, outputs }, c.route("kafka-spark-lab-bench"));
    const config: KafkaConfig = route.config;
    const kafka = new Kafka(config);
    const { master } = localNodesOf(DEFAULT_STACK, outputs);
    const shell = dockerShell(master);
    const jar = (await putFile(shell, (await buildWordCountJar({ spark: "3.5", runTests: false, onProgress: log })).path)).path;
    if (only.includes("loader")) save("loader", await benchLoader(master, route, kafka, config, records, size));
    if (only.includes("bigfile")) save("bigfile", await benchBigFile(kafka, config, gigabytes));
    const partitions = shuffle ?? (await shufflePartitionsFor(shell, "local", 0));
    if (only.includes("latency")) save("latency", await benchLatency(route, kafka, config, shell, jar, rate, seconds, trigger, partitions, place));
    if (only.includes("first")) save("first", await benchFirst(route, kafka, config, shell, jar, trigger, partitions, place));
  }
  log(`results written to ${RESULTS}; npm run docs renders them`);
  return 0;
}

if (require.main === module) runCli(bench, "bench");
