/**
 * The real word-count job on the real local cluster: a seeded data set of known content goes into
 * a topic (3 partitions, RF 3), the Spark 3.5 jar runs on hadoop-master with spark-submit, and the
 * counts it writes are compared, exactly, with the counts computed in TypeScript from the same
 * lines. Also: the lab's own spark-submit line (three arguments, console sink) still runs.
 * Needs a Docker engine, the debian:bookworm base image, Maven and a JDK (.ci/run provides them).
 */
import { createHash } from "crypto";
import { Kafka, logLevel, Partitioners } from "kafkajs";
import execa from "execa";
import { PROJECT } from "../stacks/config";
import { describeTopology } from "../stacks/local/topology";
import { IMAGE_CONTEXT } from "../stacks/local/image";
import { adminPerBroker, ensureTopics } from "../jobs/kafka/topics";
import { sampleLines } from "../jobs/text/sampleText";
import { expectedCounts } from "../jobs/wordcount/tokenize";
import { loadRecords, LoadProgress } from "../jobs/kafka/loader";
import { jobEvents, jobLog, jobStatus, stopJob, submitDetached, waitUntilStarted } from "../jobs/spark/localJobs";
import { dockerShell, putFile } from "../jobs/local/shell";
import { readHdfsTree } from "../jobs/local/hdfs";
import { countsFromParquet, readCountsTopic, totalOf, wordTable } from "../jobs/wordcount/results";
import { wordCountArgs } from "../jobs/wordcount/job";
import { bringUpCluster, docker, inNode, progress, waitFor, waitHealthy, wordCountJar } from "./support/docker";
import { countWords } from "./support/wordCount";
import { mkdtempSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";

const topology = describeTopology({ project: PROJECT, stack: "dev" });
const MASTER = topology.endpoints.containerNames[0];
const KAFKA = { clientId: "wordcount-live", brokers: topology.endpoints.bootstrapServersHost.split(","), logLevel: logLevel.NOTHING };
const JAR_IN_NODE = "/root/stream-kafka-spark.jar";
const LINES = [...sampleLines({ seed: 2026, lines: 3000 })];
const report: [string, string][] = [];

const kafka = new Kafka(KAFKA);
const shell = dockerShell(MASTER);
let jarOnMaster = "";

/** spark-submit on the master, arguments as an array (no shell quoting to get wrong). */
const sparkSubmit = (args: string[], timeoutMs: number) =>
  execa("docker", ["exec", MASTER, "bash", "-lc", 'exec spark-submit "$@"', "spark-submit", "--class", "spark.kafka.SparkKafkaWordCount", ...args], { timeout: timeoutMs, reject: false, all: true });

/** Loads lines through the project's loader with an idempotent producer (acks=all). */
async function load(topic: string, lines: Iterable<string> | AsyncIterable<string>, format: "text" | "json" = "text", onProgress?: (p: LoadProgress) => void) {
  const producer = kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    return await loadRecords({ producer, topic, lines, format, batchSize: 500, onProgress });
  } finally {
    await producer.disconnect();
  }
}

const multiset = (values: string[]) => {
  const m = new Map<string, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return new Map([...m].sort());
};

/** Every value of a topic, from the beginning, once `count` values have been read. */
async function readAll(topic: string, count: number): Promise<Map<string, number>> {
  const consumer = kafka.consumer({ groupId: `wordcount-live-read-${Date.now()}` });
  const values: string[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => { values.push(message.value!.toString()); } });
    // The first consumer group of a fresh cluster also waits for Kafka to create its offsets topic.
    await waitFor(`${count} records of ${topic} (${values.length} so far)`, async () => (values.length >= count ? true : undefined), 150_000, 200);
    // Anything beyond `count` would be a duplicate: give it the time of a few fetches to show up.
    const admin = kafka.admin();
    await admin.connect();
    const total = (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0);
    await admin.disconnect();
    expect(total).toBe(count);
  } finally {
    await consumer.disconnect();
  }
  return multiset(values);
}

beforeAll(async () => {
  const [{ upSeconds }, jar] = await Promise.all([
    bringUpCluster(topology.image, IMAGE_CONTEXT, topology.endpoints.containerNames, { reuse: true }),
    wordCountJar(),
  ]);
  report.push(["cluster up", `${upSeconds.toFixed(1)} s`], [`jar (${jar.cached ? "cached" : "built"})`, `${jar.seconds.toFixed(1)} s`]);
  await docker(["cp", jar.path, `${MASTER}:${JAR_IN_NODE}`]);
  jarOnMaster = (await putFile(shell, jar.path)).path;
}, 40 * 60_000);

