/**
 * Faults while data flows, on the real local cluster (three nodes, each a KRaft controller and a
 * broker; topics of 3 partitions, replication 3, min.insync.replicas 2): something real is broken
 * (SIGKILL of a broker process, of a whole node, of the Spark driver) and exact numbers are asserted
 * afterwards. Each scenario's outcome is written to tests/results/faults.json, from which
 * docs/faults.md is generated (npm run docs). `npm run test:faults` runs this file alone.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { cpus, tmpdir, totalmem } from "os";
import execa from "execa";
import { join } from "path";
import { Kafka, logLevel } from "kafkajs";
import { PROJECT } from "../stacks/config";
import { describeTopology } from "../stacks/local/topology";
import { IMAGE_CONTEXT } from "../stacks/local/image";
import { adminPerBroker, ensureTopics } from "../jobs/kafka/topics";
import { loadIntoTopic, LoadError } from "../jobs/kafka/loader";
import type { LoadClient } from "../jobs/kafka/loader/platformatic";
import { corpusSource } from "../jobs/text/source";
import { jobEnding, jobEvents, jobStatus, stopJob, submitDetached, waitUntilStarted, yarnSizing } from "../jobs/spark/localJobs";
import { dockerShell, JOBS_DIR, putFile } from "../jobs/local/shell";
import { CountsTopicReader, sameCounts } from "../jobs/wordcount/results";
import { wordCountArgs, type WordCountJob } from "../jobs/wordcount/job";
import { bringUpCluster, compose, docker, inNode, progress, waitFor, waitHealthy, wordCountJar } from "./support/docker";
import { countWords } from "./support/wordCount";
import { main as loadMain } from "../scripts/load";
import { main as resultsMain } from "../scripts/results";
import { runMain } from "./support/commands";

const topology = describeTopology({ project: PROJECT, stack: "dev" });
const NODES = topology.endpoints.containerNames;
const MASTER = NODES[0];
const KAFKA = { clientId: "faults-live", brokers: topology.endpoints.bootstrapServersHost.split(","), logLevel: logLevel.NOTHING };
const kafka = new Kafka(KAFKA);
const shell = dockerShell(MASTER);
let jarOnMaster = "";

/** One row of docs/faults.md. */
interface Outcome { scenario: string; checked: string; result: string; recoverySeconds: number | null }
const outcomes: Outcome[] = [];
const RESULTS = join(__dirname, "results", "faults.json");

const seconds = (since: number) => Math.round((Date.now() - since) / 100) / 10;
const ids = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `id-${String(from + i).padStart(7, "0")}`);

