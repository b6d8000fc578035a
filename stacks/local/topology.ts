/**
 * The local cluster as one pure description: nodes, roles, ports, environment, volumes,
 * healthchecks. Both the @pulumi/docker stack and the Docker Compose file are derived from it,
 * so they cannot drift apart. No I/O here.
 */
import { createHash } from "crypto";
import type { LocalOutputs } from "../outputs";

export const LOCAL_DEFAULTS = {
  workerCount: 2,
  /** Publish ports on loopback only: HDFS, YARN and Kafka have no authentication here. */
  bindAddress: "127.0.0.1",
  /** First broker's host port; broker i gets kafkaHostPort + i (9092, 9093, 9094 like the lab). */
  kafkaHostPort: 9092,
  /** First worker's NodeManager UI on the host; the lab publishes 8040, 8041, ... */
  nodeManagerHostPort: 8040,
  sshHostPort: 2222,
  /** JupyterLab on the master (npm run notebook); always published on 127.0.0.1, whatever bindAddress says. */
  jupyterHostPort: 8888,
  imageName: "kafka-spark-lab-node",
} as const;

/**
 * Memory per container and the JVM heaps inside, sized so three nodes plus a Spark job fit a
 * 24 GiB / 2-core machine with room to spare (about 11 GiB in all). The image has no defaults for
 * any of these: what is not here is refused at container start.
 */
export const NODE_MEMORY = {
  // The master's extra 1 GiB is JupyterLab's: the server (~150 MB) and one kernel's Spark driver.
  master: { limitMb: 4608, heapsMb: { NAMENODE_HEAP_MB: 512, RESOURCEMANAGER_HEAP_MB: 512, KAFKA_HEAP_MB: 512 } },
  worker: { limitMb: 3584, heapsMb: { DATANODE_HEAP_MB: 384, NODEMANAGER_HEAP_MB: 384, KAFKA_HEAP_MB: 512 } },
} as const;

/**
 * What each NodeManager offers YARN containers. Every node gets it: the workers' NodeManagers
 * offer it, and the master's ResourceManager uses it as the largest container it grants.
 */
export const YARN_NODE_RESOURCES = { memoryMb: 2048, vcores: 2 } as const;

/**
 * The node image's environment contract, its one owner: every variable the image reads, what it
 * means, and on which nodes the topology sets it ("image" for the image's own optional settings,
 * which the topology leaves to their defaults). The entrypoint refuses a node started without a
 * required one (tests/imageContract.test.ts checks its list against this one, and the nodes'
 * `env` below); docs/node-image.md is generated from it.
 */
