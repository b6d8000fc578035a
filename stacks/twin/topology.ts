/**
 * The HDInsight 5.1 twin as one pure description (stacks/twin/README.md): its nodes, their roles,
 * host names, environment, ports and memory. The compose file (compose.ts) and the image's contract
 * (TWIN_ENV, checked against image/entrypoint.sh) are derived from it.
 *
 * Host names follow HDInsight's pattern (`wn0-kafka.<suffix>` workers, `zk0-kafka` ZooKeeper,
 * `hn0-kafka` head node; https://learn.microsoft.com/azure/hdinsight/hdinsight-hadoop-provision-linux-clusters).
 * One ZooKeeper node, not HDInsight's three: on a laptop a quorum of one holds the same metadata.
 */

/** HDInsight 5.1's versions (https://learn.microsoft.com/azure/hdinsight/hdinsight-5x-component-versioning) and the twin's. */
export const TWIN_VERSIONS = {
  kafka: "3.2.0",
  zookeeper: "3.6.3",
  /** Spark and Hadoop as the image pins them (image/Dockerfile: pyspark, Hadoop's jars). */
  spark: "3.3.1",
  hadoop: "3.3.4",
  /** HDInsight runs Java 8; Debian bullseye's OpenJDK 11 is the nearest a registry here serves. */
  jdk: "11",
} as const;

import type { TwinOutputs } from "../outputs";
import type { DockerTopology } from "../local/topology";

export const TWIN_IMAGE_NAME = "kafka-spark-lab-twin";
export const KAFKA_PORT = 9092;
export const ZOOKEEPER_PORT = 2181;
/** The DNS suffix HDInsight's nodes share (a VNet's internal zone); the twin's is fixed. */
export const TWIN_DNS_SUFFIX = "twin.internal.cloudapp.net";

export type TwinRole = "zookeeper" | "broker" | "kafka-head" | "spark-head" | "spark-worker";

const HEADS: TwinRole[] = ["kafka-head", "spark-head"];
const SPARK: TwinRole[] = ["spark-head", "spark-worker"];

/** The image's environment contract: every variable entrypoint.sh reads, and which roles need it. */
export const TWIN_ENV: Record<string, { roles: TwinRole[]; meaning: string }> = {
  TWIN_ROLE: { roles: ["zookeeper", "broker", ...HEADS, "spark-worker"], meaning: "what the node runs: zookeeper, broker, kafka-head, spark-head or spark-worker" },
  ZOOKEEPER_CONNECT: { roles: ["broker"], meaning: "ZooKeeper's host:port list (zookeeper.connect)" },
  ADVERTISED_HOST: { roles: ["broker"], meaning: "the broker's name inside the network, as clients reach it" },
  KAFKA_BROKER_PROPERTIES: { roles: ["broker"], meaning: "kafka-broker properties (JSON): the brokers' server.properties" },
  CLUSTER_NAME: { roles: HEADS, meaning: "the cluster's name in Ambari's URLs" },
  CLUSTER_LOGIN_USER: { roles: HEADS, meaning: "the gateway's Basic-auth user (HDInsight's cluster login)" },
  CLUSTER_LOGIN_PASSWORD: { roles: HEADS, meaning: "its password (hashed at start, then removed from the programs' environment)" },
  SSH_USER: { roles: HEADS, meaning: "the SSH user of the head node" },
  SSH_PUBLIC_KEY: { roles: HEADS, meaning: "the public key it logs in with (authorized_keys)" },
  AMBARI_COMPONENTS: { roles: HEADS, meaning: "service -> component -> hosts and port (JSON), what Ambari lists" },
  AMBARI_CONFIGURATIONS: { roles: HEADS, meaning: "configuration type -> properties (JSON), what Ambari reports (kafka-broker on the Kafka cluster)" },
  NAMENODE_HOST: { roles: SPARK, meaning: "the head node's name: HDFS's NameNode (the default storage, fs.defaultFS)" },
  RESOURCEMANAGER_HOST: { roles: SPARK, meaning: "the head node's name: YARN's ResourceManager" },
  NODEMANAGER_MEMORY_MB: { roles: ["spark-worker"], meaning: "memory YARN may give containers on the worker" },
  NODEMANAGER_VCORES: { roles: ["spark-worker"], meaning: "cores YARN may give containers on the worker" },
};