/** A file of the ids 0..total-1, one per line, in a temporary directory removed once `use` has ended. */
async function withIdsFile<T>(total: number, use: (file: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), "faults-ids-"));
  try {
    const file = join(dir, "ids.txt");
    writeFileSync(file, `${ids(0, total).join("\n")}\n`);
    return await use(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The topics this file has made, deleted after each scenario (deleteMadeTopics). */
const made = new Set<string>();

/** A topic of the project's shape, created afresh. */
async function freshTopic(topic: string): Promise<void> {
  made.add(topic);
  const admin = kafka.admin();
  await admin.connect();
  try {
    if ((await admin.listTopics()).includes(topic)) {
      await admin.deleteTopics({ topics: [topic] });
      await waitFor(`${topic} deleted`, async () => (!(await admin.listTopics()).includes(topic) ? true : undefined), 60_000, 200);
    }
  } finally {
    await admin.disconnect();
  }
  await ensureTopics(kafka.admin(), [{ topic, partitions: 3, replicationFactor: 3 }], { brokerAdmin: adminPerBroker(KAFKA) });
}

/**
 * Loads `lines` through the project's loader (producers in worker threads, idempotent, acks=all),
 * pausing once at `pauseAt` lines until `whilePaused` has done its harm; the ids each acknowledged
 * batch held are collected.
 */
async function loadWithFault(topic: string, lines: string[], pauseAt: number, whilePaused: () => Promise<void>, stallSeconds = 60, client: LoadClient = "kafkajs") {
  const acknowledged = new Set<string>();
  let acked = 0;
  let resume = () => undefined as void;
  const resumed = new Promise<void>((r) => { resume = r; });
  const paced = async function* () {
    for (let i = 0; i < lines.length; i++) {
      if (i === pauseAt) await resumed;
      yield lines[i];
    }
  };
  const loading = loadIntoTopic({ config: KAFKA }, {
    topic, lines: paced(), batchSize: 2000, stallSeconds, client,
    onAcknowledged: (values) => { for (const v of values) acknowledged.add(v); acked += values.length; },
  }).then((r) => ({ ok: true as const, records: r.records }), (e: unknown) => ({ ok: false as const, error: e }));
  await waitFor(`the first ${pauseAt} records acknowledged`, async () => (acked >= pauseAt ? true : undefined), 120_000, 20);
  await whilePaused();
  resume();
  return { outcome: await loading, acknowledged };
}

/**
 * Every value in a topic, read from the beginning up to the end offsets it has now, with how often
 * each occurs. Each record counts once by its partition and offset: a group rebalance while reading
 * (the coordinator moving after a fault) redelivers records, which must not look like duplicates
 * in the topic, and the read ends when every partition has been read to its end offset.
 */
async function readTopic(topic: string): Promise<Map<string, number>> {
  const ends = new Map(Object.entries(await endOffsets(topic)).map(([p, end]) => [Number(p), end]));
  const byOffset = new Map<string, string>();
  const next = new Map([...ends.keys()].map((p) => [p, 0]));
  const consumer = kafka.consumer({ groupId: `faults-live-read-${Date.now()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachBatch: async ({ batch }) => {
      for (const m of batch.messages) {
        byOffset.set(`${batch.partition}:${m.offset}`, m.value!.toString());
        next.set(batch.partition, Math.max(next.get(batch.partition) ?? 0, Number(m.offset) + 1));
      }
    } });
    await waitFor(`every partition of ${topic} read to its end (${byOffset.size} records so far)`, async () => ([...ends].every(([p, end]) => (next.get(p) ?? 0) >= end) ? true : undefined), 180_000, 200);
  } finally {
    await consumer.disconnect();
  }
  const seen = new Map<string, number>();
  for (const v of byOffset.values()) seen.set(v, (seen.get(v) ?? 0) + 1);
  return seen;
}

/** Each partition's end offset (the high watermark): what a reader can see. */
async function endOffsets(topic: string): Promise<Record<number, number>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return Object.fromEntries((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
  } finally {
    await admin.disconnect();
  }
}

/** In-sync replicas of every partition of `topic`, as seen by the brokers. */
async function isrSizes(topic: string): Promise<number[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    return topics[0].partitions.map((p) => p.isr.length);
  } finally {
    await admin.disconnect();
  }
}

/**
 * The KRaft quorum's leader (the active controller), as a node of the topology: as `askIn`'s
 * controller has it, from the quorum state each voter keeps on disk and rewrites at every election
 * (a file read; kafka-metadata-quorum.sh would start a JVM per question, seconds each while the
 * test polls for the new leader).
 */
async function activeController(askIn: string): Promise<{ nodeId: number; container: string; epoch: number }> {
  const state = await inNode(askIn, "cat /data/kafka/__cluster_metadata-0/quorum-state");
  const { leaderId, leaderEpoch } = JSON.parse(state) as { leaderId?: number; leaderEpoch?: number };
  const node = topology.nodes.find((n) => n.kafkaNodeId === Number(leaderId));
  if (!node) throw new Error(`no node has Kafka node id ${leaderId} (an election under way?): ${state}`);
  return { nodeId: Number(leaderId), container: node.name, epoch: Number(leaderEpoch) };
}

/** The active controller once the quorum has one (after a partition heals, an election may be under way). */
const electedController = (askIn: string) => waitFor("an active controller", async () => activeController(askIn).catch(() => undefined), 60_000, 250);

beforeAll(async () => {
  const [, jar] = await Promise.all([
    bringUpCluster(topology.image, IMAGE_CONTEXT, NODES, { reuse: true }),
    wordCountJar(),
  ]);
  jarOnMaster = (await putFile(shell, jar.path)).path;
}, 40 * 60_000);

/** Each scenario starts from a whole cluster: every node healthy and all three brokers registered. */
beforeEach(async () => {
  await waitHealthy(NODES, 300_000);
  const admin = kafka.admin();
  await admin.connect();
  try {
    await waitFor("three brokers registered", async () => ((await admin.describeCluster()).brokers.length === NODES.length ? true : undefined), 180_000, 500);
  } finally {
    await admin.disconnect();
  }
}, 10 * 60_000);

/**
 * A scenario's topics go when it ends: the cluster is left as this file found it, and a node given
 * a new, empty disk (the disk-full scenario) re-replicates only what other files left, not the
 * millions of ids loaded here.
 */
afterEach(async () => {
  const topics = [...made];
  made.clear();
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const gone = topics.filter((t) => existing.has(t));
    if (gone.length) await admin.deleteTopics({ topics: gone, timeout: 60_000 });
  } finally {
    await admin.disconnect();
  }
}, 2 * 60_000);

afterAll(() => {
  mkdirSync(join(__dirname, "results"), { recursive: true });
  const machine = { cpus: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version };
  writeFileSync(RESULTS, `${JSON.stringify({ date: new Date().toISOString().slice(0, 10), machine, outcomes }, null, 2)}\n`);
  process.stderr.write(`\nFaults survived\n| scenario | checked | result | recovery |\n|---|---|---|---|\n${outcomes.map((o) => `| ${o.scenario} | ${o.checked} | ${o.result} | ${o.recoverySeconds ?? "-"} s |`).join("\n")}\n\n`);
});

test.each([
  ["kafkajs", 300_000, NODES[2]],
] as [LoadClient, number, string][])("a broker process SIGKILLed during a load (--client %s, %i ids): 0 acknowledged ids lost or duplicated", async (client, total, victim) => {
  const topic = `faults-broker-kill-${client}`;
  await freshTopic(topic);
  const lines = ids(0, total);
  let killedAt = 0;
  const { outcome, acknowledged } = await loadWithFault(topic, lines, 100_000, async () => {
    killedAt = Date.now();
    await inNode(victim, "pkill -KILL -f 'kafka\\.Kafka'");
    progress(`kill -9 of the Kafka broker in ${victim} after 100,000 acknowledged ids (--client ${client})`);
  }, 60, client);
  expect(outcome).toEqual({ ok: true, records: total });
  expect(acknowledged.size).toBe(total);
  // supervisord starts the broker again; it catches up and rejoins every partition's ISR.
  await waitFor("the killed broker back in every ISR", async () => ((await isrSizes(topic)).every((n) => n === 3) ? true : undefined), 180_000, 500);
  const recovery = seconds(killedAt);
  const seen = await readTopic(topic);
  expect(seen.size).toBe(total);
  expect([...seen.values()].filter((n) => n !== 1)).toEqual([]);
  expect([...acknowledged].filter((id) => !seen.has(id))).toEqual([]);
  const count = total.toLocaleString("en-US");
  outcomes.push({ scenario: `Kafka broker process in ${victim} SIGKILLed during a ${count}-id load (npm run load --client ${client})`, checked: "every id in the topic exactly once; the broker back in every ISR", result: `${count} acknowledged, ${count} in the topic, 0 lost, 0 duplicated`, recoverySeconds: recovery });
}, 15 * 60_000);

/** The sum of a topic's end offsets: how many records it holds. */
const recordsIn = async (topic: string): Promise<number> => Object.values(await endOffsets(topic)).reduce((n, end) => n + end, 0);

test("a broker process SIGKILLed during `npm run load --client platformatic` of 300,000 ids: the command completes, every id once", async () => {
  // As a user runs it (the client is ESM only, which jest's module system cannot load in-process).
  const topic = "faults-broker-kill-platformatic";
  const total = 300_000;
  await freshTopic(topic);
  const victim = NODES[1];
  await withIdsFile(total, async (file) => {
    const child = execa("npx", ["tsx", join(__dirname, "..", "scripts", "load.ts"), "--topic", topic, "--file", file, "--client", "platformatic", "--json"], { cwd: join(__dirname, ".."), reject: false });
    const atKill = await waitFor("100,000 records in the topic", async () => { const n = await recordsIn(topic); return n >= 100_000 ? n : undefined; }, 120_000, 20);
    const killedAt = Date.now();
    await inNode(victim, "pkill -KILL -f 'kafka\\.Kafka'");
    progress(`kill -9 of the Kafka broker in ${victim} with ${atKill} records in the topic (--client platformatic)`);
    const run = await child;
    expect(atKill).toBeLessThan(total);
    expect({ exit: run.exitCode, stderr: run.exitCode ? run.stderr : "" }).toEqual({ exit: 0, stderr: "" });
    expect(JSON.parse(run.stdout.trim().split("\n").pop()!)).toMatchObject({ records: total });
    await waitFor("the killed broker back in every ISR", async () => ((await isrSizes(topic)).every((n) => n === 3) ? true : undefined), 180_000, 500);
    const recovery = seconds(killedAt);
    const seen = await readTopic(topic);
    expect(seen.size).toBe(total);
    expect([...seen.values()].filter((n) => n !== 1)).toEqual([]);
    outcomes.push({ scenario: `Kafka broker process in ${victim} SIGKILLed during \`npm run load --client platformatic\` of ${total.toLocaleString("en-US")} ids`, checked: "the command ends with exit 0; every id in the topic exactly once; the broker back in every ISR", result: `${total.toLocaleString("en-US")} acknowledged (${atKill.toLocaleString("en-US")} in the topic at the kill), ${total.toLocaleString("en-US")} in the topic, 0 lost, 0 duplicated`, recoverySeconds: recovery });
  });
}, 15 * 60_000);

