/**
 * Jobs of one's own on the real local cluster, through `npm run submit -- --jar|--py` as a user
 * runs it: the Java word count's jar submitted as any jar would be, and the PySpark word count
 * (jobs/spark-app/python/wordcount.py), both on the same real text in the same topic. Each one's
 * counts equal an independent count of the text, exactly, so the two jobs agree. Also: a job that
 * fails ends the command with exit 22 and its error line; a running job is seen, stopped and
 * reported stopped. Needs a Docker engine and the debian:bookworm base image.
 */
import { Kafka, logLevel, Partitioners } from "kafkajs";
import { join } from "node:path";
import { PROJECT } from "../stacks/config";
import { describeTopology } from "../stacks/local/topology";
import { IMAGE_CONTEXT } from "../stacks/local/image";
import { sotuLines } from "../jobs/text/corpus";
import { loadRecords } from "../jobs/kafka/loader";
import { readCountsTopic, sameCounts, totalOf } from "../jobs/wordcount/results";
import { adminPerBroker, ensureTopics } from "../jobs/kafka/topics";
import { EXIT } from "../lib/errors";
import { main as submit } from "../scripts/submit";
import { main as status } from "../scripts/status";
import { jobEvents } from "../jobs/spark/localJobs";
import { dockerShell } from "../jobs/local/shell";
import { bringUpCluster, progress, waitFor, wordCountJar } from "./support/docker";
import { countWords } from "./support/wordCount";
import { runMain } from "./support/commands";

const topology = describeTopology({ project: PROJECT, stack: "dev" });
const BROKERS = topology.endpoints.bootstrapServersInternal;
const KAFKA = { clientId: "ownjobs-live", brokers: topology.endpoints.bootstrapServersHost.split(","), logLevel: logLevel.NOTHING };
const kafka = new Kafka(KAFKA);
const PY_WORDCOUNT = join(__dirname, "..", "jobs", "spark-app", "python", "wordcount.py");
// A real text: the State of the Union addresses of 1990-1999, one sentence a record.
const LINES = [...sotuLines({ from: 1990, to: 1999 })];
const run = `${Date.now()}`;
const TOPIC = `own-lines-${run}`;
let jarPath = "";
const shell = dockerShell(topology.endpoints.containerNames[0]);

async function runSubmit(argv: string[]) {
  const r = await runMain(submit, argv);
  return { code: r.exitCode, out: r.stdout, err: r.stderr };
}

/** The word count's own arguments: drain the topic into a counts topic, then stop. */
const wordCountArgs = (name: string) => ["--", BROKERS, TOPIC, `own-${name}`, "--sink", "kafka", "--counts-topic", `${TOPIC}-${name}-counts`,
  "--checkpoint", `/kafka-spark-lab/own-${name}-${run}/checkpoint`, "--trigger", "available-now", "--starting-offsets", "earliest"];

beforeAll(async () => {
  const [, jar] = await Promise.all([
    bringUpCluster(topology.image, IMAGE_CONTEXT, topology.endpoints.containerNames, { reuse: true }),
    wordCountJar(),
  ]);
  jarPath = jar.path;
  await ensureTopics(kafka.admin(), [TOPIC, `${TOPIC}-java-counts`, `${TOPIC}-py-counts`].map((topic) => ({ topic, partitions: 3, replicationFactor: 3 })), { brokerAdmin: adminPerBroker(KAFKA) });
  const producer = kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    expect(await loadRecords({ producer, topic: TOPIC, lines: LINES, format: "text", batchSize: 500 })).toMatchObject({ records: LINES.length });
  } finally {
    await producer.disconnect();
  }
  progress(`${LINES.length} sentences of the 1990s State of the Union addresses in ${TOPIC}`);
}, 30 * 60_000);

