/**
 * The local cluster for real: build the node image, bring the topology up from the generated
 * compose file on a real Docker engine (or reuse the healthy cluster an earlier live file left),
 * check it from the host, replace a worker and check its data survived, then tear down and check
 * nothing of the project remains.
 * Needs a Docker engine and the debian:bookworm base image (.ci/run provides both).
 */
import { Kafka, logLevel, Admin, Partitioners } from "kafkajs";
import { PROJECT } from "../stacks/config";
import { describeTopology } from "../stacks/local/topology";
import { IMAGE_CONTEXT } from "../stacks/local/image";
import { bringUpCluster, compose, docker, inNode, leftovers, waitFor, waitHealthy } from "./support/docker";
import { adminPerBroker, ensureTopics } from "../jobs/kafka/topics";

const topology = describeTopology({ project: PROJECT, stack: "dev" });
const NODES = topology.endpoints.containerNames;
const HOST_BROKERS = topology.endpoints.bootstrapServersHost.split(",");
const TOPIC = "live-replicated";
const report: [string, string][] = [];
const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

const KAFKA_CONFIG = { clientId: "live-test", brokers: HOST_BROKERS, logLevel: logLevel.NOTHING };
let kafka: Kafka;
let admin: Admin;

async function fetchJson(url: string): Promise<any> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.json();
}

const liveDataNodes = async () =>
  (await fetchJson(`${topology.endpoints.nameNodeUi}/jmx?qry=Hadoop:service=NameNode,name=FSNamesystemState`)).beans[0].NumLiveDataNodes as number;

/** Reads the topic from the beginning with a fresh group until `expected` values are all seen. */
async function readFromHost(expected: string[]): Promise<string[]> {
  const consumer = kafka.consumer({ groupId: `live-${Date.now()}` });
  const seen: string[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => { seen.push(message.value!.toString()); } });
    await waitFor(`messages ${expected.join(", ")} on the host`, async () => (expected.every((e) => seen.includes(e)) ? true : undefined), 60_000, 250);
  } finally {
    await consumer.disconnect();
  }
  return seen;
}

beforeAll(async () => {
  // The cluster the earlier live files left up and healthy on this image is reused (a fresh `up`
  // is shown by demo.live and pulumi.live); the last test here tears it down, volumes included.
  const { buildSeconds, upSeconds, reused } = await bringUpCluster(topology.image, IMAGE_CONTEXT, NODES, { reuse: true });
  report.push(["image build", `${buildSeconds.toFixed(1)} s`], ["up -> all healthy", reused ? "reused the running cluster" : `${upSeconds.toFixed(1)} s`]);
  kafka = new Kafka(KAFKA_CONFIG);
  admin = kafka.admin();
  await admin.connect();
}, 40 * 60_000);

afterAll(async () => {
  await admin?.disconnect();
  // Leave the machine clean even when a test failed (the last test asserts it on success).
  await compose(["down", "-v", "--remove-orphans"]).catch(() => undefined);
  process.stderr.write(`\nLocal topology, live check\n| check | result |\n|---|---|\n${report.map(([k, v]) => `| ${k} | ${v} |`).join("\n")}\n\n`);
}, 5 * 60_000);

test("HDFS: the two workers are the live DataNodes (ready per NameNode JMX, then named by dfsadmin)", async () => {
  await waitFor("2 live DataNodes", async () => ((await liveDataNodes()) >= 2 ? true : undefined), 120_000);
  // Observed through another interface than the wait: the NameNode's own report, by host name.
  const report_ = await inNode("hadoop-master", "hdfs dfsadmin -report -live");
  const hosts = [...report_.matchAll(/^Hostname: (\S+)$/gm)].map((m) => m[1]).sort();
  report.push(["live DataNodes", hosts.join(", ")]);
  expect(hosts).toEqual(NODES.slice(1));
}, 150_000);