/** Two brokers of three down: nothing can be acknowledged again (min ISR 2), so any bound above a request's round trip shows the stop. */
const STALL_SECONDS = 6;

test("two nodes SIGKILLed during a load: the loader stops with exit 15, and every id it reported acknowledged is in the topic", async () => {
  const topic = "faults-two-down";
  await freshTopic(topic);
  const lines = ids(0, 300_000);
  const victims = [NODES[1], NODES[2]];
  const { outcome, acknowledged } = await loadWithFault(topic, lines, 100_000, async () => {
    await docker(["kill", "-s", "KILL", ...victims]);
    progress(`docker kill -s KILL ${victims.join(" ")} after 100,000 acknowledged ids`);
  }, STALL_SECONDS);
  // One broker of three cannot meet min.insync.replicas 2: nothing more is acknowledged.
  expect(outcome.ok).toBe(false);
  const error = (outcome as { error: unknown }).error;
  expect(error).toBeInstanceOf(LoadError);
  expect((error as LoadError).exitCode).toBe(15);
  expect((error as Error).message).toMatch(new RegExp(`stopped after ${acknowledged.size} acknowledged records: no acknowledgement for ${STALL_SECONDS} s`));
  expect(acknowledged.size).toBeGreaterThanOrEqual(100_000);
  expect(acknowledged.size).toBeLessThan(300_000);

  const start = Date.now();
  await docker(["start", ...victims]);
  await waitHealthy(NODES, 300_000);
  await waitFor("every partition's ISR full again", async () => ((await isrSizes(topic)).every((n) => n === 3) ? true : undefined), 180_000, 500);
  const recovery = seconds(start);
  const seen = await readTopic(topic);
  expect([...acknowledged].filter((id) => !seen.has(id))).toEqual([]);
  expect([...seen.values()].filter((n) => n !== 1)).toEqual([]);
  const unacknowledged = seen.size - acknowledged.size;
  outcomes.push({
    scenario: `${victims.join(" and ")} SIGKILLed (docker kill) during a 300,000-id load`,
    checked: `the loader stops (exit 15, --stall-timeout ${STALL_SECONDS}); every acknowledged id in the topic, none twice`,
    result: `${acknowledged.size.toLocaleString("en-US")} acknowledged, all in the topic; ${unacknowledged} written but not acknowledged; 0 duplicated`,
    recoverySeconds: recovery,
  });
}, 15 * 60_000);

test("the active controller's node SIGKILLed during a load: a new controller, the load completes, every id once", async () => {
  const topic = "faults-controller";
  await freshTopic(topic);
  const before = await electedController(MASTER);
  const survivor = NODES.find((n) => n !== before.container)!;
  const lines = ids(0, 300_000);
  let killedAt = 0;
  let newController = before;
  const { outcome, acknowledged } = await loadWithFault(topic, lines, 100_000, async () => {
    killedAt = Date.now();
    await docker(["kill", "-s", "KILL", before.container]);
    progress(`docker kill -s KILL ${before.container} (controller ${before.nodeId}) after 100,000 acknowledged ids`);
    await waitFor("a new active controller", async () => {
      const now = await activeController(survivor).catch(() => undefined);
      return now && now.nodeId !== before.nodeId ? now : undefined;
    }, 120_000, 500).then((c) => { newController = c; });
  });
  const electedIn = seconds(killedAt);
  expect(newController.nodeId).not.toBe(before.nodeId);
  expect(outcome).toEqual({ ok: true, records: 300_000 });

  await docker(["start", before.container]);
  await waitHealthy(NODES, 300_000);
  await waitFor("every partition's ISR full again", async () => ((await isrSizes(topic)).every((n) => n === 3) ? true : undefined), 180_000, 500);
  const recovery = seconds(killedAt);
  const seen = await readTopic(topic);
  expect(seen.size).toBe(300_000);
  expect([...seen.values()].filter((n) => n !== 1)).toEqual([]);
  expect(acknowledged.size).toBe(300_000);
  outcomes.push({
    scenario: `the active controller's node (${before.container}, node ${before.nodeId}) SIGKILLed during a 300,000-id load`,
    checked: "a new controller elected; the load completes; after docker start, every id once and every ISR full",
    result: `controller ${newController.nodeId} after ${electedIn} s; 300,000 acknowledged and in the topic, 0 lost, 0 duplicated`,
    recoverySeconds: recovery,
  });
}, 15 * 60_000);

/** How long a partitioned node stays cut off, as Jepsen's partition nemesis holds one (https://jepsen.io/consistency). */
const PARTITION_SECONDS = 30;

/**
 * A node cut off the stack's network during a 300,000-id load (its processes keep running and keep
 * believing what they believed), healed after PARTITION_SECONDS while the load goes on; then the
 * topic read whole once every ISR is full again.
 */