export const NODE_ENV = {
  NODE_ROLE: { on: "every", means: "master (NameNode, ResourceManager, JupyterLab) or worker (DataNode, NodeManager); every node runs a Kafka broker+controller and sshd" },
  MASTER_HOST: { on: "every", means: "fs.defaultFS (hdfs://MASTER_HOST at the NameNode RPC port) and yarn.resourcemanager.hostname" },
  WORKER_HOSTS: { on: "every", means: "comma list, Hadoop's workers file" },
  HDFS_REPLICATION: { on: "every", means: "dfs.replication" },
  KAFKA_NODE_ID: { on: "every", means: "node.id (1..N); the voters must list KAFKA_NODE_ID@hostname:controller port" },
  KAFKA_CLUSTER_ID: { on: "every", means: "22-character base64url id, the same on every node of one deployment" },
  KAFKA_CONTROLLER_QUORUM_VOTERS: { on: "every", means: "controller.quorum.voters: KRaft, broker and controller combined on every node" },
  KAFKA_EXTERNAL_PORT: { on: "every", means: "the host listener's port inside the container: the same number as its host port" },
  KAFKA_EXTERNAL_ADVERTISED: { on: "every", means: "host:port the host listener advertises (on KAFKA_EXTERNAL_PORT)" },
  KAFKA_PEER_FORWARDS: { on: "every", means: "may be empty: the other brokers' host ports forwarded on this node's loopback (port=node:port,...), so localhost:909x is the same broker inside every node as on the host" },
  KAFKA_BROKER_COUNT: { on: "every", means: "replication of the internal topics and default.replication.factor: min(3, N)" },
  KAFKA_HEAP_MB: { on: "every", means: "the broker's JVM heap" },
  YARN_NODEMANAGER_MEMORY_MB: { on: "every", means: "memory a NodeManager offers YARN containers; on the master the largest allocation" },
  YARN_NODEMANAGER_VCORES: { on: "every", means: "vcores a NodeManager offers; on the master the largest allocation" },
  NAMENODE_HEAP_MB: { on: "master", means: "the NameNode's JVM heap" },
  RESOURCEMANAGER_HEAP_MB: { on: "master", means: "the ResourceManager's JVM heap" },
  DATANODE_HEAP_MB: { on: "worker", means: "the DataNode's JVM heap" },
  NODEMANAGER_HEAP_MB: { on: "worker", means: "the NodeManager's JVM heap" },
  JUPYTER_PORT: { on: "master", optional: true, means: "JupyterLab on this port (its token made at first start in /data/jupyter/token)" },
  SSH_AUTHORIZED_KEYS: { on: "image", default: "none", means: "extra public keys for root (the host's, to use the master's sshd as a gateway)" },
  KAFKA_DEFAULT_REPLICATION_FACTOR: { on: "image", default: "min(3, KAFKA_BROKER_COUNT)", means: "default.replication.factor" },
  KAFKA_MIN_INSYNC_REPLICAS: { on: "image", default: "1", means: "min.insync.replicas (1 keeps the lab's RF 1 topics writable with acks=all)" },
  KAFKA_NUM_PARTITIONS: { on: "image", default: "1", means: "num.partitions" },
  LAB_SSH_KEY_WAIT_SECONDS: { on: "image", default: "120", means: "how long a worker's sshd waits for the cluster key in /etc/lab-ssh" },
} as const satisfies Record<string, { on: "every" | "master" | "worker" | "image"; means: string; optional?: boolean; default?: string }>;

/** Ports inside every container (the image's contract, see stacks/local/image/entrypoint.sh). */
export const CONTAINER_PORTS = {
  ssh: 22,
  nameNodeUi: 9870,
  nameNodeRpc: 9000,
  dataNodeUi: 9864,
  yarnUi: 8088,
  nodeManagerUi: 8042,
  sparkUi: 4040,
  jupyter: 8888,
  /** Default only: broker i's host listener listens on kafkaHostPort + i inside its container too. */
  kafkaExternal: 9092,
  kafkaInternal: 19092,
  kafkaController: 19093,
} as const;

/**
 * Ports the daemons listen on inside the nodes (CONTAINER_PORTS plus Hadoop's and Spark's other
 * defaults): the brokers' host listeners share the port numbers inside, so they must avoid these.
 */
export const PORTS_USED_INSIDE: readonly number[] = [
  ...Object.entries(CONTAINER_PORTS).filter(([k]) => k !== "kafkaExternal").map(([, p]) => p),
  8030, 8031, 8032, 8033, 8040, 9866, 9867, 9868, 4041, 4042, 4043,
  // MapReduce's JobHistory addresses, configured on the master (mapred-site.xml), not run.
  10020, 19888,
];

export type NodeRole = "master" | "worker";

export interface PortSpec {
  host: number;
  container: number;
  purpose: string;
  /** Host address to publish on, when not the topology's bindAddress (a service with a login of its own stays on loopback). */
  bindAddress?: string;
}

export interface MountSpec {
  /** Key of the volume in `Topology.volumes`. */
  volume: string;
  path: string;
}

export interface HealthcheckSpec {
  test: string[];
  intervalSeconds: number;
  timeoutSeconds: number;
  retries: number;
  startPeriodSeconds: number;
}

export interface NodeSpec {
  name: string;
  /** Time a node gets to stop cleanly (Kafka flushes and hands over leadership) before SIGKILL. */
  stopGraceSeconds: number;
  role: NodeRole;
  kafkaNodeId: number;
  ports: PortSpec[];
  env: Record<string, string>;
  mounts: MountSpec[];
  memoryMb: number;
  /**
   * Memory plus swap. Docker's default when unset is twice the memory; stated explicitly because
   * the engine reports it back and an unset value would show as drift on every refresh.
   */
  memorySwapMb: number;
  healthcheck: HealthcheckSpec;
}