afterAll(async () => {
  // The cluster stays for the next file that reuses it (tests/support/globalTeardown.ts removes it).
  process.stderr.write(`\nWord count, live\n| step | result |\n|---|---|\n${report.map(([k, v]) => `| ${k} | ${v} |`).join("\n")}\n\n`);
}, 5 * 60_000);

test("Kafka sink: the counts equal the TypeScript counts of the same seeded lines, exactly", async () => {
  const [lines, counts] = ["wc-live-lines", "wc-live-counts"];
  await ensureTopics(kafka.admin(), [lines, counts].map((topic) => ({ topic, partitions: 3, replicationFactor: 3 })), { brokerAdmin: adminPerBroker(KAFKA) });
  const loaded = await load(lines, LINES);
  expect(loaded).toMatchObject({ records: LINES.length, malformed: 0 });
  // Checked independently of the loader: every line is in the topic exactly once.
  expect(await readAll(lines, LINES.length)).toEqual(multiset(LINES));

  const start = Date.now();
  const run = await sparkSubmit(["--master", "local[2]", JAR_IN_NODE, topology.endpoints.bootstrapServersInternal, lines, "wc-live",
    "--sink", "kafka", "--counts-topic", counts, "--checkpoint", "/tmp/wc-live-checkpoint", "--trigger", "available-now", "--starting-offsets", "earliest"], 5 * 60_000);
  report.push(["spark-submit, available-now, Kafka sink", `${((Date.now() - start) / 1000).toFixed(1)} s`]);
  expect(run.all?.split("\n").filter((l) => /Exception|ERROR/.test(l)).slice(0, 5)).toEqual([]);
  expect(run.exitCode).toBe(0);

  const expected = expectedCounts(LINES);
  // The job has finished (available-now): read the topic up to its end.
  const actual = await readCountsTopic(kafka, counts);
  report.push(["distinct words / total words", `${actual.size} / ${[...actual.values()].reduce((a, b) => a + b, 0)}`]);
  expect(new Map([...actual].sort())).toEqual(new Map([...expected].sort()));
}, 10 * 60_000);

test("the lab's own line, unchanged (localhost:9092, --master local, console sink), counts a topic of 3 partitions and replication 3", async () => {
  const topic = "Hello-Kafka-3";
  await ensureTopics(kafka.admin(), [{ topic, partitions: 3, replicationFactor: 3 }], { brokerAdmin: adminPerBroker(KAFKA) });
  // The lab's line runs until stopped; here it runs in the background, gets lines, and is stopped.
  const job = execa("docker", ["exec", MASTER, "bash", "-lc",
    `spark-submit --class spark.kafka.SparkKafkaWordCount --master local ${JAR_IN_NODE} localhost:9092 ${topic} mySparkConsumerGroup`], { all: true, reject: false });
  let output = "";
  job.all?.on("data", (chunk: Buffer) => { output += chunk.toString(); });
  try {
    // The query is up once Spark has printed its first (empty) batch; then one line per partition.
    await waitFor("the job's first batch", async () => (/Batch: 0/.test(output) ? true : undefined), 180_000, 500);
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({ topic, messages: [
      { value: "Hello Kafka hello Spark", partition: 0 }, { value: "hello again", partition: 1 }, { value: "Spark says hello", partition: 2 },
    ] });
    await producer.disconnect();
    await waitFor("counts of all three partitions", async () => (/\|\s*hello\s*\|\s*4\s*\|/.test(output) ? true : undefined), 120_000, 500);
  } finally {
    // The bracket keeps pkill from matching its own shell, whose command line names the class too.
    await inNode(MASTER, "pkill -f 'spark[.]kafka[.]SparkKafkaWordCount' || true");
    await job;
  }
  expect(output).toMatch(/\|\s*spark\s*\|\s*2\s*\|/);
  expect(output).toMatch(/\|\s*again\s*\|\s*1\s*\|/);
}, 10 * 60_000);