async function partitionDuringLoad(topic: string, victim: string) {
  await freshTopic(topic);
  let cutAt = 0;
  let healedAt = 0;
  let isrShrunkAfter: number | undefined;
  let healing: Promise<void> = Promise.resolve();
  const { outcome, acknowledged } = await loadWithFault(topic, ids(0, 300_000), 100_000, async () => {
    cutAt = Date.now();
    await docker(["network", "disconnect", topology.network, victim]);
    progress(`${victim} cut off the ${topology.network} network after 100,000 acknowledged ids`);
    // The partition's length is the scenario, not a wait for readiness. Meanwhile the other two
    // are watched dropping it from every partition's ISR, the sign that the cut was real.
    const shrinking = waitFor("every ISR without the cut-off node", async () => ((await isrSizes(topic)).every((n) => n === 2) ? seconds(cutAt) : undefined), PARTITION_SECONDS * 1000, 250)
      .then((t) => { isrShrunkAfter = t; }, () => undefined);
    healing = new Promise<void>((r) => setTimeout(r, PARTITION_SECONDS * 1000)).then(async () => {
      await shrinking;
      await docker(["network", "connect", "--alias", victim, topology.network, victim]);
      healedAt = Date.now();
      progress(`${victim} back on the network after ${seconds(cutAt)} s (every ISR without it after ${isrShrunkAfter ?? "-"} s)`);
    });
  });
  await healing;
  await waitFor("every partition's ISR full again", async () => ((await isrSizes(topic)).every((n) => n === 3) ? true : undefined), 300_000, 500);
  const healSeconds = seconds(healedAt);
  const seen = await readTopic(topic);
  return { outcome, acknowledged, seen, healSeconds, isrShrunkAfter };
}

test.each([
  ["a broker's node, not the controller's,", "faults-partition-broker", false],
  ["the active controller's node", "faults-partition-controller", true],
] as [string, string, boolean][])("%s cut off the network for 30 s during a 300,000-id load, then healed: the others drop it from every ISR, the load completes, no id twice, nothing acknowledged before the cut lost; what was lost after it counted", async (what, topic, controller) => {
  const before = await electedController(MASTER);
  const victim = controller ? before.container : NODES.find((n) => n !== before.container)!;
  const survivor = NODES.find((n) => n !== victim)!;
  const r = await partitionDuringLoad(topic, victim);
  const after = await electedController(survivor);
  expect(r.outcome).toEqual({ ok: true, records: 300_000 });
  expect(r.acknowledged.size).toBe(300_000);
  // What really happens (docs/faults.md): no id twice, nothing acknowledged before the cut lost;
  // but in some runs every record acknowledged during the cut on one partition was gone after the
  // heal (68,000 of 300,000, in some runs of the whole file, never when run alone). The loss is
  // counted and shown, the brokers' own account of that partition printed for the next look.
  expect([...r.seen].filter(([, n]) => n > 1).map(([id]) => id)).toEqual([]);
  const lost = [...r.acknowledged].filter((id) => !r.seen.has(id));
  expect(lost.filter((id) => Number(id.slice(3)) < 100_000)).toEqual([]);
  if (lost.length) {
    for (const n of NODES) progress(`${n}'s broker on ${topic}:\n${await inNode(n, `grep -h '${topic}' /data/logs/kafka/server.log | grep -iE 'truncat|leader|epoch|isr|fenc' | tail -n 25 || true`)}`);
    progress(`end offsets of ${topic} after the heal: ${JSON.stringify(await endOffsets(topic))}`);
  }
  expect(r.seen.size).toBe(300_000 - lost.length);
  expect(r.isrShrunkAfter).toBeDefined();
  if (controller) expect(after.nodeId).not.toBe(before.nodeId);
  outcomes.push({
    scenario: `${what} ${victim}, cut off the Docker network for ${PARTITION_SECONDS} s during a 300,000-id load (docker network disconnect; its processes keep running), then reconnected`,
    checked: `the other two drop it from every ISR; the load completes${controller ? "; a new controller" : ""}; every ISR full after the heal; how many acknowledged ids are in the topic, none twice`,
    result: `every ISR without it after ${r.isrShrunkAfter} s; controller ${before.nodeId} (epoch ${before.epoch}) -> ${after.nodeId} (epoch ${after.epoch}); 300,000 acknowledged, ${r.seen.size.toLocaleString("en-US")} in the topic, **${lost.length.toLocaleString("en-US")} lost**, 0 duplicated`,
    recoverySeconds: r.healSeconds,
  });
}, 15 * 60_000);

/**
 * A Kafka-sink word count of the real text (the State of the Union addresses since 1990) from
 * nothing: its driver stopped, its checkpoint under /faults/<dir> removed, its two topics new.
 */
async function freshWordCount(name: string, dir: string): Promise<{ job: WordCountJob; lines: string[] }> {
  const job: WordCountJob = { name, topic: `${name}-lines`, sink: "kafka", countsTopic: `${name}-counts`, trigger: 1, startingOffsets: "earliest", checkpoint: `/faults/${dir}/checkpoint`, shufflePartitions: 2 };
  await stopJob(shell, job.name);
  await shell.run(`hdfs dfs -rm -r -f -skipTrash /faults/${dir} >/dev/null 2>&1 || true`);
  await freshTopic(job.topic);
  await freshTopic(job.countsTopic!);
  return { job, lines: [...corpusSource({ from: 1990 }).lines() as Iterable<string>].filter((l) => l !== "") };
}

