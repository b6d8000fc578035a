/**
 * docs/node-image.md's tables, from the one owner of the image's facts (stacks/local/topology.ts):
 * the environment contract with the values the default topology gives each node, and the ports.
 */
import { CONTAINER_PORTS, describeTopology, NODE_ENV, NODE_MEMORY } from "../../stacks/local/topology";
import { markdownTable } from "../util/table";

const topology = () => describeTopology({ project: "kafka-spark-lab", stack: "dev" });

/** Every variable: where it is set, its meaning, and its value on the default stack's master and first worker. */
export function nodeEnvTable(): string {
  const t = topology();
  const master = t.nodes.find((n) => n.role === "master")!;
  const worker = t.nodes.find((n) => n.role === "worker")!;
  const value = (env: Record<string, string>, k: string) => (k in env ? `\`${env[k] || "(empty)"}\`` : "-");
  const rows = Object.entries(NODE_ENV).map(([k, v]) => [
    `\`${k}\``,
    v.on === "image" ? `optional, default ${"default" in v ? v.default : "none"}` : `${"optional" in v ? "optional" : "required"}, ${v.on === "every" ? "every node" : v.on === "master" ? "the master" : "each worker"}`,
    v.means,
    value(master.env, k),
    value(worker.env, k),
  ]);
  return markdownTable(["variable", "set", "meaning", "hadoop-master", "hadoop-worker1"], rows, ["left", "left", "left", "left", "left"]);
}

/** What each node publishes on the host, and the ports used only inside the network. */
export function nodePortsTable(): string {
  const rows = topology().nodes.map((n) => [n.name, n.ports.map((p) => (p.host === p.container ? `${p.host}` : `${p.host}->${p.container}`) + ` (${p.purpose})`).join(", ")]);
  const inside = [`${CONTAINER_PORTS.nameNodeRpc} NameNode RPC`, `${CONTAINER_PORTS.dataNodeUi} DataNode UI`, `${CONTAINER_PORTS.kafkaInternal} Kafka INTERNAL`, `${CONTAINER_PORTS.kafkaController} Kafka CONTROLLER`];
  const memory = `Memory: the master ${NODE_MEMORY.master.limitMb} MB, each worker ${NODE_MEMORY.worker.limitMb} MB (limits; heaps in the table above).`;
  return `${markdownTable(["node", "published on the host (host->container)"], rows, ["left", "left"])}\n\nInside the network only: ${inside.join(", ")}. ${memory}`;
}