export interface VolumeSpec {
  /** Docker's volume name: unique per project and stack. */
  name: string;
  purpose: string;
}

/** What every Docker topology of the project has (the local stack's, the twin's). */
export interface DockerTopology {
  project: string;
  stack: string;
  /** The Docker network the nodes share. */
  network: string;
  image: string;
  /** The host address ports are published on. */
  bindAddress: string;
  labels: Record<string, string>;
}

export interface Topology extends DockerTopology {
  volumes: Record<string, VolumeSpec>;
  nodes: NodeSpec[];
  endpoints: LocalEndpoints;
}

export interface LocalEndpoints {
  /** Kafka as seen from the host. */
  bootstrapServersHost: string;
  /** Kafka as seen from inside the `hadoop` network. */
  bootstrapServersInternal: string;
  ssh: { host: string; port: number; user: string };
  nameNodeUi: string;
  yarnUi: string;
  nodeManagerUis: string[];
  sparkUi: string;
  /** JupyterLab on the master, without its token (npm run notebook prints the URL with it). */
  jupyterUi: string;
  containerNames: string[];
}

export interface TopologyOptions {
  project: string;
  stack: string;
  workerCount?: number;
  bindAddress?: string;
  kafkaHostPort?: number;
  sshHostPort?: number;
  /** Image reference; Pulumi tags it by content so a changed image replaces the containers. */
  image?: string;
}

/**
 * A duration in Go's notation ("5s", "3m0s", "1h0m0s"): the form in which the Docker engine
 * reports healthcheck durations back, so the Pulumi state matches a refresh; compose reads it too.
 */
export function goDuration(seconds: number): string {
  if (!Number.isInteger(seconds) || seconds < 0) throw new RangeError(`goDuration: ${seconds} is not a whole number of seconds`);
  const h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
  return h ? `${h}h${m}m${s}s` : m ? `${m}m${s}s` : `${s}s`;
}

/** The master is broker 1 and the workers 2..N+1: a KRaft quorum of every node, like HDInsight's 3+ brokers. */
export const nodeNames = (workerCount: number) => ["hadoop-master", ...Array.from({ length: workerCount }, (_, i) => `hadoop-worker${i + 1}`)];

/** Kafka cluster ids are 16 bytes in URL-safe base64; derive one per project and stack. */
export function kafkaClusterId(project: string, stack: string): string {
  return createHash("sha256").update(`${project}/${stack}`).digest().subarray(0, 16).toString("base64url");
}

const HEALTHCHECK: HealthcheckSpec = {
  test: ["CMD", "/usr/local/bin/healthcheck.sh"],
  // 2 s: Docker 20.10 has no start_interval, so the interval is also how late "healthy" is seen.
  intervalSeconds: 2,
  timeoutSeconds: 10,
  retries: 3,
  startPeriodSeconds: 180,
};

/**
 * On node `self`, each other broker's host-listener port on loopback, forwarded to that broker:
 * "9093=hadoop-worker1:9093,...". With it, a client inside any node that bootstraps from
 * localhost:9092 (the lab's programs) reaches every broker at the addresses the metadata
 * advertises, exactly as a client on the host does. The host path does not go through it.
 */
export function peerForwards(brokers: { name: string; port: number }[], self: number): string {
  return brokers.flatMap((b, j) => (j === self ? [] : [`${b.port}=${b.name}:${b.port}`])).join(",");
}

/** The one place host ports are numbered: node i publishes the i-th port from each base. */
export function hostPortsOf(i: number, bases: { kafkaHostPort: number; nodeManagerHostPort: number }) {
  return { kafka: bases.kafkaHostPort + i, nodeManagerUi: bases.nodeManagerHostPort + i - 1 };
}