test.each([
  [topology.endpoints.containerNames[0], topology.endpoints.containerNames[1]],
  [topology.endpoints.containerNames[2], topology.endpoints.containerNames[0]],
])("inside %s a JVM producer, and inside %s a JVM consumer, both with localhost:9092, move every record exactly once through all partitions", async (producerNode, consumerNode) => {
  const topic = `inside-${producerNode}`;
  await ensureTopics(kafka.admin(), [{ topic, partitions: 3, replicationFactor: 3 }], { brokerAdmin: adminPerBroker(KAFKA) });
  const records = Array.from({ length: 300 }, (_, i) => `${producerNode}-${i}`);
  // Kafka's own console tools (JVM clients), as the lab uses them. Keyed records (key = the record)
  // spread over all partitions; Kafka 3.6's RoundRobinPartitioner skips every other partition.
  await inNode(producerNode, `kafka-console-producer.sh --bootstrap-server localhost:9092 --topic ${topic} --producer-property acks=all --property parse.key=true --property key.separator=@`,
    `${records.map((r) => `${r}@${r}`).join("\n")}\n`);
  const consumed = await inNode(consumerNode, `kafka-console-consumer.sh --bootstrap-server localhost:9092 --topic ${topic} --from-beginning --max-messages ${records.length} --timeout-ms 60000 2>/dev/null || true`);
  const got = consumed.split("\n").filter(Boolean);
  expect(multiset(got)).toEqual(multiset(records));
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  expect(ends.map((p) => Number(p.high) > 0)).toEqual([true, true, true]);
  expect(ends.reduce((n, p) => n + Number(p.high), 0)).toBe(records.length);
}, 5 * 60_000);

test("the loader sends JSON lines, counts the malformed ones with their line numbers, and does not stop", async () => {
  const topic = "wc-live-json";
  await ensureTopics(kafka.admin(), [{ topic, partitions: 3, replicationFactor: 3 }], { brokerAdmin: adminPerBroker(KAFKA) });
  const good = Array.from({ length: 1200 }, (_, i) => JSON.stringify({ id: i, text: LINES[i] }));
  const input = [...good.slice(0, 10), "{not json", ...good.slice(10, 600), "", "[1, 2", ...good.slice(600)];
  const result = await load(topic, input, "json");
  expect(result).toMatchObject({ records: 1200, malformed: 2, malformedLines: [11, 603] });
  expect(await readAll(topic, 1200)).toEqual(multiset(good));
}, 5 * 60_000);

test("Parquet sink, killed mid-stream and restarted from its checkpoint: the counts are still exact, no row lost or doubled", async () => {
  const topic = "wc-live-parquet";
  const job = { name: "wc-live-parquet", topic, sink: "parquet" as const, output: "/wc-live/parquet/output", checkpoint: "/wc-live/parquet/checkpoint", startingOffsets: "earliest" as const };
  await ensureTopics(kafka.admin(), [{ topic, partitions: 3, replicationFactor: 3 }], { brokerAdmin: adminPerBroker(KAFKA) });
  await inNode(MASTER, "hdfs dfs -rm -r -f -skipTrash /wc-live/parquet >/dev/null 2>&1 || true");
  await load(topic, LINES.slice(0, 1500));

  // Small batches, so the job is still busy when it is killed.
  const first = await submitDetached({ shell, name: job.name, appInNode: jarOnMaster, className: "spark.kafka.SparkKafkaWordCount",
    jobArgs: wordCountArgs({ ...job, trigger: 1, maxOffsetsPerTrigger: 150 }, topology.endpoints.bootstrapServersInternal) });
  await waitUntilStarted(shell, job.name);
  await load(topic, LINES.slice(1500));
  await waitFor("three batches with rows", async () => ((await jobEvents(shell, job.name)).filter((l) => /^\[wordcount\] batch \d+: [1-9]/.test(l)).length >= 3 ? true : undefined), 180_000, 500);
  // A crash, not a clean stop: no shutdown hook runs.
  await inNode(MASTER, `kill -KILL ${first.pid}`);
  await waitFor("the killed driver to be gone", async () => ((await jobStatus(shell, job.name)).running ? undefined : true), 30_000, 250);
  const expected = expectedCounts(LINES);
  const before = totalOf(await countsFromParquet(await readHdfsTree(shell, job.output)));
  report.push(["Parquet: words counted when killed", `${before} of ${totalOf(expected)}`]);
  expect(before).toBeGreaterThan(0);
  expect(before).toBeLessThan(totalOf(expected));

  // Restarted from the same checkpoint, draining what is left, then stopping by itself.
  const start = Date.now();
  await submitDetached({ shell, name: job.name, appInNode: jarOnMaster, className: "spark.kafka.SparkKafkaWordCount",
    jobArgs: wordCountArgs({ ...job, trigger: "available-now" }, topology.endpoints.bootstrapServersInternal) });
  await waitFor("the restarted job to drain the topic and stop", async () => ((await jobStatus(shell, job.name)).running ? undefined : true), 300_000, 1000);
  report.push(["Parquet: restart to drained", `${((Date.now() - start) / 1000).toFixed(1)} s`]);
  expect(await jobEvents(shell, job.name)).toContain("[wordcount] finished");
  expect((await jobLog(shell, job.name, 400)).filter((l) => /Exception/.test(l)).slice(0, 5)).toEqual([]);
  const actual = await countsFromParquet(await readHdfsTree(shell, job.output));
  expect(new Map([...actual].sort())).toEqual(new Map([...expected].sort()));
}, 15 * 60_000);

