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

export type TwinRole = "zookeeper" | "broker" | "head";

/** The image's environment contract: every variable entrypoint.sh reads, and which roles need it. */
export const TWIN_ENV: Record<string, { roles: TwinRole[]; meaning: string }> = {
  TWIN_ROLE: { roles: ["zookeeper", "broker", "head"], meaning: "what the node runs: zookeeper, broker or head" },
  ZOOKEEPER_CONNECT: { roles: ["broker"], meaning: "ZooKeeper's host:port list (zookeeper.connect)" },
  ADVERTISED_HOST: { roles: ["broker"], meaning: "the broker's name inside the network, as clients reach it" },
  KAFKA_BROKER_PROPERTIES: { roles: ["broker", "head"], meaning: "kafka-broker properties (JSON): the brokers' server.properties and what Ambari reports" },
  CLUSTER_NAME: { roles: ["head"], meaning: "the cluster's name in Ambari's URLs" },
  CLUSTER_LOGIN_USER: { roles: ["head"], meaning: "the gateway's Basic-auth user (HDInsight's cluster login)" },
  CLUSTER_LOGIN_PASSWORD: { roles: ["head"], meaning: "its password (hashed at start, then removed from the programs' environment)" },
  SSH_USER: { roles: ["head"], meaning: "the SSH user of the head node" },
  SSH_PUBLIC_KEY: { roles: ["head"], meaning: "the public key it logs in with (authorized_keys)" },
  AMBARI_COMPONENTS: { roles: ["head"], meaning: "service -> component -> hosts and port (JSON), what Ambari lists" },
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
  gatewayHostPort?: number;
  sshHostPort?: number;
  workerCount?: number;
}

export interface TwinTopology extends DockerTopology {
  kafka: { clusterName: string; head: TwinNode; zookeepers: TwinNode[]; brokers: TwinNode[] };
  nodes: TwinNode[];
  endpoints: { kafkaAmbariUrl: string; kafkaSshHost: string; kafkaSshPort: number; sshUser: string; clusterLoginUser: string; brokers: string[] };
}

export const TWIN_DEFAULTS = { clusterLoginUser: "admin", sshUser: "sshuser", bindAddress: "127.0.0.1", gatewayHostPort: 18443, sshHostPort: 18022, workerCount: 3 } as const;

export function describeTwin(o: TwinOptions): TwinTopology {
  const d = { ...TWIN_DEFAULTS, ...Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) } as Required<TwinOptions>;
  const clusterName = `kafka-${o.stack}`;
  const node = (hostname: string, role: TwinRole, memoryMb: number, env: Record<string, string>, healthcheck: string[], ports: TwinNode["ports"] = [], secretEnv: string[] = []): TwinNode => ({
    container: `${o.project}-${o.stack}-${hostname}`,
    hostname,
    fqdn: `${hostname}.${TWIN_DNS_SUFFIX}`,
    role,
    env: { TWIN_ROLE: role, ...env },
    secretEnv,
    ports,
    memoryMb,
    healthcheck,
    volume: `${o.project}-${o.stack}-${hostname}-data`,
  });
  const properties = JSON.stringify(KAFKA_BROKER_PROPERTIES);
  const zookeepers = [node("zk0-kafka", "zookeeper", 256, {}, ["CMD-SHELL", `echo ruok | nc -w 2 127.0.0.1 ${ZOOKEEPER_PORT} | grep -q imok`])];
  const zookeeperConnect = zookeepers.map((z) => `${z.fqdn}:${ZOOKEEPER_PORT}`).join(",");
  const brokers = Array.from({ length: d.workerCount }, (_, i) => {
    const hostname = `wn${i}-kafka`;
    return node(hostname, "broker", 1024, {
      ZOOKEEPER_CONNECT: zookeeperConnect,
      ADVERTISED_HOST: `${hostname}.${TWIN_DNS_SUFFIX}`,
      KAFKA_BROKER_PROPERTIES: properties,
    }, ["CMD-SHELL", `nc -z 127.0.0.1 ${KAFKA_PORT}`]);
  });
  const components = {
    KAFKA: { KAFKA_BROKER: { hosts: brokers.map((b) => b.fqdn), port: KAFKA_PORT, display: "Kafka Broker" } },
    ZOOKEEPER: { ZOOKEEPER_SERVER: { hosts: zookeepers.map((z) => z.fqdn), port: ZOOKEEPER_PORT, display: "ZooKeeper Server" } },
  };
  const head = node("hn0-kafka", "head", 256, {
    CLUSTER_NAME: clusterName,
    CLUSTER_LOGIN_USER: d.clusterLoginUser,
    SSH_USER: d.sshUser,
    SSH_PUBLIC_KEY: o.sshPublicKey,
    AMBARI_COMPONENTS: JSON.stringify(components),
    KAFKA_BROKER_PROPERTIES: properties,
  }, ["CMD-SHELL", "curl -ks -o /dev/null -w '%{http_code}' https://127.0.0.1/api/v1/clusters | grep -q 401 && pgrep -x sshd >/dev/null && nc -z 127.0.0.1 8080"], [
    { host: d.gatewayHostPort, container: 443, purpose: "the Kafka cluster's gateway (HTTPS, Ambari)" },
    { host: d.sshHostPort, container: 22, purpose: "SSH to the Kafka cluster's head node" },
  ], ["CLUSTER_LOGIN_PASSWORD"]);
  const host = d.bindAddress === "0.0.0.0" ? "127.0.0.1" : d.bindAddress;
  return {
    project: o.project,
    stack: o.stack,
    network: `${o.project}-${o.stack}-vnet`,
    image: `${TWIN_IMAGE_NAME}:local`,
    bindAddress: d.bindAddress,
    labels: { "kafka-spark-lab.project": o.project, "kafka-spark-lab.stack": o.stack, "kafka-spark-lab.target": "twin" },
    kafka: { clusterName, head, zookeepers, brokers },
    nodes: [...zookeepers, ...brokers, head],
    endpoints: {
      kafkaAmbariUrl: `https://${host}:${d.gatewayHostPort}`,
      kafkaSshHost: host,
      kafkaSshPort: d.sshHostPort,
      sshUser: d.sshUser,
      clusterLoginUser: d.clusterLoginUser,
      brokers: brokers.map((b) => `${b.fqdn}:${KAFKA_PORT}`),
    },
  };
}

/** The twin's outputs as the topology determines them (all but the password, a secret of the caller's). */
export function twinStackOutputs(t: TwinTopology): Omit<TwinOutputs, "clusterLoginPassword"> {
  return {
    target: "twin",
    kafkaClusterName: t.kafka.clusterName,
    kafkaAmbariUrl: t.endpoints.kafkaAmbariUrl,
    kafkaSshHost: t.endpoints.kafkaSshHost,
    kafkaSshPort: t.endpoints.kafkaSshPort,
    sshUser: t.endpoints.sshUser,
    clusterLoginUser: t.endpoints.clusterLoginUser,
    kafkaHeadContainer: t.kafka.head.container,
    containerNames: t.nodes.map((n) => n.container),
    networkName: t.network,
    imageTag: t.image,
  };
}