test("YARN: the two workers run the NodeManagers (ready per cluster metrics, then listed by the ResourceManager)", async () => {
  await waitFor("2 active NodeManagers", async () => {
    const n = (await fetchJson(`${topology.endpoints.yarnUi}/ws/v1/cluster/metrics`)).clusterMetrics.activeNodes as number;
    return n >= 2 ? true : undefined;
  }, 120_000);
  const nodes = (await fetchJson(`${topology.endpoints.yarnUi}/ws/v1/cluster/nodes`)).nodes.node as { nodeHostName: string; state: string }[];
  report.push(["NodeManagers", nodes.map((n) => `${n.nodeHostName} ${n.state}`).join(", ")]);
  expect(nodes.map((n) => [n.nodeHostName, n.state]).sort()).toEqual(NODES.slice(1).map((h) => [h, "RUNNING"]));
}, 150_000);

test("Kafka: 3 brokers in the cluster metadata, each reachable at its localhost port (kafkajs)", async () => {
  const cluster = await waitFor("3 brokers in the metadata", async () => {
    const c = await admin.describeCluster();
    return c.brokers.length === 3 ? c : undefined;
  }, 120_000);
  report.push(["Kafka brokers", String(cluster.brokers.length)]);
  expect(cluster.brokers.map((b) => `${b.host}:${b.port}`).sort()).toEqual([...HOST_BROKERS].sort());
}, 150_000);

test("each broker and Hadoop daemon maps the image's class-data archive, and so does a Spark driver (a quicker start, not a silent fallback)", async () => {
  // A class path or JVM option that no longer matches an archive makes the JVM load every class
  // again, with only a warning in its log: the mapping itself is the proof.
  const maps = (node: string, pattern: string, archive: string) =>
    inNode(node, `pid="$(pgrep -f -o -- '${pattern}')" && grep -c -- '${archive}' "/proc/$pid/maps" || echo 0`).then(Number);
  const brokers: [string, boolean][] = [];
  for (const node of topology.nodes) brokers.push([node.name, (await maps(node.name, "[k]afka\\.Kafka ", "kafka-broker.jsa")) > 0]);
  expect(brokers).toEqual(topology.nodes.map((n) => [n.name, true]));
  // Each Hadoop daemon its own (cds/train-hadoop-cds.sh), by the process name its wrapper gives it.
  const daemons = { master: ["namenode", "resourcemanager"], worker: ["datanode", "nodemanager"] };
  const mapped: string[] = [];
  for (const node of topology.nodes) {
    for (const d of daemons[node.role]) if ((await maps(node.name, `[-]Dproc_${d} `, `hadoop-${d}.jsa`)) > 0) mapped.push(`${node.name} ${d}`);
  }
  expect(mapped).toEqual(topology.nodes.flatMap((n) => daemons[n.role].map((d) => `${n.name} ${d}`)));
  // A driver as every command starts one (spark-submit with the image's spark-defaults.conf), kept
  // alive until it has been looked at.
  await inNode("hadoop-master", "cat > /tmp/cds-check.py", 'from pyspark.sql import SparkSession\nimport time\nSparkSession.builder.appName("cds-check").getOrCreate()\nprint("ready", flush=True)\ntime.sleep(120)\n');
  await inNode("hadoop-master", "setsid spark-submit --master 'local[1]' /tmp/cds-check.py > /tmp/cds-check.log 2>&1 < /dev/null &");
  try {
    await waitFor("the check's driver to start", async () => ((await inNode("hadoop-master", "grep -c '^ready' /tmp/cds-check.log || true")).trim() === "1" ? true : undefined), 120_000, 500);
    // [S]: the pattern must not match the command line of the shell that runs pgrep or pkill.
    expect(await maps("hadoop-master", "[S]parkSubmit.*cds-check", "spark-driver.jsa")).toBeGreaterThan(0);
  } finally {
    await inNode("hadoop-master", "pkill -f '[S]parkSubmit.*cds-check' || true");
  }
}, 180_000);