test("a broker stopped during a load and started again: every acknowledged record is in the topic exactly once", async () => {
  const topic = "wc-live-broker-loss";
  const total = 60_000;
  const records = Array.from({ length: total }, (_, i) => `record-${String(i).padStart(6, "0")} ${LINES[i % LINES.length]}`);
  await ensureTopics(kafka.admin(), [{ topic, partitions: 3, replicationFactor: 3 }], { brokerAdmin: adminPerBroker(KAFKA) });
  const victim = topology.endpoints.containerNames[2];
  // The load pauses at a third and at two thirds (the lines stop coming), so that one third is
  // produced with all brokers up, one with the victim stopped, one while it starts again.
  const gate = () => { let open = () => {}; const opened = new Promise<void>((r) => { open = r; }); return { open, opened }; };
  const [brokerDown, brokerStarting] = [gate(), gate()];
  const paced = async function* () {
    for (let i = 0; i < records.length; i++) {
      if (i === total / 3) await brokerDown.opened;
      if (i === (2 * total) / 3) await brokerStarting.opened;
      yield records[i];
    }
  };
  let acknowledged = 0;
  const loading = load(topic, paced(), "text", (p) => { acknowledged = p.records; });
  await waitFor("the first third acknowledged", async () => (acknowledged === total / 3 ? true : undefined), 120_000, 50);
  let start = Date.now();
  await docker(["stop", "-t", "30", victim]);
  report.push([`broker loss: docker stop ${victim}`, `${((Date.now() - start) / 1000).toFixed(1)} s`]);
  brokerDown.open();
  await waitFor("the second third acknowledged, one broker down", async () => (acknowledged === (2 * total) / 3 ? true : undefined), 180_000, 50);
  start = Date.now();
  await docker(["start", victim]);
  brokerStarting.open();
  const result = await loading;
  report.push(["broker loss: last third loaded while the broker started", `${((Date.now() - start) / 1000).toFixed(1)} s`]);
  expect(result.records).toBe(total);
  await waitHealthy([victim], 300_000);

  const values = await readAll(topic, total);
  expect(values.size).toBe(total);
  expect([...values.values()].every((n) => n === 1)).toBe(true);
  expect(createHash("sha256").update([...values.keys()].join("\n")).digest("hex")).toBe(createHash("sha256").update([...records].sort().join("\n")).digest("hex"));
}, 15 * 60_000);

// ---- Your own text, step by step (docs/wordcount.md), as a user runs it --------------------------

const ROOT = join(__dirname, "..");
const shown: string[] = [];

/**
 * A command line of the docs run as a user runs it (in the repository, npm run, no -s), its output
 * kept; in a process group of its own, as a terminal's foreground job, so that `ctrlC` reaches
 * every process of it (npm, its shell, tsx, node) as Ctrl-C does.
 */
function npmLine(line: string, opts: { timeoutMs?: number } = {}) {
  const args = line.split(/\s+/).filter(Boolean).slice(1); // ["run", script, "--", ...]
  const child = execa("npm", args, { cwd: ROOT, reject: false, timeout: opts.timeoutMs ?? 10 * 60_000, all: true, detached: true });
  child.stderr?.on("data", (b: Buffer) => b.toString().split("\n").filter((l) => l.trim()).forEach((l) => progress(`  ${l}`)));
  return child;
}