/**
 * HDInsight Kafka's broker defaults that the project's commands meet: no automatic topic creation
 * (https://learn.microsoft.com/azure/hdinsight/kafka/apache-kafka-auto-create-topics), three
 * replicas, and the internal topics replicated like the rest.
 */
export const KAFKA_BROKER_PROPERTIES: Record<string, string> = {
  // No broker.id: ZooKeeper hands out 1001, 1002, ... as on HDInsight (kept in each log dir's meta.properties).
  "broker.id.generation.enable": "true",
  "auto.create.topics.enable": "false",
  "default.replication.factor": "3",
  "min.insync.replicas": "2",
  "num.partitions": "8",
  "offsets.topic.replication.factor": "3",
  "transaction.state.log.replication.factor": "3",
  "transaction.state.log.min.isr": "2",
  "unclean.leader.election.enable": "false",
  "group.initial.rebalance.delay.ms": "0",
};

export const TWIN_NODE_MEMORY_MB = { zookeeper: 256, broker: 1024, "kafka-head": 256, "spark-head": 3072, "spark-worker": 3584 } as const;
export const YARN_WORKER = { memoryMb: 3072, vcores: 2 } as const;

export interface TwinNode {
  /** The container's name: unique per stack. */
  container: string;
  /** The short host name, as HDInsight names the node (`wn0-kafka`). */
  hostname: string;
  fqdn: string;
  role: TwinRole;
  env: Record<string, string>;
  /** Variables whose value is a secret: given by the caller (Pulumi secret, or the compose file's ${...}). */
  secretEnv: string[];
  ports: { host: number; container: number; purpose: string }[];
  memoryMb: number;
  healthcheck: string[];
  volume: string;
}

export interface TwinOptions {
  project: string;
  stack: string;
  clusterLoginUser?: string;
  sshUser?: string;
  /** The SSH user's public key (an OpenSSH line). */
  sshPublicKey: string;
  bindAddress?: string;
  /** Host ports of the Kafka cluster's gateway and sshd; the Spark cluster's are the next ones. */
  gatewayHostPort?: number;
  sshHostPort?: number;
  kafkaWorkerCount?: number;
  sparkWorkerCount?: number;
}

export interface TwinCluster {
  /** The cluster's name, as in Ambari's URLs (`kafka-<stack>`, `spark-<stack>`). */
  name: string;
  head: TwinNode;
  workers: TwinNode[];
  gatewayUrl: string;
  sshPort: number;
}

export interface TwinTopology extends DockerTopology {
  kafka: TwinCluster & { zookeepers: TwinNode[] };
  spark: TwinCluster;
  nodes: TwinNode[];
  endpoints: { sshHost: string; sshUser: string; clusterLoginUser: string; brokers: string[] };
}

export const TWIN_DEFAULTS = { clusterLoginUser: "admin", sshUser: "sshuser", bindAddress: "127.0.0.1", gatewayHostPort: 18443, sshHostPort: 18022, kafkaWorkerCount: 3, sparkWorkerCount: 2 } as const;