test("--jar and --py: the Java and the PySpark word count each count the real text exactly as an independent count does", async () => {
  const expected = countWords(LINES);
  const java = await runSubmit(["--jar", jarPath, "--class", "spark.kafka.SparkKafkaWordCount", "--name", "own-java", "--follow", ...wordCountArgs("java")]);
  expect(java.err).not.toMatch(/error:/);
  expect(java.code).toBe(EXIT.OK);
  expect(java.out).toMatch(/^\[wordcount\] finished$/m);
  expect(java.out).toContain('job "own-java" is not running: it finished (exit status 0)');

  const py = await runSubmit(["--py", PY_WORDCOUNT, "--name", "own-py", "--follow", ...wordCountArgs("py")]);
  expect(py.err).not.toMatch(/error:/);
  expect(py.code).toBe(EXIT.OK);
  expect(py.out).toMatch(/^\[wordcount\] batch 0: \d+ rows in \d+ ms$/m);
  expect(py.out).toContain('job "own-py" is not running: it finished (exit status 0)');

  const [javaCounts, pyCounts] = await Promise.all([readCountsTopic(kafka, `${TOPIC}-java-counts`), readCountsTopic(kafka, `${TOPIC}-py-counts`)]);
  progress(`${LINES.length} lines: ${expected.size} distinct words, ${totalOf(expected)} in all; Java ${javaCounts.size}/${totalOf(javaCounts)}, PySpark ${pyCounts.size}/${totalOf(pyCounts)}`);
  expect(expected.size).toBeGreaterThan(5000);
  expect(sameCounts(javaCounts, expected)).toBe(true);
  expect(sameCounts(pyCounts, expected)).toBe(true);
}, 10 * 60_000);

test("a job that fails: exit 22, its error line (with the KAFKA_BROKERS it was given), and --status says it failed", async () => {
  const failing = join(__dirname, "fixtures", "failing_job.py");
  const r = await runSubmit(["--py", failing, "--follow"]);
  expect(r.code).toBe(EXIT.JOB_DEAD);
  expect(r.err).toContain('error: job "failing_job" died (exit status 1)');
  expect(r.err).toContain(`ValueError: no topic named fixture-missing at ${BROKERS}`);
  const status = await runSubmit(["--status", "--name", "failing_job"]);
  expect(status.out).toContain('job "failing_job" is not running: it died (exit status 1)');
  expect(status.code).toBe(EXIT.OK);
}, 5 * 60_000);

test("a running job of one's own is detached: --status sees it, npm run status shows its lag exactly, --stop stops it", async () => {
  const name = "own-streaming";
  // The first batch takes the whole topic at once; Spark runs the next ones at multiples of the
  // trigger on the clock (60 s: at the next full minute, maybe seconds later, which once counted
  // the 100 lines below before status read the lag). A day: the next batch comes at UTC midnight.
  const started = await runSubmit(["--py", PY_WORDCOUNT, "--name", name, "--", BROKERS, TOPIC, name, "--sink", "console", "--trigger", "86400", "--starting-offsets", "earliest"]);
  expect(started.err).not.toMatch(/error:/);
  expect(started.out).toContain(`job "${name}" runs.`);
  expect((await runSubmit(["--status", "--name", name])).out).toMatch(new RegExp(`job "${name}" is running \\(driver pid \\d+`));
  await waitFor("the job's first batch", async () => ((await jobEvents(shell, name)).some((l) => l.startsWith("[wordcount] offsets 0 ")) ? true : undefined), 120_000, 500);
  // 100 more lines the job has not counted yet: npm run status must say so, exactly.
  const producer = kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  await producer.send({ topic: TOPIC, messages: Array.from({ length: 100 }, (_, i) => ({ value: `one more line ${i}` })) });
  await producer.disconnect();
  const { exitCode: code, stdout: json } = await runMain(status, ["--json"]);
  expect(code).toBe(EXIT.OK);
  const s = JSON.parse(json);
  // Other tests' topics may be mid-change in a shared cluster: status names such a topic and goes on.
  expect(s.problems.filter((p: string) => !p.startsWith("topic "))).toEqual([]);
  expect(s.problems.join("\n")).not.toContain(TOPIC);
  expect(s.nodes.map((n: { name: string; state: string; health: string }) => `${n.name} ${n.state} ${n.health}`)).toEqual(topology.endpoints.containerNames.map((c) => `${c} running healthy`));
  expect(s.topics.find((t: { topic: string }) => t.topic === TOPIC)).toMatchObject({ partitions: 3, replicationFactor: 3, records: LINES.length + 100 });
  expect(s.jobs.find((j: { name: string }) => j.name === name)).toMatchObject({ topic: TOPIC, lag: 100, state: "running" });
  expect(s.uis.find((u: { name: string }) => u.name === "JupyterLab")).toMatchObject({ url: "http://127.0.0.1:8888/", answers: true });
  expect(s.uis.find((u: { name: string }) => u.name === "HDFS NameNode")).toMatchObject({ answers: true });

  expect((await runSubmit(["--stop", "--name", name])).out).toContain(`job "${name}" stopped`);
  expect((await runSubmit(["--status", "--name", name])).out).toMatch(new RegExp(`job "${name}" is not running.*it was stopped`));
}, 5 * 60_000);