test("the Kafka-sink word count SIGKILLed mid-stream and submitted again: its checkpoint resumes it and the latest count per word is exact", async () => {
  // The text split in two halves around the kill.
  const { job, lines } = await freshWordCount("faults-wc", "wc");
  const half = Math.floor(lines.length / 2);
  const expected = countWords(lines);
  const submit = () => submitDetached({ shell, name: job.name, appInNode: jarOnMaster, className: "spark.kafka.SparkKafkaWordCount", jobArgs: wordCountArgs(job, topology.endpoints.bootstrapServersInternal) });

  await submit();
  await waitUntilStarted(shell, job.name);
  await loadIntoTopic({ config: KAFKA }, { topic: job.topic, lines: lines.slice(0, half) });
  // Killed once it has counted some of the first half, in whichever batch it is.
  await waitFor("a micro-batch with rows", async () => ((await jobEvents(shell, job.name)).some((l) => /batch \d+: [1-9]\d* rows/.test(l)) ? true : undefined), 120_000, 200);
  const { pid } = await jobStatus(shell, job.name);
  const killedAt = Date.now();
  await shell.run('kill -KILL "$1"', [String(pid)]);
  await waitFor("the driver gone", async () => (!(await jobStatus(shell, job.name)).running ? true : undefined), 30_000, 100);
  const batchesBefore = (await jobEvents(shell, job.name)).filter((l) => /batch \d+: [1-9]/.test(l)).length;

  // The second half arrives while no job runs; the same job, same checkpoint, is submitted again.
  await loadIntoTopic({ config: KAFKA }, { topic: job.topic, lines: lines.slice(half) });
  await submit();
  await waitUntilStarted(shell, job.name);
  const reader = new CountsTopicReader(kafka, job.countsTopic!);
  await reader.start();
  try {
    await waitFor("the latest count of every word equal to its count in the input", async () => (sameCounts(reader.counts, expected) ? true : undefined), 300_000, 500);
  } finally {
    await reader.stop();
    await stopJob(shell, job.name);
  }
  const recovery = seconds(killedAt);
  expect(new Map([...reader.counts].sort())).toEqual(new Map([...expected].sort()));
  // At-least-once sink: a batch replayed after the kill writes its totals again; the latest value per word stays exact.
  const admin = kafka.admin();
  await admin.connect();
  const records = (await admin.fetchTopicOffsets(job.countsTopic!)).reduce((n, p) => n + Number(p.high), 0);
  await admin.disconnect();
  outcomes.push({
    scenario: "the Kafka-sink word count's driver SIGKILLed mid-stream (after a batch with rows), then submitted again",
    checked: "the latest count per word in the counts topic equals the input's count, word for word",
    result: `${expected.size.toLocaleString("en-US")} distinct words of ${lines.length.toLocaleString("en-US")} lines exact after ${batchesBefore} batch(es) before the kill; ${records.toLocaleString("en-US")} count records (totals, rewritten per batch)`,
    recoverySeconds: recovery,
  });
}, 15 * 60_000);

/** The pids of a Java main class's processes in a node (none: empty). The [x]yz pattern keeps pgrep from matching the shell running it. */
const pidsOf = async (node: string, mainClass: string) => (await inNode(node, `pgrep -f '[${mainClass[0]}]${mainClass.slice(1)}' || true`)).split("\n").filter(Boolean);

test("under --yarn, one word count through two faults: an executor's NodeManager SIGKILLed, then the NameNode (its checkpoint's HDFS) SIGKILLed; the latest count per word is exact after each", async () => {
  // The text in three parts: before the first fault, between the two, after the second.
  const { job, lines } = await freshWordCount("faults-yarn", "yarn");
  const cut1 = Math.floor(lines.length / 3);
  const cut2 = Math.floor((2 * lines.length) / 3);
  const workers = NODES.slice(1);
  const submit = () => submitDetached({ shell, name: job.name, appInNode: jarOnMaster, className: "spark.kafka.SparkKafkaWordCount", mode: "yarn", sparkArgs: yarnSizing(workers.length), jobArgs: wordCountArgs(job, topology.endpoints.bootstrapServersInternal) });
  const reader = new CountsTopicReader(kafka, job.countsTopic!);
  const exactFor = async (upTo: number) => {
    const expected = countWords(lines.slice(0, upTo));
    await waitFor(`the latest count of every word of lines 1-${upTo} exact`, async () => (sameCounts(reader.counts, expected) ? true : undefined), 300_000, 500);
    expect(new Map([...reader.counts].sort())).toEqual(new Map([...expected].sort()));
    return expected.size;
  };
  try {
    await submit();
    await waitUntilStarted(shell, job.name, 300_000);
    await reader.start();
    await loadIntoTopic({ config: KAFKA }, { topic: job.topic, lines: lines.slice(0, cut1) });
    await waitFor("a micro-batch with rows", async () => ((await jobEvents(shell, job.name)).some((l) => /batch \d+: [1-9]\d* rows/.test(l)) ? true : undefined), 120_000, 200);

    // 1. The worker to break: one running an executor, and not the application master when there is a choice.
    const placement = await Promise.all(workers.map(async (w) => ({ node: w, executors: await pidsOf(w, "CoarseGrainedExecutorBackend"), am: (await pidsOf(w, "ExecutorLauncher")).length })));
    const target = placement.filter((p) => p.executors.length > 0).sort((a, b) => a.am - b.am)[0];
    expect(target).toBeDefined();
    const [nodeManager] = await pidsOf(target.node, "nodemanager.NodeManager");
    const executorsBefore = target.executors;
    const nmKilledAt = Date.now();
    await inNode(target.node, `kill -KILL ${Number(nodeManager)}`);
    // The NodeManager supervisor starts again has registered with the ResourceManager (which then
    // learns it runs none of the old containers) before the next part of the text is loaded.
    await waitFor("the restarted NodeManager registered with the ResourceManager", async () => {
      const info = JSON.parse((await inNode(target.node, "curl -fsS -m 3 http://127.0.0.1:8042/ws/v1/node/info || echo '{}'")) || "{}") as { nodeInfo?: { nmStartupTime: number } };
      if (!info.nodeInfo || info.nodeInfo.nmStartupTime < nmKilledAt - 5000) return undefined;
      const nodes = JSON.parse(await shell.run("curl -fsS -m 3 http://127.0.0.1:8088/ws/v1/cluster/nodes")) as { nodes: { node: { nodeHostName: string; state: string; lastHealthUpdate: number }[] } };
      return nodes.nodes.node.some((n) => n.nodeHostName === target.node && n.state === "RUNNING" && n.lastHealthUpdate >= info.nodeInfo!.nmStartupTime) ? true : undefined;
    }, 180_000, 500);
    await loadIntoTopic({ config: KAFKA }, { topic: job.topic, lines: lines.slice(cut1, cut2) });
    const words = await exactFor(cut2);
    const nmRecovery = seconds(nmKilledAt);
    expect((await jobStatus(shell, job.name)).running).toBe(true);
    expect((await pidsOf(target.node, "nodemanager.NodeManager")).filter((p) => p !== nodeManager)).toHaveLength(1);
    const lost = Number((await shell.run('grep -a -c -i "lost executor\\|executor lost\\|remove executor" "$JOBS_DIR/$JOB.log" || true', [], { JOBS_DIR, JOB: job.name })).trim() || 0);
    const survivors = (await pidsOf(target.node, "CoarseGrainedExecutorBackend")).filter((p) => executorsBefore.includes(p)).length;
    outcomes.push({
      scenario: `under --yarn, the NodeManager of ${target.node} (${target.executors.length} executor(s)${target.am ? ", the application master" : ""}) SIGKILLed mid-stream`,
      checked: "the job keeps running; once the restarted NodeManager has registered, the next part of the text is loaded; the latest count per word in the counts topic equals the input's count, word for word",
      result: `${words.toLocaleString("en-US")} distinct words of ${cut2.toLocaleString("en-US")} lines exact; NodeManager restarted by supervisor; ${survivors} of its ${executorsBefore.length} executor process(es) still running, ${lost} executor-loss line(s) in the driver's log`,
      recoverySeconds: nmRecovery,
    });

    // 2. The NameNode, where the job keeps its checkpoint; supervisor starts it again.
    const [nameNode] = await pidsOf(MASTER, "namenode.NameNode");
    const nnKilledAt = Date.now();
    await shell.run('kill -KILL "$1"', [String(Number(nameNode))]);
    await waitFor("HDFS back, out of safe mode", async () => (/Safe mode is OFF/.test(await shell.run("hdfs dfsadmin -safemode get 2>/dev/null || true")) ? true : undefined), 180_000, 500);
    await loadIntoTopic({ config: KAFKA }, { topic: job.topic, lines: lines.slice(cut2) });
    const expected = countWords(lines);
    // Either the job rides it out, or it stops: then it must say why, and resume on a resubmit.
    await waitFor("every count exact, or the job stopped", async () => (sameCounts(reader.counts, expected) || !(await jobStatus(shell, job.name)).running ? true : undefined), 300_000, 500);
    let what = "the job kept running";
    if (!(await jobStatus(shell, job.name)).running) {
      const ending = await jobEnding(shell, job.name);
      expect(ending.ended).toBe("died");
      expect(ending.why.length).toBeGreaterThan(0);
      what = `the job stopped, saying: ${ending.why[0].slice(0, 160)}; submitted again, it resumed from its checkpoint`;
      await submit();
      await waitUntilStarted(shell, job.name, 300_000);
    }
    const all = await exactFor(lines.length);
    outcomes.push({
      scenario: "under --yarn, the NameNode (the job's checkpoint on HDFS) SIGKILLed mid-stream, restarted by supervisor",
      checked: "the job keeps running, or stops with its reason and resumes from its checkpoint when submitted again; then the latest count per word equals the input's",
      result: `${what}; ${all.toLocaleString("en-US")} distinct words of ${lines.length.toLocaleString("en-US")} lines exact`,
      recoverySeconds: seconds(nnKilledAt),
    });
  } finally {
    await reader.stop();
    await stopJob(shell, job.name);
  }
}, 20 * 60_000);