/** The host port a node publishes for `purpose` (the first one whose purpose starts so). */
export const hostPortFor = (node: NodeSpec, purpose: string) => node.ports.find((p) => p.purpose.startsWith(purpose))?.host;
export const KAFKA_HOST_LISTENER = "Kafka broker";
export const NODE_MANAGER_UI = "YARN NodeManager UI";
export const JUPYTER_UI = "JupyterLab";

export function describeTopology(options: TopologyOptions): Topology {
  const workerCount = options.workerCount ?? LOCAL_DEFAULTS.workerCount;
  const bindAddress = options.bindAddress ?? LOCAL_DEFAULTS.bindAddress;
  const kafkaHostPort = options.kafkaHostPort ?? LOCAL_DEFAULTS.kafkaHostPort;
  const sshHostPort = options.sshHostPort ?? LOCAL_DEFAULTS.sshHostPort;
  const image = options.image ?? `${LOCAL_DEFAULTS.imageName}:local`;
  const { project, stack } = options;
  // Clients on the host connect to the address the ports are published on.
  const advertisedHost = bindAddress === "127.0.0.1" || bindAddress === "0.0.0.0" ? "localhost" : bindAddress;

  const names = nodeNames(workerCount);
  const workers = names.slice(1);
  const voters = names.map((n, i) => `${i + 1}@${n}:${CONTAINER_PORTS.kafkaController}`).join(",");
  const prefix = `${project}-${stack}`;

  const volumes: Record<string, VolumeSpec> = {
    "ssh-keys": { name: `${prefix}-ssh-keys`, purpose: "per-deployment SSH key pair shared by the nodes" },
  };
  for (const n of names) volumes[`${n}-data`] = { name: `${prefix}-${n}-data`, purpose: `HDFS, Kafka and YARN state of ${n}` };

  const hostPorts = names.map((_, i) => hostPortsOf(i, { kafkaHostPort, nodeManagerHostPort: LOCAL_DEFAULTS.nodeManagerHostPort }));
  const brokers = names.map((name, i) => ({ name, port: hostPorts[i].kafka }));
  const nodes: NodeSpec[] = names.map((name, i) => {
    const role: NodeRole = i === 0 ? "master" : "worker";
    const kafkaNodeId = i + 1;
    const kafkaPort = hostPorts[i].kafka;
    // The host listener uses the same port inside the container as on the host, so the address
    // it advertises (localhost:<port>) also means this broker inside every node (see peerForwards).
    const ports: PortSpec[] = [{ host: kafkaPort, container: kafkaPort, purpose: `${KAFKA_HOST_LISTENER} ${kafkaNodeId} (host listener)` }];
    if (role === "master") {
      ports.unshift(
        { host: CONTAINER_PORTS.nameNodeUi, container: CONTAINER_PORTS.nameNodeUi, purpose: "HDFS NameNode UI" },
        { host: CONTAINER_PORTS.yarnUi, container: CONTAINER_PORTS.yarnUi, purpose: "YARN ResourceManager UI" },
        { host: CONTAINER_PORTS.sparkUi, container: CONTAINER_PORTS.sparkUi, purpose: "Spark UI of a driver running on the master" },
      );
      ports.push({ host: sshHostPort, container: CONTAINER_PORTS.ssh, purpose: "sshd: the SSH gateway into the network" });
      // Jupyter runs code as root on the cluster: only this machine may reach it, token or not.
      ports.push({ host: LOCAL_DEFAULTS.jupyterHostPort, container: CONTAINER_PORTS.jupyter, purpose: JUPYTER_UI, bindAddress: "127.0.0.1" });
    } else {
      ports.unshift({ host: hostPorts[i].nodeManagerUi, container: CONTAINER_PORTS.nodeManagerUi, purpose: `${NODE_MANAGER_UI} of ${name}` });
    }
    return {
      name,
      role,
      kafkaNodeId,
      ports,
      env: {
        NODE_ROLE: role,
        MASTER_HOST: names[0],
        WORKER_HOSTS: workers.join(","),
        HDFS_REPLICATION: String(Math.min(2, workers.length)),
        KAFKA_NODE_ID: String(kafkaNodeId),
        KAFKA_CLUSTER_ID: kafkaClusterId(project, stack),
        KAFKA_CONTROLLER_QUORUM_VOTERS: voters,
        KAFKA_EXTERNAL_PORT: String(kafkaPort),
        KAFKA_EXTERNAL_ADVERTISED: `${advertisedHost}:${kafkaPort}`,
        KAFKA_PEER_FORWARDS: advertisedHost === "localhost" ? peerForwards(brokers, i) : "",
        KAFKA_BROKER_COUNT: String(names.length),
        ...Object.fromEntries(Object.entries(NODE_MEMORY[role].heapsMb).map(([k, mb]) => [k, String(mb)])),
        YARN_NODEMANAGER_MEMORY_MB: String(YARN_NODE_RESOURCES.memoryMb),
        YARN_NODEMANAGER_VCORES: String(YARN_NODE_RESOURCES.vcores),
        ...(role === "master" ? { JUPYTER_PORT: String(CONTAINER_PORTS.jupyter) } : {}),
      },
      mounts: [
        { volume: `${name}-data`, path: "/data" },
        { volume: "ssh-keys", path: "/etc/lab-ssh" },
      ],
      memoryMb: NODE_MEMORY[role].limitMb,
      memorySwapMb: 2 * NODE_MEMORY[role].limitMb,
      stopGraceSeconds: 60,
      healthcheck: HEALTHCHECK,
    };
  });

  const url = (port: number) => `http://${advertisedHost}:${port}`;
  return {
    project,
    stack,
    network: "hadoop",
    image,
    bindAddress,
    labels: { "kafka-spark-lab.project": project, "kafka-spark-lab.stack": stack },
    volumes,
    nodes,
    endpoints: {
      // Derived from what the nodes publish, not numbered again.
      bootstrapServersHost: nodes.map((n) => `${advertisedHost}:${hostPortFor(n, KAFKA_HOST_LISTENER)}`).join(","),
      bootstrapServersInternal: names.map((n) => `${n}:${CONTAINER_PORTS.kafkaInternal}`).join(","),
      ssh: { host: advertisedHost, port: sshHostPort, user: "root" },
      nameNodeUi: url(CONTAINER_PORTS.nameNodeUi),
      yarnUi: url(CONTAINER_PORTS.yarnUi),
      nodeManagerUis: nodes.filter((n) => n.role === "worker").map((n) => url(hostPortFor(n, NODE_MANAGER_UI)!)),
      sparkUi: url(CONTAINER_PORTS.sparkUi),
      jupyterUi: `http://127.0.0.1:${hostPortFor(nodes[0], JUPYTER_UI)}/`,
      containerNames: names,
    },
  };
}