export function describeTwin(o: TwinOptions): TwinTopology {
  const d = { ...TWIN_DEFAULTS, ...Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) } as Required<TwinOptions>;
  const host = d.bindAddress === "0.0.0.0" ? "127.0.0.1" : d.bindAddress;
  const node = (hostname: string, role: TwinRole, env: Record<string, string>, healthcheck: string[], ports: TwinNode["ports"] = [], secretEnv: string[] = []): TwinNode => ({
    container: `${o.project}-${o.stack}-${hostname}`,
    hostname,
    fqdn: `${hostname}.${TWIN_DNS_SUFFIX}`,
    role,
    env: { TWIN_ROLE: role, ...env },
    secretEnv,
    ports,
    memoryMb: TWIN_NODE_MEMORY_MB[role],
    healthcheck,
    volume: `${o.project}-${o.stack}-${hostname}-data`,
  });
  const listening = (...ports: number[]) => ports.map((p) => `nc -z 127.0.0.1 ${p}`).join(" && ");
  /** A head node: sshd, the gateway (401 without the login) and Ambari, plus what `ports` the role adds. */
  const head = (cluster: "kafka" | "spark", name: string, i: number, env: Record<string, string>, components: unknown, configurations: unknown, more: number[]) =>
    node(`hn0-${cluster}`, `${cluster}-head`, {
      CLUSTER_NAME: name,
      CLUSTER_LOGIN_USER: d.clusterLoginUser,
      SSH_USER: d.sshUser,
      SSH_PUBLIC_KEY: o.sshPublicKey,
      AMBARI_COMPONENTS: JSON.stringify(components),
      AMBARI_CONFIGURATIONS: JSON.stringify(configurations),
      ...env,
    }, ["CMD-SHELL", `curl -ks -o /dev/null -w '%{http_code}' https://127.0.0.1/api/v1/clusters | grep -q 401 && pgrep -x sshd >/dev/null && ${listening(8080, ...more)}`], [
      { host: d.gatewayHostPort + i, container: 443, purpose: `the ${cluster === "kafka" ? "Kafka" : "Spark"} cluster's gateway (HTTPS: Ambari${cluster === "spark" ? ", Livy, Jupyter" : ""})` },
      { host: d.sshHostPort + i, container: 22, purpose: `SSH to the ${cluster === "kafka" ? "Kafka" : "Spark"} cluster's head node` },
    ], ["CLUSTER_LOGIN_PASSWORD"]);

  // The Kafka cluster: ZooKeeper, brokers, a head node.
  const kafkaName = `kafka-${o.stack}`;
  const zookeepers = [node("zk0-kafka", "zookeeper", {}, ["CMD-SHELL", `echo ruok | nc -w 2 127.0.0.1 ${ZOOKEEPER_PORT} | grep -q imok`])];
  const zookeeperConnect = zookeepers.map((z) => `${z.fqdn}:${ZOOKEEPER_PORT}`).join(",");
  const brokers = Array.from({ length: d.kafkaWorkerCount }, (_, i) => node(`wn${i}-kafka`, "broker", {
    ZOOKEEPER_CONNECT: zookeeperConnect,
    ADVERTISED_HOST: `wn${i}-kafka.${TWIN_DNS_SUFFIX}`,
    KAFKA_BROKER_PROPERTIES: JSON.stringify(KAFKA_BROKER_PROPERTIES),
  }, ["CMD-SHELL", listening(KAFKA_PORT)]));
  const kafkaHead = head("kafka", kafkaName, 0, {}, {
    KAFKA: { KAFKA_BROKER: { hosts: brokers.map((b) => b.fqdn), port: KAFKA_PORT, display: "Kafka Broker" } },
    ZOOKEEPER: { ZOOKEEPER_SERVER: { hosts: zookeepers.map((z) => z.fqdn), port: ZOOKEEPER_PORT, display: "ZooKeeper Server" } },
  }, { "kafka-broker": KAFKA_BROKER_PROPERTIES }, []);

  // The Spark cluster: a head node (NameNode, ResourceManager, Livy, Jupyter) and workers (DataNode, NodeManager).
  const sparkName = `spark-${o.stack}`;
  const sparkHeadFqdn = `hn0-spark.${TWIN_DNS_SUFFIX}`;
  const hadoop = { NAMENODE_HOST: sparkHeadFqdn, RESOURCEMANAGER_HOST: sparkHeadFqdn };
  const sparkWorkers = Array.from({ length: d.sparkWorkerCount }, (_, i) => node(`wn${i}-spark`, "spark-worker", {
    ...hadoop,
    NODEMANAGER_MEMORY_MB: String(YARN_WORKER.memoryMb),
    NODEMANAGER_VCORES: String(YARN_WORKER.vcores),
  }, ["CMD-SHELL", listening(9866, 45454)]));
  const workerHosts = sparkWorkers.map((w) => w.fqdn);
  const sparkHead = head("spark", sparkName, 1, hadoop, {
    HDFS: { NAMENODE: { hosts: [sparkHeadFqdn], port: 8020, display: "NameNode" }, DATANODE: { hosts: workerHosts, port: 9866, display: "DataNode", category: "SLAVE" } },
    YARN: { RESOURCEMANAGER: { hosts: [sparkHeadFqdn], port: 8088, display: "ResourceManager" }, NODEMANAGER: { hosts: workerHosts, port: 45454, display: "NodeManager", category: "SLAVE" } },
    SPARK2: { LIVY2_SERVER: { hosts: [sparkHeadFqdn], port: 8998, display: "Livy for Spark2 Server" } },
    JUPYTER: { JUPYTER_MASTER: { hosts: [sparkHeadFqdn], port: 8888, display: "Jupyter Notebook" } },
  }, {}, [8020, 8088, 8998, 8999, 8888]);

  return {
    project: o.project,
    stack: o.stack,
    network: `${o.project}-${o.stack}-vnet`,
    image: `${TWIN_IMAGE_NAME}:local`,
    bindAddress: d.bindAddress,
    labels: { "kafka-spark-lab.project": o.project, "kafka-spark-lab.stack": o.stack, "kafka-spark-lab.target": "twin" },
    kafka: { name: kafkaName, head: kafkaHead, workers: brokers, zookeepers, gatewayUrl: `https://${host}:${d.gatewayHostPort}`, sshPort: d.sshHostPort },
    spark: { name: sparkName, head: sparkHead, workers: sparkWorkers, gatewayUrl: `https://${host}:${d.gatewayHostPort + 1}`, sshPort: d.sshHostPort + 1 },
    nodes: [...zookeepers, ...brokers, kafkaHead, sparkHead, ...sparkWorkers],
    endpoints: { sshHost: host, sshUser: d.sshUser, clusterLoginUser: d.clusterLoginUser, brokers: brokers.map((b) => `${b.fqdn}:${KAFKA_PORT}`) },
  };
}