/** The local stack's outputs as the commands read them (the Pulumi CLI is not needed for them: see local.program.test.ts). */
const localOutputs = async () => ({ target: "local", ...topology.endpoints, sshEndpoint: topology.endpoints.ssh });
/** Kills the sshd processes serving the SSH gateway's connection (its session, not the listener): the tunnel drops as on a network cut. */
const cutGateway = () => inNode(MASTER, `pkill -KILL -f '^sshd: ${topology.endpoints.ssh.user}'`);
/** A command's main() run in this process on the local stack, its output captured and readable while it runs. */
function started(main: Parameters<typeof runMain>[0], argv: string[]) {
  const io = { stdout: "", stderr: "" };
  const run = runMain(main, argv, { readStackOutputs: localOutputs }, { onStdout: (t) => { io.stdout += t; }, onStderr: (t) => { io.stderr += t; } });
  return { io, exited: run.then((r) => r.exitCode) };
}

test("the SSH gateway cut mid-load (sshd's session SIGKILLed): the load stops at once with exit 11 and its table; the acknowledged ids are the file's first lines, each once", async () => {
  const topic = "faults-gateway-load";
  await freshTopic(topic);
  const total = 400_000;
  await withIdsFile(total, async (file) => {
    const { io, exited: loading } = started(loadMain, ["--stack", "dev", "--via-ssh", "--topic", topic, "--file", file, "--json"]);
    await waitFor("50,000 records through the gateway", async () => ((await recordsIn(topic)) >= 50_000 ? true : undefined), 180_000, 100);
    const cutAt = Date.now();
    await cutGateway();
    progress(`sshd's session for the gateway SIGKILLed with ${await recordsIn(topic)} records in the topic`);
    const code = await loading;
    const stopSeconds = seconds(cutAt);
    expect({ code, stderr: io.stderr }).toMatchObject({ code: 11, stderr: expect.stringMatching(/load: error: loading into "faults-gateway-load" stopped after \d+ acknowledged records: the SSH connection to 127\.0\.0\.1:2222 was lost/) });
    const table = JSON.parse(io.stdout.trim()) as { records: number; linesRead: number; interrupted: boolean };
    expect(table.interrupted).toBe(false);
    expect(table.records).toBeGreaterThanOrEqual(50_000);
    expect(table.records).toBeLessThan(total);
    // One producer through a gateway, one request at a time: the acknowledged records are the file's first lines.
    const seen = await readTopic(topic);
    expect(ids(0, table.records).filter((id) => seen.get(id) !== 1)).toEqual([]);
    expect([...seen.values()].filter((n) => n !== 1)).toEqual([]);
    // One send in flight (2,000 lines), which kafkajs splits into one request per leader broker: the
    // cut can lose the acknowledgement of some of those requests after their broker wrote them
    // (seen in CI: two of three brokers' shares written, every third id of the batch missing). So
    // what lies beyond the acknowledged lines is some of the next 2,000 lines, each once, and nothing further.
    const beyond = seen.size - table.records;
    const inFlight = 2000;
    expect([...seen.keys()].filter((id) => Number(id.slice(3)) >= table.records + inFlight)).toEqual([]);
    expect(beyond).toBeGreaterThanOrEqual(0);
    expect(beyond).toBeLessThanOrEqual(inFlight);
    expect(stopSeconds).toBeLessThan(15);
    outcomes.push({
      scenario: "the SSH gateway cut during a 400,000-id `npm run load --via-ssh` (sshd's session SIGKILLed in hadoop-master)",
      checked: "exit 11 with the gateway's message and the load's table; the acknowledged ids are the file's first lines, each once in the topic; beyond them only ids of the one send in flight (written by a broker whose acknowledgement the cut lost), each once",
      result: `stopped ${stopSeconds} s after the cut; ${table.records.toLocaleString("en-US")} acknowledged, all in the topic once; ${beyond.toLocaleString("en-US")} written but not acknowledged`,
      recoverySeconds: null,
    });
  });
}, 10 * 60_000);