/**
 * The local stack's outputs as the topology determines them: what `pulumi up` exports, and what a
 * command can derive from the stack's config alone when no Pulumi state is at hand.
 */
export function localStackOutputs(t: Topology): LocalOutputs {
  const e = t.endpoints;
  return {
    target: "local" as const,
    bootstrapServersHost: e.bootstrapServersHost,
    bootstrapServersInternal: e.bootstrapServersInternal,
    sshEndpoint: e.ssh,
    nameNodeUi: e.nameNodeUi,
    yarnUi: e.yarnUi,
    nodeManagerUis: e.nodeManagerUis,
    sparkUi: e.sparkUi,
    jupyterUi: e.jupyterUi,
    containerNames: e.containerNames,
    networkName: t.network,
    imageTag: t.image,
  };
}

/** The topology of a local stack from its validated config: the one builder the program and the commands use. */
/** The local config keys the topology reads (stacks/local/config.ts's LocalConfig has them). */
export interface TopologyKeys {
  localWorkerCount: number;
  localBindAddress: string;
  localKafkaHostPort: number;
  localSshPort: number;
}

export function topologyFor(config: TopologyKeys, project: string, stack: string, image?: string): Topology {
  return describeTopology({
    project,
    stack,
    workerCount: config.localWorkerCount,
    bindAddress: config.localBindAddress,
    kafkaHostPort: config.localKafkaHostPort,
    sshHostPort: config.localSshPort,
    image,
  });
}
