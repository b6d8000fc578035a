/**
 * The node image's facts have one owner, stacks/local/topology.ts: the environment contract
 * (NODE_ENV) and the ports (CONTAINER_PORTS, PORTS_USED_INSIDE). Read as text here: the variables
 * the entrypoint refuses to start without, the ones the topology sets on each node, the image's own
 * defaults, and every port the image's scripts and configuration name.
 */
import { readdirSync, readFileSync, statSync } from "fs";
import { join } from "path";
import { CONTAINER_PORTS, describeTopology, NODE_ENV, PORTS_USED_INSIDE, type NodeRole } from "../stacks/local/topology";

const IMAGE = join(__dirname, "..", "stacks", "local", "image");
const entrypoint = readFileSync(join(IMAGE, "entrypoint.sh"), "utf8");
const topology = describeTopology({ project: "kafka-spark-lab", stack: "dev" });
const contract = Object.entries(NODE_ENV) as [string, (typeof NODE_ENV)[keyof typeof NODE_ENV]][];

/** The entrypoint's required lists: the names checked on every node, and its `role_required` per role. */
function requiredByEntrypoint(role: NodeRole): string[] {
  const every = /missing=\(\)\nfor n in ([\s\S]*?); do/.exec(entrypoint)?.[1].replace(/\\\n/g, " ").split(/\s+/).filter((w) => /^[A-Z_]+$/.test(w)) ?? [];
  const perRole = new RegExp(`${role}\\) role_required=\\(([^)]*)\\)`).exec(entrypoint)?.[1].split(/\s+/).filter(Boolean) ?? [];
  // Set but possibly empty: checked apart, with ${VAR+set}.
  const setOnly = [...entrypoint.matchAll(/\$\{([A-Z_]+)\+set\}/g)].map((m) => m[1]);
  return ["NODE_ROLE", ...every, ...perRole, ...setOnly].sort();
}

const requiredByContract = (role: NodeRole) =>
  contract.filter(([, v]) => (v.on === "every" || v.on === role) && !("optional" in v)).map(([k]) => k).sort();

test.each(["master", "worker"] as const)("a %s node: the entrypoint requires exactly what the contract calls required", (role) => {
  expect(requiredByEntrypoint(role).length).toBeGreaterThan(10);
  expect(requiredByEntrypoint(role)).toEqual(requiredByContract(role));
});

test.each(["master", "worker"] as const)("a %s node: the topology sets every variable the contract gives that node, and nothing else", (role) => {
  const node = topology.nodes.find((n) => n.role === role)!;
  const given = contract.filter(([, v]) => v.on === "every" || v.on === role).map(([k]) => k).sort();
  expect(Object.keys(node.env).sort()).toEqual(given);
});

test("the image's own settings: each read with the default the contract says, and never set by the topology", () => {
  const images = contract.filter(([, v]) => v.on === "image");
  expect(images.length).toBeGreaterThan(3);
  for (const [name, v] of images) {
    const read = new RegExp(`\\$\\{${name}:-([^}]*)\\}`).exec(entrypoint);
    expect({ name, read: read !== null }).toEqual({ name, read: true });
    const literal = read![1];
    const said = "default" in v ? v.default : undefined;
    // A literal default is the contract's; a computed one ($RF_DEFAULT) is named in words there.
    if (/^[0-9]*$/.test(literal)) expect({ name, default: literal === "" ? "none" : literal }).toEqual({ name, default: said });
  }
  for (const node of topology.nodes) expect(Object.keys(node.env).filter((k) => images.some(([n]) => n === k))).toEqual([]);
});

/**
 * The image's text files (scripts, configuration, the Dockerfile) as a node runs them: its Maven
 * project and the build-time class-data training (cds/, a Kafka and Hadoop of its own on ports of
 * its own, in the build container) aside.
 */
const imageFiles = (dir: string): string[] => readdirSync(dir).flatMap((e) => {
  const path = join(dir, e);
  if (statSync(path).isDirectory()) return e === "maven" || e === "cds" ? [] : imageFiles(path);
  return /\.(sh|conf|xml|properties|py)$|^Dockerfile$|^[a-z]+$/.test(e) ? [path] : [];
});

/** Every number that stands for a port: host:PORT, the healthcheck's probes, EXPOSE. */
function portsNamed(text: string): number[] {
  const found = [
    ...[...text.matchAll(/(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\$\w+|\$\{\w+\}|\$\(hostname\)|[a-z][\w-]*):(\d{2,5})\b/g)].map((m) => m[1]),
    ...[...text.matchAll(/^\s*(?:http|tcp|listening)\s+[\w-]+\s+(\d+)/gm)].map((m) => m[1]),
    ...[...text.matchAll(/^EXPOSE\s+([\d ]+)$/gm)].flatMap((m) => m[1].trim().split(/\s+/)),
  ];
  return found.map(Number);
}

test("every port the image names is one the topology owns; every port the topology gives the image is configured there", () => {
  const known = new Set<number>([...Object.values(CONTAINER_PORTS), ...PORTS_USED_INSIDE, ...topology.nodes.flatMap((n) => n.ports.map((p) => p.host))]);
  const named = imageFiles(IMAGE).flatMap((f) => portsNamed(readFileSync(f, "utf8")).map((port) => ({ file: f.slice(IMAGE.length + 1), port })));
  expect(named.length).toBeGreaterThan(30);
  expect(named.filter(({ port }) => !known.has(port))).toEqual([]);
  // The ports the image configures itself: the Kafka host listener and JupyterLab come from the
  // environment, and the Spark UI is Spark's own default (spark.ui.port).
  const configured = new Set(named.map(({ port }) => port));
  const own = Object.entries(CONTAINER_PORTS).filter(([k]) => !["kafkaExternal", "jupyter", "sparkUi"].includes(k));
  expect(own.filter(([, port]) => !configured.has(port))).toEqual([]);
});

test("the check reads ports where the image writes them", () => {
  expect(portsNamed("fs.defaultFS hdfs://$MASTER_HOST:9000/\n    http datanode 9864 '/jmx'\nEXPOSE 22 8042\nlisteners=INTERNAL://0.0.0.0:19092")).toEqual([9000, 19092, 9864, 22, 8042]);
});