test("the SSH gateway cut while `npm run results --follow --via-ssh` shows a table: it stops with exit 11 and the gateway's message", async () => {
  const topic = "faults-gateway-counts";
  await freshTopic(topic);
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, messages: [{ key: "the", value: "3" }, { key: "union", value: "2" }] });
  await producer.disconnect();
  const { io, exited: following } = started(resultsMain, ["--stack", "dev", "--via-ssh", "--topic", topic, "--follow"]);
  await waitFor("the first table", async () => (/\|\s*the\s*\|\s*3\s*\|/.test(io.stdout) ? true : undefined), 120_000, 100);
  const cutAt = Date.now();
  await cutGateway();
  const code = await following;
  const stopSeconds = seconds(cutAt);
  expect({ code, stderr: io.stderr }).toMatchObject({ code: 11, stderr: expect.stringContaining("results: error: the SSH connection to 127.0.0.1:2222 was lost") });
  expect(stopSeconds).toBeLessThan(10);
  outcomes.push({
    scenario: "the SSH gateway cut while `npm run results --follow --via-ssh` shows the counts",
    checked: "exit 11 with the gateway's message, no hang",
    result: `stopped ${stopSeconds} s after the cut`,
    recoverySeconds: null,
  });
}, 5 * 60_000);

test("Ctrl-C during `npm run load --file`: what was read is sent and acknowledged, the table says the line, exit 130; the topic holds exactly those lines, each once", async () => {
  const topic = "faults-ctrl-c";
  await freshTopic(topic);
  const total = 1_000_000;
  await withIdsFile(total, async (file) => {
    // package.json's own line, in a process group of its own, signalled as a terminal's Ctrl-C is:
    // tsx and node each get SIGINT (and tsx relays one more). Through npm the same happens, and npm
    // then ends itself by the signal, which a shell also reports as 130.
    const [bin, ...script] = (JSON.parse(readFileSync(join(__dirname, "..", "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts.load.split(" ");
    const run = execa(join(__dirname, "..", "node_modules", ".bin", bin), [...script, "--bootstrap", topology.endpoints.bootstrapServersHost, "--topic", topic, "--file", file], { cwd: join(__dirname, ".."), detached: true, reject: false });
    await waitFor("100,000 records loaded", async () => ((await recordsIn(topic)) >= 100_000 ? true : undefined), 180_000, 100);
    const pressedAt = Date.now();
    process.kill(-run.pid!, "SIGINT");
    const { exitCode, stdout, stderr } = await run;
    const stopSeconds = seconds(pressedAt);
    const line = Number(/\|\s*interrupted after line\s*\|\s*([\d,]+)\s*\|/.exec(stdout)?.[1].replace(/,/g, ""));
    expect({ exitCode, line, stderr }).toMatchObject({ exitCode: 130, line: expect.any(Number) });
    expect(stderr).toContain(`interrupted: lines 1-${line.toLocaleString("en-US")} are in the topic; to load the rest: tail -n +${line + 1} ${file} | npm run load -- --topic ${topic} --file -`);
    expect(stdout).toMatch(new RegExp(`\\|\\s*records\\s*\\|\\s*${line.toLocaleString("en-US")}\\s*\\|`));
    expect(line).toBeGreaterThanOrEqual(100_000);
    expect(line).toBeLessThan(total);
    const seen = await readTopic(topic);
    expect(seen.size).toBe(line);
    expect(ids(0, line).filter((id) => seen.get(id) !== 1)).toEqual([]);
    outcomes.push({
      scenario: "Ctrl-C (SIGINT to the process group) during `npm run load --file` of 1,000,000 ids",
      checked: "exit 130; the table's line N; the topic holds ids 1..N, each once, nothing after",
      result: `stopped ${stopSeconds} s after Ctrl-C at line ${line.toLocaleString("en-US")}; ${seen.size.toLocaleString("en-US")} in the topic, 0 lost, 0 duplicated, 0 beyond`,
      recoverySeconds: null,
    });
  });
}, 10 * 60_000);

/** Partitions of every topic with fewer in-sync replicas than replicas. */
async function underReplicated(): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { topics } = await admin.fetchTopicMetadata();
    return topics.flatMap((t) => t.partitions).filter((p) => p.isr.length < p.replicas.length).length;
  } finally {
    await admin.disconnect();
  }
}

/**
 * `victims` as the topology has them, but each with its Kafka log directory on a 1 GB disk of its
 * own (a tmpfs; the rest of /data stays on its volume), so that it can fill up without the host's;
 * every partition back to all its replicas before `use`, and the nodes as they were after it.
 */
async function withSmallKafkaDisks(victims: string[], use: () => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "small-disk-"));
  const smallDisk = join(dir, "small-disk.yml");
  writeFileSync(smallDisk, `version: "3.8"\nservices:\n${victims.map((v) => `  ${v}:\n    tmpfs:\n      - /data/kafka:size=1g\n`).join("")}`);
  try {
    await compose(["up", "-d", ...victims], [smallDisk]);
    await waitHealthy(victims, 180_000);
    // The new disks hold their share of every topic again.
    await waitFor("every partition back to all its in-sync replicas", async () => ((await underReplicated()) === 0 ? true : undefined), 300_000, 500);
    await use();
  } finally {
    // The nodes as the topology has them again: their own volumes, the brokers catching up.
    await compose(["up", "-d", ...victims]);
    await waitHealthy(victims, 180_000);
    await waitFor("every partition back to all its in-sync replicas", async () => ((await underReplicated()) === 0 ? true : undefined), 300_000, 500).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Fills a node's Kafka disk but for 3 MB. */
const fillKafkaDisk = (node: string) => inNode(node, "avail=$(df --output=avail -k /data/kafka | tail -1); fallocate -l $(( (avail - 3072) * 1024 )) /data/kafka/ballast");

test("a node's Kafka disk full during a load (its own small disk, filled but for 3 MB): its broker shuts down, the load completes on the other two, every acknowledged id once; status says so with the fix; with room again the broker rejoins", async () => {
  const victim = NODES[2];
  const topic = "faults-disk-full";
  await withSmallKafkaDisks([victim], async () => {
    await freshTopic(topic);
    await fillKafkaDisk(victim);
    const total = 200_000;
    const acknowledged = new Set<string>();
    const outcome = await loadIntoTopic({ config: KAFKA }, { topic, lines: ids(0, total), batchSize: 2000, stallSeconds: 60, onAcknowledged: (values) => { for (const v of values) acknowledged.add(v); } })
      .then((r) => ({ ok: true as const, records: r.records }), (e: unknown) => ({ ok: false as const, error: e }));
    // What really happens: the broker's only log directory fails (no space left), it shuts down,
    // and its partitions go on with the two other replicas (min ISR 2): the load is not stopped.
    expect(outcome).toEqual({ ok: true, records: total });
    expect((await inNode(victim, "supervisorctl status kafka || true")).trim()).not.toMatch(/RUNNING/);
    expect(await inNode(victim, "grep -c 'Shutdown broker because all log dirs in /data/kafka have failed' /data/logs/kafka/server.log || true")).not.toBe("0");
    const seen = await readTopic(topic);
    expect(acknowledged.size).toBe(total);
    expect(ids(0, total).filter((id) => seen.get(id) !== 1)).toEqual([]);
    expect(seen.size).toBe(total);
    // npm run status names the node, what happened to its broker and the fix.
    const { main: statusMain } = await import("../scripts/status");
    const { exitCode, stdout: json } = await runMain(statusMain, ["--json"]);
    expect(exitCode).toBe(0);
    const alerts = (JSON.parse(json) as { alerts: string[] }).alerts;
    expect(alerts).toEqual([expect.stringMatching(diskFullAlert(victim))]);
    // The fix: room made, the broker restarted; it catches up and is back in every ISR.
    const fixedAt = Date.now();
    await inNode(victim, "rm /data/kafka/ballast && supervisorctl restart kafka");
    await waitFor(`${topic} back to 3 in-sync replicas`, async () => ((await isrSizes(topic)).every((n) => n === 3) ? true : undefined), 180_000, 250);
    const recovery = seconds(fixedAt);
    const after = await readTopic(topic);
    expect(ids(0, total).filter((id) => after.get(id) !== 1)).toEqual([]);
    outcomes.push({
      scenario: `Kafka's disk of ${victim} full during a ${total.toLocaleString("en-US")}-id load (its own 1 GB disk, filled but for 3 MB)`,
      checked: "what the load does; every acknowledged id in the topic exactly once; npm run status names the node and the fix; the broker back in every ISR once there is room",
      result: `the broker shut down (all log dirs failed), the load completed on the other two: ${acknowledged.size.toLocaleString("en-US")} acknowledged, ${seen.size.toLocaleString("en-US")} in the topic, 0 lost, 0 duplicated`,
      recoverySeconds: recovery,
    });
  });
}, 15 * 60_000);

/** npm run status's line for a node whose Kafka disk is full. */
const diskFullAlert = (node: string) => new RegExp(`^${node}: Kafka's disk \\(/data/kafka\\) is 100 % full, 0\\.0 MB free: its broker has stopped \\(supervisor: [A-Z]+\\) and cannot start again until there is room\\. .*then: docker exec ${node} supervisorctl restart kafka$`);

test("two nodes' Kafka disks full during a load: both brokers shut down, the load stops with exit 15 as for two brokers down, every acknowledged id in the topic once; status names both; with room again both rejoin", async () => {
  const victims = [NODES[1], NODES[2]];
  const topic = "faults-two-disks-full";
  await withSmallKafkaDisks(victims, async () => {
    await freshTopic(topic);
    for (const v of victims) await fillKafkaDisk(v);
    const total = 200_000;
    const acknowledged = new Set<string>();
    const outcome = await loadIntoTopic({ config: KAFKA }, { topic, lines: ids(0, total), batchSize: 2000, stallSeconds: STALL_SECONDS, onAcknowledged: (values) => { for (const v of values) acknowledged.add(v); } })
      .then((r) => ({ ok: true as const, records: r.records }), (e: unknown) => ({ ok: false as const, error: e }));
    // One broker left cannot meet min.insync.replicas 2: nothing more is acknowledged.
    expect(outcome.ok).toBe(false);
    const error = (outcome as { error: unknown }).error;
    expect(error).toBeInstanceOf(LoadError);
    expect((error as LoadError).exitCode).toBe(15);
    expect((error as Error).message).toMatch(new RegExp(`stopped after ${acknowledged.size} acknowledged records: no acknowledgement for ${STALL_SECONDS} s`));
    expect(acknowledged.size).toBeLessThan(total);
    for (const v of victims) expect({ v, running: /RUNNING/.test(await inNode(v, "supervisorctl status kafka || true")) }).toEqual({ v, running: false });
    const { main: statusMain } = await import("../scripts/status");
    const { stdout: json } = await runMain(statusMain, ["--json"]);
    const alerts = (JSON.parse(json) as { alerts: string[] }).alerts;
    for (const v of victims) expect(alerts.filter((a) => diskFullAlert(v).test(a))).toHaveLength(1);
    const fixedAt = Date.now();
    for (const v of victims) await inNode(v, "rm /data/kafka/ballast && supervisorctl restart kafka");
    await waitFor(`${topic} back to 3 in-sync replicas`, async () => ((await isrSizes(topic)).every((n) => n === 3) ? true : undefined), 180_000, 250);
    const recovery = seconds(fixedAt);
    const seen = await readTopic(topic);
    expect([...acknowledged].filter((id) => seen.get(id) !== 1)).toEqual([]);
    expect([...seen.values()].filter((n) => n !== 1)).toEqual([]);
    outcomes.push({
      scenario: `Kafka's disks of ${victims.join(" and ")} full during a ${total.toLocaleString("en-US")}-id load (each its own 1 GB disk, filled but for 3 MB)`,
      checked: `the load stops (exit 15, --stall-timeout ${STALL_SECONDS}); every acknowledged id in the topic once; npm run status names both nodes; both brokers back in every ISR once there is room`,
      result: `both brokers shut down; ${acknowledged.size.toLocaleString("en-US")} acknowledged, all in the topic once; ${(seen.size - acknowledged.size).toLocaleString("en-US")} written but not acknowledged`,
      recoverySeconds: recovery,
    });
  });
}, 15 * 60_000);