/** The twin's outputs as the topology determines them (all but the password, a secret of the caller's). */
export function twinStackOutputs(t: TwinTopology, jobJarName: string /* jobJarBlobName's */): Omit<TwinOutputs, "clusterLoginPassword"> {
  return {
    target: "twin",
    kafkaClusterName: t.kafka.name,
    sparkClusterName: t.spark.name,
    kafkaAmbariUrl: t.kafka.gatewayUrl,
    sparkAmbariUrl: t.spark.gatewayUrl,
    sparkLivyUrl: `${t.spark.gatewayUrl}/livy`,
    // In the Spark cluster's default storage (HDFS) as Livy resolves it: a path without a scheme.
    sparkJobJarUrl: `/${jobJarName}`,
    kafkaSshHost: t.endpoints.sshHost,
    kafkaSshPort: t.kafka.sshPort,
    sparkSshHost: t.endpoints.sshHost,
    sparkSshPort: t.spark.sshPort,
    sshUser: t.endpoints.sshUser,
    clusterLoginUser: t.endpoints.clusterLoginUser,
    kafkaHeadContainer: t.kafka.head.container,
    sparkHeadContainer: t.spark.head.container,
    containerNames: t.nodes.map((n) => n.container),
    networkName: t.network,
    imageTag: t.image,
  };
}
