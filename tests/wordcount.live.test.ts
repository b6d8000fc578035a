/**
 * The real word-count job on the real local cluster: a seeded data set of known content goes into
 * a topic (3 partitions, RF 3), the Spark 3.5 jar runs on hadoop-master with spark-submit, and the
 * counts it writes are compared, exactly, with the counts computed in TypeScript from the same
 * lines. Also: the lab's own spark-submit line (three arguments, console sink) still runs.
 * Needs a Docker engine, the debian:bookworm base image, Maven and a JDK (.ci/run provides them).
 */
import { Kafka, logLevel, Partitioners } from "kafkajs";
import execa from "execa";
import { PROJECT } from "../stacks/config";
import { describeTopology } from "../stacks/local/topology";
import { IMAGE_CONTEXT } from "../stacks/local/image";
import { adminPerBroker, ensureTopics } from "../jobs/topics";
import { buildWordCountJar } from "../jobs/wordcountJar";
import { expectedCounts, sampleLines } from "../jobs/sampleText";
import { loadRecords } from "../jobs/loader";
import { bringUpCluster, compose, docker, inNode, progress, waitFor } from "./support/docker";

const topology = describeTopology({ project: PROJECT, stack: "dev" });
const MASTER = topology.endpoints.containerNames[0];
const KAFKA = { clientId: "wordcount-live", brokers: topology.endpoints.bootstrapServersHost.split(","), logLevel: logLevel.NOTHING };
const JAR_IN_NODE = "/root/stream-kafka-spark.jar";
const LINES = [...sampleLines({ seed: 2026, lines: 3000 })];
const report: [string, string][] = [];

const kafka = new Kafka(KAFKA);

/** spark-submit on the master, arguments as an array (no shell quoting to get wrong). */
const sparkSubmit = (args: string[], timeoutMs: number) =>
  execa("docker", ["exec", MASTER, "bash", "-lc", 'exec spark-submit "$@"', "spark-submit", "--class", "spark.kafka.SparkKafkaWordCount", ...args], { timeout: timeoutMs, reject: false, all: true });

/** The latest value per key of a counts topic: each word's total. */
async function readCounts(topic: string, expectedWords: number): Promise<Map<string, number>> {
  const consumer = kafka.consumer({ groupId: `wordcount-live-${Date.now()}` });
  const latest = new Map<string, number>();
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => { latest.set(message.key!.toString(), Number(message.value!.toString())); } });
    // The job has finished (available-now): wait until the reader has caught up with the topic's end.
    const admin = kafka.admin();
    await admin.connect();
    const ends = await admin.fetchTopicOffsets(topic);
    await admin.disconnect();
    const total = ends.reduce((n, p) => n + Number(p.high), 0);
    let seen = 0;
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => { seen += payload.batchSize; });
    await waitFor(`${total} count records read`, async () => (seen >= total && latest.size >= expectedWords ? true : undefined), 60_000, 200);
  } finally {
    await consumer.disconnect();
  }
  return latest;
}

/** Loads lines through the project's loader with an idempotent producer (acks=all). */
async function load(topic: string, lines: string[], format: "text" | "json" = "text") {
  const producer = kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    return await loadRecords({ producer, topic, lines, format, batchSize: 500 });
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
    await waitFor(`${count} records of ${topic}`, async () => (values.length >= count ? true : undefined), 150_000, 200);
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
    bringUpCluster(topology.image, IMAGE_CONTEXT, topology.endpoints.containerNames),
    buildWordCountJar({ spark: "3.5", runTests: false, onProgress: progress }),
  ]);
  report.push(["cluster up", `${upSeconds.toFixed(1)} s`], [`jar (${jar.cached ? "cached" : "built"})`, `${jar.seconds.toFixed(1)} s`]);
  await docker(["cp", jar.path, `${MASTER}:${JAR_IN_NODE}`]);
}, 40 * 60_000);

afterAll(async () => {
  await compose(["down", "-v", "--remove-orphans"]).catch(() => undefined);
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
  const actual = await readCounts(counts, expected.size);
  report.push(["distinct words / total words", `${actual.size} / ${[...actual.values()].reduce((a, b) => a + b, 0)}`]);
  expect(new Map([...actual].sort())).toEqual(new Map([...expected].sort()));
}, 10 * 60_000);

test("the lab's own line (three arguments, console sink) runs and prints counts", async () => {
  const topic = "Hello-Kafka";
  await ensureTopics(kafka.admin(), [{ topic, partitions: 1, replicationFactor: 1 }], { brokerAdmin: adminPerBroker(KAFKA) });
  // The lab's line runs until stopped; here it runs in the background, gets a line, and is stopped.
  const job = execa("docker", ["exec", MASTER, "bash", "-lc",
    `spark-submit --class spark.kafka.SparkKafkaWordCount --master local ${JAR_IN_NODE} ${topology.endpoints.bootstrapServersInternal} ${topic} mySparkConsumerGroup`], { all: true, reject: false });
  let output = "";
  job.all?.on("data", (chunk: Buffer) => { output += chunk.toString(); });
  try {
    // The query is up once Spark has printed its first (empty) batch; then the line is sent.
    await waitFor("the job's first batch", async () => (/Batch: 0/.test(output) ? true : undefined), 180_000, 500);
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({ topic, messages: [{ value: "Hello Kafka hello Spark" }] });
    await producer.disconnect();
    await waitFor("counts for the line", async () => (/\|\s*hello\s*\|\s*2\s*\|/.test(output) ? true : undefined), 120_000, 500);
  } finally {
    // The bracket keeps pkill from matching its own shell, whose command line names the class too.
    await inNode(MASTER, "pkill -f 'spark[.]kafka[.]SparkKafkaWordCount' || true");
    await job;
  }
  expect(output).toMatch(/\|\s*kafka\s*\|\s*1\s*\|/);
  expect(output).toMatch(/\|\s*spark\s*\|\s*1\s*\|/);
}, 10 * 60_000);

test("the loader sends JSON lines, counts the malformed ones with their line numbers, and does not stop", async () => {
  const topic = "wc-live-json";
  await ensureTopics(kafka.admin(), [{ topic, partitions: 3, replicationFactor: 3 }], { brokerAdmin: adminPerBroker(KAFKA) });
  const good = Array.from({ length: 1200 }, (_, i) => JSON.stringify({ id: i, text: LINES[i] }));
  const input = [...good.slice(0, 10), "{not json", ...good.slice(10, 600), "", "[1, 2", ...good.slice(600)];
  const result = await load(topic, input, "json");
  expect(result).toMatchObject({ records: 1200, malformed: 2, malformedLines: [11, 603] });
  expect(await readAll(topic, 1200)).toEqual(multiset(good));
}, 5 * 60_000);