test("every daemon runs with the heap the topology gives its node, and YARN offers the topology's resources", async () => {
  // The image has no sizing defaults: what the JVMs run with must come from the topology's env.
  const heapOf = (args: string, marker: string) => new RegExp(`${marker}.*?-Xmx(\\d+)[mM]|-Xmx(\\d+)[mM].*?${marker}`).exec(args);
  const daemons: Record<string, [string, string][]> = {
    master: [["-Dproc_namenode", "NAMENODE_HEAP_MB"], ["-Dproc_resourcemanager", "RESOURCEMANAGER_HEAP_MB"], ["kafka.Kafka ", "KAFKA_HEAP_MB"]],
    worker: [["-Dproc_datanode", "DATANODE_HEAP_MB"], ["-Dproc_nodemanager", "NODEMANAGER_HEAP_MB"], ["kafka.Kafka ", "KAFKA_HEAP_MB"]],
  };
  for (const node of topology.nodes) {
    const processes = (await inNode(node.name, "ps -eo args --no-headers | grep '^/usr/lib/jvm/.*/bin/java '")).split("\n");
    const seen = daemons[node.role].map(([marker, variable]) => {
      const line = processes.find((p) => p.includes(marker)) ?? "";
      const m = heapOf(line, marker.trim());
      return [node.name, variable, m ? m[1] ?? m[2] : "not running"];
    });
    expect(seen).toEqual(daemons[node.role].map(([, variable]) => [node.name, variable, node.env[variable]]));
  }
  const nodes = (await fetchJson(`${topology.endpoints.yarnUi}/ws/v1/cluster/nodes`)).nodes.node as { nodeHostName: string; availMemoryMB: number; usedMemoryMB: number; availableVirtualCores: number; usedVirtualCores: number }[];
  const worker = topology.nodes[1];
  for (const n of nodes) {
    expect([n.nodeHostName, n.availMemoryMB + n.usedMemoryMB, n.availableVirtualCores + n.usedVirtualCores])
      .toEqual([n.nodeHostName, Number(worker.env.YARN_NODEMANAGER_MEMORY_MB), Number(worker.env.YARN_NODEMANAGER_VCORES)]);
  }
  // The master's ResourceManager grants at most what one NodeManager offers: its loaded configuration.
  const conf = await (await fetch(`${topology.endpoints.yarnUi}/conf`, { signal: AbortSignal.timeout(5000) })).text();
  const loaded = (name: string) => new RegExp(`<name>${name.replace(/\./g, "\\.")}</name><value>([^<]*)</value>`).exec(conf)?.[1];
  expect([loaded("yarn.scheduler.maximum-allocation-mb"), loaded("yarn.scheduler.maximum-allocation-vcores")])
    .toEqual([topology.nodes[0].env.YARN_NODEMANAGER_MEMORY_MB, topology.nodes[0].env.YARN_NODEMANAGER_VCORES]);
  report.push(["daemon heaps, YARN resources", "as the topology gives them"]);
}, 60_000);

test("HDFS: a file written and read back, with replication 2", async () => {
  const text = `hello from the live test ${Date.now()}`;
  await inNode("hadoop-master", "hdfs dfsadmin -safemode wait >/dev/null && hdfs dfs -mkdir -p /live && hdfs dfs -put -f - /live/hello.txt", text);
  expect((await inNode("hadoop-master", "hdfs dfs -cat /live/hello.txt")).trim()).toBe(text);
  expect((await inNode("hadoop-master", "hdfs dfs -stat %r /live/hello.txt")).trim()).toBe("2");
  report.push(["HDFS write + read back", "ok (replication 2)"]);
}, 120_000);