/** The step-by-step block of docs/wordcount.md, each line without its comment. */
function stepByStep(): string[] {
  const doc = readFileSync(join(ROOT, "docs", "wordcount.md"), "utf8");
  const block = /<!-- step-by-step -->\n```bash\n([\s\S]*?)```/.exec(doc);
  if (!block) throw new Error("docs/wordcount.md has no <!-- step-by-step --> block");
  return block[1].split("\n").map((l) => l.replace(/\s+#.*$/, "").trim()).filter(Boolean);
}

test("the docs' step-by-step word count, line by line as written, on a real text: the counts equal an independent count of the file", async () => {
  const dir = mkdtempSync(join(tmpdir(), "step-by-step-"));
  const lines = stepByStep();
  expect(lines.map((l) => l.split(" ").slice(0, 3).join(" "))).toEqual(["npm run corpus", "npm run topics", "npm run submit", "npm run load", "npm run results", "npm run submit"]);
  // The one change to what is written: the text file lives in a directory of the test's own.
  const file = join(dir, "sotu.txt");
  const run = lines.map((l) => l.replace(/(?<=\s)sotu\.txt\b/, file));
  let expected = new Map<string, number>();
  try {
    for (const line of run) {
      const start = Date.now();
      if (line.includes("--follow")) {
        // Followed until the table shows every word of the file, then Ctrl-C, as a user stops it.
        const child = npmLine(line);
        let out = "";
        child.stdout?.on("data", (b: Buffer) => { out += b.toString(); });
        const total = totalOf(expected);
        await waitFor(`results --follow to show all ${total} words`, async () => (out.includes(`${expected.size.toLocaleString("en-US")} distinct words, ${total.toLocaleString("en-US")} in all`) ? true : undefined), 5 * 60_000, 250);
        process.kill(-child.pid!, "SIGINT");
        const r = await child;
        shown.push(line, `  ended by Ctrl-C after ${((Date.now() - start) / 1000).toFixed(1)} s`);
        // npm itself dies of the SIGINT (a shell shows ^C); the command under it ends cleanly: no error, no handle dump.
        expect(r.exitCode === 0 || r.signal === "SIGINT").toBe(true);
        expect(r.stderr).not.toMatch(/error:|kept the process alive/);
        expect(out).toContain(wordTable(expected, 20));
        continue;
      }
      const r = await npmLine(line);
      shown.push(line, `  exit ${r.exitCode} after ${((Date.now() - start) / 1000).toFixed(1)} s`);
      expect({ line, exit: r.exitCode, output: r.exitCode ? r.all : "" }).toEqual({ line, exit: 0, output: "" });
      if (line.startsWith("npm run corpus")) expected = countWords(readFileSync(file, "utf8").split("\n"));
      if (line.startsWith("npm run submit -- --name")) expect(r.stdout).toMatch(/job "sotu" runs/);
    }
    // Observed independently of the commands: the counts topic's latest value per word.
    // A real text: thousands of distinct words (the addresses since 2000: 8,499), not a sample's few dozen.
    expect(expected.size).toBeGreaterThan(5_000);
    expect(new Map([...(await readCountsTopic(kafka, "sotu-counts"))].sort())).toEqual(new Map([...expected].sort()));
    report.push(["step by step: distinct / all words of the real text", `${expected.size} / ${totalOf(expected)}`]);
  } finally {
    await stopJob(shell, "sotu");
    rmSync(dir, { recursive: true, force: true });
    process.stderr.write(`\nStep by step, as run\n${shown.join("\n")}\n\n`);
  }
}, 20 * 60_000);

test("the messages of the step-by-step path: a missing input topic, a job that dies while starting, results on a missing or empty topic", async () => {
  const npm = async (args: string) => { const r = await npmLine(`npm run ${args}`); return { ...r, stderr: r.stderr.split("\n").filter((l) => !/^npm (warn|error)|^\s*$/.test(l)).join("\n") }; };
  const noHandles = (text: string) => expect(text).not.toMatch(/kept the process alive|PipeWrap|TCPSocketWrap/);

  // 1. submit on a topic nobody created: exit 24, the topic named with the command that creates it; nothing submitted.
  const missing = await npm("submit -- --name msg-missing --topic msg-nosuch");
  expect(missing.exitCode).toBe(24);
  expect(missing.stderr).toContain('submit: error: topic "msg-nosuch" does not exist, so the job would have nothing to read: create it (npm run topics -- --topic msg-nosuch:3:3), or pass --create-topics');
  expect(missing.stdout).not.toMatch(/runs/);
  expect((await jobStatus(shell, "msg-missing")).running).toBe(false);

  // 2. a job that dies within its first micro-batch (its checkpoint path is under an HDFS file): exit 14 and why, never "runs"; --status says why too.
  await shell.run('hdfs dfs -mkdir -p /msg && echo x | hdfs dfs -put -f - /msg/a-file');
  const dies = await npm("submit -- --name msg-dies --topic msg-input --create-topics --checkpoint /msg/a-file/checkpoint");
  expect(dies.exitCode).toBe(14);
  expect(dies.stderr).toContain("created msg-input (3 partitions, replication factor 3), msg-input-counts (3 partitions, replication factor 3)");
  expect(dies.stderr).toMatch(/submit: error: job "msg-dies" died before its first micro-batch; the end of its log says:\n\s+.*(ParentNotDirectoryException|FileAlreadyExistsException|Not a directory)/);
  expect(dies.stdout).not.toMatch(/runs/);
  const status = await npm("submit -- --status --name msg-dies");
  expect(status.exitCode).toBe(0);
  // (npm's own "> kafka-spark-lab@0.1.0 submit" banner comes first on stdout.)
  expect(status.stdout).toMatch(/^job "msg-dies" is not running: it died( \(exit status \d+\))?; the end of its log says:\n\s+.*(ParentNotDirectoryException|FileAlreadyExistsException|Not a directory)/m);

  // 3. results: a topic that does not exist (24), an empty one (25), each one line, no handle dump; --follow on an empty one says it waits.
  const none = await npm("results -- --topic msg-nosuch-counts");
  expect(none.exitCode).toBe(24);
  expect(none.stderr).toBe('results: error: topic "msg-nosuch-counts" does not exist: no job has written counts there. Is one running? npm run submit -- --status [--name <job>] (a job counting topic T writes T-counts; <name>-lines gives <name>-counts)');
  const empty = await npm("results -- --topic msg-input-counts");
  expect(empty.exitCode).toBe(25);
  expect(empty.stderr).toBe('results: error: topic "msg-input-counts" holds no counts yet: its job may still be starting, or has had no input (npm run submit -- --status [--name <job>])');
  for (const r of [missing, dies, none, empty]) noHandles(r.all ?? "");
  const follow = npmLine("npm run results -- --topic msg-input-counts --follow");
  let err = "";
  follow.stderr?.on("data", (b: Buffer) => { err += b.toString(); });
  await waitFor("results --follow to say it waits", async () => (err.includes("waiting for the first counts") ? true : undefined), 60_000, 200);
  process.kill(-follow.pid!, "SIGINT");
  const followed = await follow;
  expect(followed.exitCode === 0 || followed.signal === "SIGINT").toBe(true);
  noHandles(followed.all ?? "");
  expect(err).toContain('results: topic "msg-input-counts" holds no counts yet: its job may still be starting, or has had no input (npm run submit -- --status [--name <job>]); waiting for the first counts');
}, 15 * 60_000);

test("the lab's restart path: docker stop, then docker start of the three nodes brings everything back healthy, topics and data intact", async () => {
  const nodes = topology.endpoints.containerNames;
  let start = Date.now();
  await docker(["stop", ...nodes]);
  report.push(["docker stop of the three nodes", `${((Date.now() - start) / 1000).toFixed(1)} s`]);
  start = Date.now();
  await docker(["start", ...nodes]);
  await waitHealthy(nodes, 300_000);
  report.push(["docker start to all healthy", `${((Date.now() - start) / 1000).toFixed(1)} s`]);
  const admin = kafka.admin();
  await admin.connect();
  const topics = await admin.listTopics();
  await admin.disconnect();
  expect(topics).toEqual(expect.arrayContaining(["wc-live-lines", "wc-live-counts", "wc-live-parquet", "wc-live-broker-loss"]));
  // Kafka data: the 60,000 records of the broker-loss test, each once.
  const values = await readAll("wc-live-broker-loss", 60_000);
  expect(values.size).toBe(60_000);
  // HDFS data: the Parquet counts written before the restart read back the same.
  const counts = await countsFromParquet(await readHdfsTree(shell, "/wc-live/parquet/output"));
  expect(new Map([...counts].sort())).toEqual(new Map([...expectedCounts(LINES)].sort()));
}, 15 * 60_000);
