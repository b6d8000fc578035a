/**
 * The node image's start contract on a real Docker engine: the entrypoint has no defaults for the
 * cluster's shape, sizes or ports (the topology is their one description), so a node started
 * without one of the topology's variables is refused at once, naming each missing variable, and
 * writes nothing; the daemons' wrappers have no heap defaults either. No JVM starts here.
 * Needs a Docker engine and the debian:bookworm base image (.ci/run provides both).
 */
import execa from "execa";
import { PROJECT } from "../stacks/config";
import { describeTopology, type NodeSpec } from "../stacks/local/topology";
import { IMAGE_CONTEXT } from "../stacks/local/image";
import { buildImage, docker, requireDockerAndBase } from "./support/docker";

const topology = describeTopology({ project: PROJECT, stack: "image-test" });
const [master, worker] = topology.nodes;
const PREFIX = "kafka-spark-lab-image-test";
let runs = 0;

interface Start {
  exitCode: number;
  stderr: string;
  /** Paths the container created or changed (docker diff), kept until the container is removed. */
  changed: string[];
}

/**
 * Starts the image as `node` would be started (same hostname and environment, with `env` changes;
 * undefined removes a variable), on no network and without volumes, and waits for it to exit.
 */
async function start(node: NodeSpec, env: Record<string, string | undefined>, command: string[] = []): Promise<Start> {
  const name = `${PREFIX}-${++runs}`;
  const merged: Record<string, string | undefined> = { ...node.env, ...env };
  const envArgs = Object.entries(merged).flatMap(([k, v]) => (v === undefined ? [] : ["-e", `${k}=${v}`]));
  try {
    // Bounded: a start that is wrongly accepted runs supervisord, and the test must fail, not hang.
    const r = await execa("docker", ["run", "--name", name, "--hostname", node.name, "--network", "none", ...envArgs, topology.image, ...command], { reject: false, timeout: 60_000 });
    const changed = (await docker(["diff", name])).split("\n").map((l) => l.replace(/^[ACD] /, "").trim()).filter(Boolean);
    return { exitCode: r.exitCode ?? -1, stderr: r.stderr, changed };
  } finally {
    await docker(["rm", "-f", name]).catch(() => undefined);
  }
}

/** The names an entrypoint error lists after "missing required variable(s) for a <role> node:". */
function missingNames(stderr: string): string[] {
  const m = /missing required variable\(s\) for a (?:master|worker) node: ([A-Z0-9_ ]+)\./.exec(stderr);
  return m ? m[1].trim().split(/\s+/).sort() : [];
}

beforeAll(async () => {
  await requireDockerAndBase();
  await buildImage(topology.image, IMAGE_CONTEXT);
}, 40 * 60_000);

afterAll(async () => {
  const left = (await docker(["ps", "-aq", "--filter", `name=${PREFIX}`])).split("\n").filter(Boolean);
  if (left.length) await docker(["rm", "-f", ...left]);
});

test("a node started with no NODE_ROLE is refused (exit 2) with the two roles it can have", async () => {
  const r = await start(master, { NODE_ROLE: undefined });
  expect(r.exitCode).toBe(2);
  expect(r.stderr).toContain("NODE_ROLE must be 'master' or 'worker' (got '')");
});

test("a master missing topology variables is refused, naming each of them, and writes no configuration", async () => {
  const r = await start(master, { MASTER_HOST: undefined, KAFKA_HEAP_MB: undefined, KAFKA_PEER_FORWARDS: undefined, YARN_NODEMANAGER_MEMORY_MB: undefined });
  expect(r.exitCode).toBe(2);
  expect(missingNames(r.stderr)).toEqual(["KAFKA_HEAP_MB", "KAFKA_PEER_FORWARDS", "MASTER_HOST", "YARN_NODEMANAGER_MEMORY_MB"]);
  // Refused before anything was written: no node.env, no Hadoop or Kafka configuration, no keys.
  expect(r.changed.filter((p) => /^\/(etc\/lab|usr\/local\/hadoop\/etc|usr\/local\/kafka\/config|data|root\/\.ssh)/.test(p))).toEqual([]);
});