test("Kafka: a topic with replication factor 3; messages cross between the host and the network", async () => {
  expect(await ensureTopics(admin, [{ topic: TOPIC, partitions: 3, replicationFactor: 3 }], { brokerAdmin: adminPerBroker(KAFKA_CONFIG) })).toEqual([
    { topic: TOPIC, action: "created", partitions: 3, replicationFactor: 3 },
  ]);
  const metadata = await admin.fetchTopicMetadata({ topics: [TOPIC] });
  expect(metadata.topics[0].partitions.map((p) => p.replicas.length)).toEqual([3, 3, 3]);

  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  await producer.send({ topic: TOPIC, acks: -1, messages: [{ value: "from-host" }] });
  await producer.disconnect();

  // Host -> network: a consumer inside the network, on the internal listener.
  const inside = await inNode("hadoop-worker2",
    `kafka-console-consumer.sh --bootstrap-server hadoop-master:19092 --topic ${TOPIC} --from-beginning --max-messages 1 --timeout-ms 60000 2>/dev/null`);
  expect(inside.trim()).toBe("from-host");

  // Network -> host: a producer inside the network, a kafkajs consumer on the host.
  await inNode("hadoop-worker1", `kafka-console-producer.sh --bootstrap-server hadoop-worker1:19092 --topic ${TOPIC} --producer-property acks=all`, "from-inside\n");
  expect(await readFromHost(["from-host", "from-inside"])).toEqual(expect.arrayContaining(["from-host", "from-inside"]));
  report.push(["topic RF 3, round trip host <-> network", "ok"]);
}, 180_000);

test("replacing hadoop-worker1 keeps its HDFS and Kafka data", async () => {
  const dataNodeUuid = () => inNode("hadoop-worker1", "grep '^datanodeUuid=' /data/hdfs/datanode/current/VERSION");
  const segment = () => inNode("hadoop-worker1", `stat -c '%i %s' /data/kafka/${TOPIC}-0/00000000000000000000.log`);
  const containerId = () => docker(["inspect", "--format", "{{.Id}}", "hadoop-worker1"]);
  const before = { id: await containerId(), uuid: await dataNodeUuid(), segment: await segment() };

  const start = Date.now();
  await compose(["up", "-d", "--force-recreate", "--no-deps", "hadoop-worker1"]);
  await waitHealthy(["hadoop-worker1"], 300_000);
  const after = { id: await containerId(), uuid: await dataNodeUuid(), segment: await segment() };

  expect(after.id).not.toBe(before.id);          // really a new container
  expect(after.uuid).toBe(before.uuid);          // same DataNode storage, not a fresh one
  expect(after.segment).toBe(before.segment);    // same Kafka segment file (inode and size)

  await waitFor("2 live DataNodes again", async () => ((await liveDataNodes()) === 2 ? true : undefined), 120_000);
  expect((await inNode("hadoop-master", "hdfs dfs -cat /live/hello.txt")).trim()).toMatch(/^hello from the live test/);
  expect(await inNode("hadoop-master", "hdfs fsck /live 2>/dev/null | tail -n 3")).toContain("is HEALTHY");
  await waitFor("broker 2 back in every ISR", async () => {
    const m = await admin.fetchTopicMetadata({ topics: [TOPIC] });
    return m.topics[0].partitions.every((p) => p.isr.includes(2)) ? true : undefined;
  }, 120_000);
  expect(await readFromHost(["from-host", "from-inside"])).toEqual(expect.arrayContaining(["from-host", "from-inside"]));
  report.push(["survive recreate of hadoop-worker1", `ok: new container, same DataNode ${after.uuid.trim().slice(13, 21)}..., same Kafka segment, data read back (${seconds(start)})`]);
}, 420_000);

test("teardown removes every container, network and volume of the project", async () => {
  await admin.disconnect();
  await compose(["down", "-v", "--remove-orphans"]);
  const remaining = await leftovers({ containers: NODES, network: topology.network, volumes: Object.values(topology.volumes).map((v) => v.name) });
  report.push(["after teardown", remaining.length ? remaining.join(", ") : "nothing left"]);
  expect(remaining).toEqual([]);
}, 180_000);
