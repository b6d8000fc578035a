/**
 * The local stack's config keys and rules: worker count, the address and ports it publishes.
 * The port layout is the topology's; the checks derive it from there instead of restating it.
 */
import { ConfigIssue, count, field, FieldSpec, fullKey, Out, parseFields, PROJECT } from "../configSchema";
import { z } from "zod";
import { KAFKA_HOST_LISTENER, LOCAL_DEFAULTS, PORTS_USED_INSIDE, topologyFor } from "./topology";

const L = LOCAL_DEFAULTS;

export const LOCAL_FIELDS = {
  localWorkerCount: field(
    count(2, 4, "HDFS replication 2 and Kafka replication factor 3 need the master plus two workers; more than 4 does not fit a laptop").default(L.workerCount),
    "Worker containers (each runs a DataNode, a NodeManager and a Kafka broker).",
    "2",
  ),
  localBindAddress: field(
    z.ipv4({ error: "must be an IPv4 address such as 127.0.0.1" }).default(L.bindAddress),
    "Host address the ports are published on (0.0.0.0 exposes unauthenticated HDFS, YARN and Kafka to your network).",
    "127.0.0.1",
  ),
  localKafkaHostPort: field(count(1024, 65000, "an unprivileged TCP port").default(L.kafkaHostPort), "Host port of the first broker; broker i gets this port + i.", "9092"),
  localSshPort: field(count(1024, 65535, "an unprivileged TCP port").default(L.sshHostPort), "Host port of the master's sshd (the SSH gateway).", "2222"),
} satisfies Record<string, FieldSpec>;

type LocalValues = Out<typeof LOCAL_FIELDS>;

export interface LocalConfig extends LocalValues {
  target: "local";
}

export function validateLocal(raw: Record<string, string>, issues: ConfigIssue[], warnings: string[]): { config?: LocalConfig } {
  const v = parseFields(LOCAL_FIELDS, raw, issues);
  if (v.localKafkaHostPort !== undefined && v.localWorkerCount !== undefined && v.localSshPort !== undefined) {
    // The port layout is the topology's: derive it rather than restate it here.
    const ports = topologyFor(v as LocalValues, PROJECT, "validate").nodes.flatMap((n) => n.ports);
    const isKafka = (p: { purpose: string }) => p.purpose.startsWith(KAFKA_HOST_LISTENER);
    const kafkaPorts = ports.filter(isKafka).map((p) => p.host);
    const others = ports.filter((p) => !isKafka(p)).map((p) => p.host);
    const clash = kafkaPorts.filter((p) => others.includes(p));
    // The brokers' host listeners use the same ports inside the nodes, next to HDFS, YARN and Spark.
    const inside = kafkaPorts.filter((p) => PORTS_USED_INSIDE.includes(p));
    if (clash.length) {
      issues.push({
        key: fullKey("localKafkaHostPort"),
        message: `gives the brokers host ports ${kafkaPorts.join(", ")}, which collide with ${clash.join(", ")} (UI or SSH ports)`,
        fix: "pulumi config set localKafkaHostPort 9092",
      });
    } else if (inside.length) {
      issues.push({
        key: fullKey("localKafkaHostPort"),
        message: `gives the brokers ports ${kafkaPorts.join(", ")}, and ${inside.join(", ")} is used inside the nodes (HDFS, YARN, Spark or Kafka's internal listeners)`,
        fix: "pulumi config set localKafkaHostPort 9092",
      });
    }
  }
  if (v.localBindAddress === "0.0.0.0") {
    warnings.push("localBindAddress 0.0.0.0 publishes HDFS, YARN and Kafka, which have no authentication here, to every network this machine is on.");
  }
  if (issues.length) return {};
  return { config: { ...(v as LocalValues), target: "local" } };
}