test("each role needs its own heaps: a worker without them is refused; a master never needs a worker's", async () => {
  const w = await start(worker, { DATANODE_HEAP_MB: undefined, NODEMANAGER_HEAP_MB: undefined });
  expect(w.exitCode).toBe(2);
  expect(missingNames(w.stderr)).toEqual(["DATANODE_HEAP_MB", "NODEMANAGER_HEAP_MB"]);

  // The master's environment from the topology has no worker heaps and passes the variable check;
  // the start is then stopped by a later check (a mismatched advertised port), so no JVM runs.
  expect(master.env.DATANODE_HEAP_MB).toBeUndefined();
  const m = await start(master, { KAFKA_EXTERNAL_ADVERTISED: "localhost:1" });
  expect(m.exitCode).toBe(2);
  expect(missingNames(m.stderr)).toEqual([]);
  expect(m.stderr).toContain(`KAFKA_EXTERNAL_ADVERTISED (localhost:1) must use KAFKA_EXTERNAL_PORT (${master.env.KAFKA_EXTERNAL_PORT})`);
});

test("an empty KAFKA_PEER_FORWARDS is a value (no forwards), an absent one is a missing variable", async () => {
  const empty = await start(worker, { KAFKA_PEER_FORWARDS: "", KAFKA_BROKER_COUNT: "7" });
  expect(missingNames(empty.stderr)).toEqual([]);
  expect(empty.stderr).toContain("KAFKA_BROKER_COUNT (7) must be the number of voters in KAFKA_CONTROLLER_QUORUM_VOTERS (3)");
  const absent = await start(worker, { KAFKA_PEER_FORWARDS: undefined });
  expect(missingNames(absent.stderr)).toEqual(["KAFKA_PEER_FORWARDS"]);
});

test("a node id the voters do not give this host name is refused, naming the entry it needs", async () => {
  const r = await start(worker, { KAFKA_NODE_ID: "1" });
  expect(r.exitCode).toBe(2);
  expect(r.stderr).toContain(`must list this node as 1@${worker.name}:19093`);
});

test("the daemons' wrappers have no heap defaults: without the node's configuration each one names its variable", async () => {
  // A command instead of supervisord: the entrypoint runs it as is, so no /etc/lab/node.env exists.
  const cases: [string[], string][] = [
    [["hdfs", "namenode"], "hdfs: NAMENODE_HEAP_MB is not set"],
    [["hdfs", "datanode"], "hdfs: DATANODE_HEAP_MB is not set"],
    [["yarn", "resourcemanager"], "yarn: RESOURCEMANAGER_HEAP_MB is not set"],
    [["yarn", "nodemanager"], "yarn: NODEMANAGER_HEAP_MB is not set"],
    [["kafka-server-start.sh", "/usr/local/kafka/config/server.properties"], "kafka-server-start.sh: KAFKA_HEAP_MB is not set"],
  ];
  for (const [command, message] of cases) {
    const r = await start(master, Object.fromEntries(Object.keys(master.env).map((k) => [k, undefined])), command);
    expect({ command, exitCode: r.exitCode, said: r.stderr.includes(message) }).toEqual({ command, exitCode: 2, said: true });
  }
}, 120_000);

test("the wrappers split option strings on blanks and newlines, and never expand globs: the JVM gets each option once, as written", async () => {
  // A stand-in for java that prints the arguments it was given, one per line; a file named like
  // the glob proves no expansion happened.
  const script = [
    "mkdir -p /tmp/fakejava/bin /tmp/glob && touch /tmp/glob/expanded && cd /tmp/glob",
    "echo '#!/bin/sh' > /tmp/fakejava/bin/java && echo 'printf \"%s\\n\" \"$@\"' >> /tmp/fakejava/bin/java && chmod +x /tmp/fakejava/bin/java",
    "export JAVA_HOME=/tmp/fakejava",
    "echo '== hadoop'; HADOOP_OPTS=$'-Dlab.first=1\\n-Dlab.glob=*' hadoop version",
    "echo '== kafka'; KAFKA_OPTS=$'-Dlab.first=1\\n-Dlab.glob=*' kafka-topics.sh --version",
  ].join("\n");
  const { stdout } = await execa("docker", ["run", "--rm", "--network", "none", "--entrypoint", "bash", topology.image, "-c", script]);
  const [, hadoop, kafka] = stdout.split(/^== (?:hadoop|kafka)$/m).map((s) => s.trim().split("\n"));
  for (const [name, argv, main] of [["hadoop", hadoop, "org.apache.hadoop.util.VersionInfo"], ["kafka", kafka, "kafka.admin.TopicCommand"]] as const) {
    expect({ name, first: argv.filter((a) => a === "-Dlab.first=1").length, glob: argv.filter((a) => a === "-Dlab.glob=*").length, expanded: argv.some((a) => a.includes("expanded")) })
      .toEqual({ name, first: 1, glob: 1, expanded: false });
    expect(argv).toContain(main);
  }
  // Java 17's --add-opens list reaches Hadoop's JVM as separate arguments.
  expect(hadoop.filter((a) => a.startsWith("--add-opens=")).length).toBeGreaterThan(15);
}, 120_000);
