/**
 * The Azure stack's config keys and rules: everything Azure would refuse is refused here first,
 * each with its key, the rule and the fix, before any resource is declared (a wrong name or size
 * costs a second instead of a twenty-minute failed deploy).
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ConfigIssue, count, field, FieldSpec, fullKey, nearest, Out, parseFields, PROJECT, required, setHint } from "../configSchema";
import ipaddr from "ipaddr.js";
import { AZURE_DEFAULTS, coresOf, ExtraVmSize, NodeRole, VM_SIZE_TABLE, VM_SIZES, retiredSeriesOf } from "./sizing";
import { HDINSIGHT_REGIONS, HDINSIGHT_REGIONS_AS_OF } from "./regions";
import { estimateCost } from "./cost";

/** The deadline's bounds: after the clusters exist (20 minutes to create), and within a week. */
export const AUTO_DELETE_MIN_MINUTES = 60;
export const AUTO_DELETE_MAX_MINUTES = 7 * 24 * 60;

/** "90m", "8h", "2d" -> minutes; undefined for anything else. */
export function durationMinutes(text: string): number | undefined {
  const m = /^(\d+)([mhd])$/.exec(text.trim());
  return m ? Number(m[1]) * { m: 1, h: 60, d: 1440 }[m[2] as "m" | "h" | "d"] : undefined;
}

// ---------------------------------------------------------------------------------------------
// Field rules
// ---------------------------------------------------------------------------------------------

const vmSize = z
  .string()
  .regex(/^Standard_[A-Za-z0-9_]+$/, "must be an Azure VM size such as Standard_E4_v3")
  .superRefine((size, ctx) => {
    const series = retiredSeriesOf(size);
    if (series) {
      ctx.addIssue({
        code: "custom",
        message: `${size} belongs to the retired ${series}; pick a current size such as ${AZURE_DEFAULTS.kafka.headNodeSize}`,
      });
    }
  });

const clusterNameOverride = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9]$/, "may contain only letters, digits and hyphens, and must start and end with a letter or digit")
  .min(3, "must be at least 3 characters")
  .max(59, "must be at most 59 characters (HDInsight limit)");

/** Characters HDInsight does not count as the required special character of a login password. */
const NOT_SPECIAL = `'"\\].`;

const loginPassword = required("the cluster login (Ambari/Livy) password")
  .min(10, "must be at least 10 characters")
  .regex(/\d/, "must contain a digit")
  .regex(/[A-Z]/, "must contain an upper-case letter")
  .regex(/[a-z]/, "must contain a lower-case letter")
  .refine(
    (p) => [...p].some((c) => !/[A-Za-z0-9]/.test(c) && !NOT_SPECIAL.includes(c)),
    `must contain a special character other than ' " \\ ] . (those do not count)`,
  );

const sshPassword = z
  .string()
  .min(6, "must be at least 6 characters")
  .max(72, "must be at most 72 characters")
  .regex(/\d/, "must contain a digit")
  .regex(/[A-Z]/, "must contain an upper-case letter")
  .regex(/[a-z]/, "must contain a lower-case letter");

/**
 * SSH user names HDInsight refuses. Microsoft's list ("Set up clusters in HDInsight", cluster
 * credentials: the SSH username's reserved names), plus the service accounts of the nodes
 * (livy, kafka, ambari, ...), which the stricter reading keeps out too. Compared case-insensitively.
 */
export const RESERVED_SSH_USERS = [
  // Microsoft's list
  "hadoop", "users", "oozie", "hive", "mapred", "ambari-qa", "zookeeper", "tez", "hdfs", "sqoop", "yarn", "hcat", "ams",
  "hbase", "administrator", "admin", "user", "user1", "test", "test1", "user2", "test2", "user3", "admin1", "1", "123",
  "a", "actuser", "adm", "admin2", "aspnet", "backup", "console", "david", "guest", "john", "owner", "root", "server",
  "sql", "support", "support_388945a0", "sys", "test3", "user4", "user5", "spark",
  // the nodes' other service and system accounts
  "livy", "kafka", "ambari", "storm", "zeppelin", "jupyter", "sshd", "daemon", "bin", "nobody",
];

/** "a.b.c.d/n" parsed strictly (four decimal octets, a prefix length), or why not. */
export function parseCidr(text: string): { address: string; bits: number; network: string } | string {
  const m = /^([^/]+)\/(\d{1,2})$/.exec(text.trim());
  if (!m) return "must be an IPv4 range in CIDR form, such as 10.0.0.0/16";
  if (!ipaddr.IPv4.isValidFourPartDecimal(m[1])) return `${m[1]} is not an IPv4 address (four numbers from 0 to 255)`;
  const bits = Number(m[2]);
  if (bits > 32) return `/${bits} is not a prefix length (0 to 32)`;
  const network = ipaddr.IPv4.networkAddressFromCIDR(`${m[1]}/${bits}`).toString();
  return { address: m[1], bits, network };
}

/** A CIDR field whose prefix length lies within bounds and whose host bits are zero. */
function cidrField(minBits: number, maxBits: number, what: string) {
  return z.string().superRefine((text, ctx) => {
    const parsed = parseCidr(text);
    const fail = (message: string) => ctx.addIssue({ code: "custom", message });
    if (typeof parsed === "string") return fail(parsed);
    if (parsed.network !== parsed.address) return fail(`${text} has host bits set: the range it means is ${parsed.network}/${parsed.bits}, and Azure refuses the other form`);
    if (parsed.bits < minBits || parsed.bits > maxBits) fail(`/${parsed.bits} is outside what Azure accepts for ${what} (/${minBits} to /${maxBits})`);
  });
}

/** "Standard_X:cores[:maxDataDisks],..." for sizes HDInsight offers that the table does not list yet. */
const extraVmSizes = z.string().transform((text, ctx) => {
  const sizes: Record<string, ExtraVmSize> = {};
  for (const item of text.split(",").map((i) => i.trim()).filter(Boolean)) {
    const m = /^(Standard_[A-Za-z0-9_]+):(\d{1,3})(?::(\d{1,2}))?$/.exec(item);
    if (!m || Number(m[2]) < 1) {
      ctx.addIssue({ code: "custom", message: `"${item}" is not Standard_<size>:<cores>[:<max data disks>], e.g. Standard_E64_v3:64:32` });
      continue;
    }
    if (VM_SIZES[m[1]]) ctx.addIssue({ code: "custom", message: `${m[1]} is in the table already (${VM_SIZE_TABLE.asOf}); remove it from extraVmSizes` });
    sizes[m[1]] = { cores: Number(m[2]), maxDataDisks: m[3] === undefined ? undefined : Number(m[3]) };
  }
  return sizes;
});

// ---------------------------------------------------------------------------------------------
// The keys: rules, defaults, and how to set them.
// ---------------------------------------------------------------------------------------------

const k = AZURE_DEFAULTS.kafka;
const s = AZURE_DEFAULTS.spark;

export const AZURE_FIELDS = {
  location: field(
    required("the Azure region, e.g. eastus").regex(/^[a-z0-9]+$/, "must be an Azure region name such as eastus or westeurope (lower case, no spaces)"),
    "Azure region for every resource.",
    "eastus",
  ),
  baseName: field(
    required("it names the clusters kafka-<baseName> and spark-<baseName>"),
    "Base of the cluster names `kafka-<baseName>` and `spark-<baseName>` (globally unique DNS names).",
    "mylab42",
  ),
  kafkaClusterName: field(clusterNameOverride.optional(), "Override the Kafka cluster name.", "kafka-mylab42"),
  sparkClusterName: field(clusterNameOverride.optional(), "Override the Spark cluster name.", "spark-mylab42"),
  resourceGroupName: field(
    z.string().regex(/^[-\w.()]{1,89}[-\w()]$/, "may contain letters, digits, - _ . ( ), at most 90 characters, not ending in a dot").optional(),
    "Resource group name (default `rg-<baseName>`).",
    "rg-mylab42",
  ),
  clusterLoginUser: field(
    // Microsoft allows the special characters _ and @ only; "-" is in its list of characters not
    // allowed (written ambiguously as "&--="): the stricter reading refuses it.
    z.string().max(20, "must be at most 20 characters (HDInsight limit)")
      .regex(/^[A-Za-z][A-Za-z0-9_@]*$/, "must start with a letter and contain only letters, digits, _ and @ (HDInsight's allowed special characters)")
      .default("admin"),
    "Cluster login (Ambari, Livy, Jupyter) user name.",
    "admin",
  ),
  clusterLoginPassword: field(loginPassword, "Cluster login password (secret).", "<password>", true),
  sshUser: field(
    // The Linux account on every node: lower case (stricter than Microsoft's text, which does not say), _ and @ allowed.
    z.string().max(64, "must be at most 64 characters (HDInsight limit)")
      .regex(/^[a-z][a-z0-9_@]*$/, "must start with a lower-case letter and contain only a-z, 0-9, _ and @ (HDInsight's allowed special characters)")
      .refine((u) => !RESERVED_SSH_USERS.includes(u.toLowerCase()), "is a reserved name on HDInsight nodes; pick another such as sshuser")
      .default("sshuser"),
    "SSH user on every node.",
    "sshuser",
  ),
  sshPassword: field(sshPassword.optional(), "SSH password (secret); set this or `sshPublicKey`.", "<password>", true),
  sshPublicKey: field(
    z.string().trim()
      .regex(/^(ssh-rsa|ssh-ed25519|ecdsa-sha2-nistp(256|384|521)) [A-Za-z0-9+/]+={0,3}( .*)?$/, "must be one OpenSSH public key line (ssh-rsa AAAA... or ssh-ed25519 AAAA...)")
      .optional(),
    "SSH public key (preferred over a password).",
    "\"$(cat ~/.ssh/id_rsa.pub)\"",
  ),
  hdinsightVersion: field(
    z.literal("5.1", { error: "must be 5.1: the only HDInsight version that can be created (5.0 retired 2025-03-31, 4.0 and 3.6 earlier)" }).default("5.1"),
    "HDInsight version.",
    "5.1",
  ),
  sparkVersion: field(
    z.literal("3.3", { error: "must be 3.3: the Spark component of HDInsight 5.1" }).default("3.3"),
    "Spark component version.",
    "3.3",
  ),
  kafkaVersion: field(
    z.literal("3.2", { error: "must be 3.2: the Kafka component of HDInsight 5.1" }).default("3.2"),
    "Kafka component version.",
    "3.2",
  ),
  vnetAddressSpace: field(cidrField(8, 29, "a VNet").default("10.0.0.0/16"), "VNet address space.", "10.0.0.0/16"),
  subnetAddressPrefix: field(cidrField(8, 29, "a subnet").default("10.0.0.0/24"), "Subnet for both clusters: it must hold every node of both clusters, their gateways, and the 5 addresses Azure keeps.", "10.0.0.0/24"),
  clientAddressPrefix: field(
    z.string().superRefine((text, ctx) => {
      if (text === "Internet") return;
      const parsed = parseCidr(text.includes("/") ? text : `${text}/32`);
      if (typeof parsed === "string") ctx.addIssue({ code: "custom", message: `must be Internet or an IPv4 address or range such as 203.0.113.7/32: ${parsed}` });
      else if (parsed.network !== parsed.address) ctx.addIssue({ code: "custom", message: `${text} has host bits set: the range it means is ${parsed.network}/${parsed.bits}` });
    }).default("Internet"),
    "Who may reach the clusters' HTTPS (443) and SSH (22) gateways; set your own IP/32.",
    "203.0.113.7/32",
  ),
  kafkaHeadNodeCount: field(count(2, 2, "HDInsight Kafka has two head nodes").default(k.headNodeCount), "Kafka head nodes.", "2"),
  kafkaWorkerNodeCount: field(count(3, 100, "Kafka needs 3 brokers for replication factor 3 and availability").default(k.workerNodeCount), "Kafka brokers (worker nodes).", "3"),
  kafkaZookeeperNodeCount: field(count(3, 3, "HDInsight runs a 3-node ZooKeeper quorum").default(k.zookeeperNodeCount), "Kafka ZooKeeper nodes.", "3"),
  kafkaDisksPerNode: field(count(1, 16, "Azure allows 1 to 16 managed data disks per Kafka broker, within the broker size's own limit").default(k.disksPerNode), "Managed data disks per Kafka broker (at most the broker VM size's limit).", "2"),
  kafkaHeadNodeSize: field(vmSize.default(k.headNodeSize), "VM size of Kafka head nodes.", k.headNodeSize),
  kafkaWorkerNodeSize: field(vmSize.default(k.workerNodeSize), "VM size of Kafka brokers.", k.workerNodeSize),
  kafkaZookeeperNodeSize: field(vmSize.default(k.zookeeperNodeSize), "VM size of Kafka ZooKeeper nodes.", k.zookeeperNodeSize),
  sparkHeadNodeCount: field(count(2, 2, "HDInsight Spark has two head nodes").default(s.headNodeCount), "Spark head nodes.", "2"),
  sparkWorkerNodeCount: field(count(1, 100, "Spark needs at least one worker").default(s.workerNodeCount), "Spark worker nodes.", "4"),
  sparkHeadNodeSize: field(vmSize.default(s.headNodeSize), "VM size of Spark head nodes.", s.headNodeSize),
  sparkWorkerNodeSize: field(vmSize.default(s.workerNodeSize), "VM size of Spark workers.", s.workerNodeSize),
  extraVmSizes: field(
    extraVmSizes.optional(),
    `For experts: VM sizes HDInsight offers that the table (stacks/azure/sizing.ts, ${VM_SIZE_TABLE.asOf}) does not list yet, with their cores (for the quota check) and max data disks; any role may use them.`,
    "Standard_E64_v3:64:32",
  ),
  extraLocations: field(
    z.string().regex(/^[a-z0-9]+(,[a-z0-9]+)*$/, "must be region names separated by commas, such as newregion1,newregion2").transform((t) => t.split(",")).optional(),
    `For experts: regions where HDInsight is offered that the list (stacks/azure/regions.ts, ${HDINSIGHT_REGIONS_AS_OF}) does not have yet.`,
    "newregion1",
  ),
  coreQuota: field(
    count(1, 100000, "a subscription's regional vCPU quota").optional(),
    "Your HDInsight cores quota in the region (`az hdinsight list-usage -l <region>`): deployment is refused if the clusters need more (without it: a warning).",
    "100",
  ),
  owner: field(z.string().min(1).max(256, "must be at most 256 characters (Azure tag limit)").optional(), "Owner tag on every resource.", "alice@example.com"),
  sparkJobJar: field(
    z.string().trim().regex(/\.jar$/i, "must be the path of a .jar file").optional(),
    "The Spark job the Spark cluster runs, uploaded to its storage (default: the word-count job, built for Spark 3.3 from jobs/wordcount).",
    "./my-job.jar",
  ),
  autoDeleteAfter: field(
    z.string().trim().default("8h").pipe(z.string()
      .regex(/^(off|\d+[mhd])$/, 'must be a duration such as 8h, 90m or 2d, or "off"')
      .refine((v) => v === "off" || ((m) => m >= AUTO_DELETE_MIN_MINUTES && m <= AUTO_DELETE_MAX_MINUTES)(durationMinutes(v) ?? 0), "must be from 1h (the clusters take 20 minutes to create) to 7d, or off")),
    "Deadline: a Logic App in the resource group deletes the group this long after the first deployment (see Costs and teardown). \"off\" turns it off.",
    "8h",
  ),
  expiresAt: field(
    z.union([z.iso.date(), z.iso.datetime()], { error: "must be a UTC time such as 2026-12-03T18:00:00Z (or a date, meaning 00:00 UTC)" }).optional(),
    "An explicit deadline instead of autoDeleteAfter (what `npm run extend` sets); also the group's `expires-at` tag.",
    "2026-12-03T18:00:00Z",
  ),
} satisfies Record<string, FieldSpec>;

type AzureValues = Out<typeof AZURE_FIELDS>;

export interface ClusterNodes {
  role: "headnode" | "workernode" | "zookeepernode";
  count: number;
  vmSize: string;
}

/** The per-role count and size keys: in the typed config they exist once, as `kafkaNodes` and `sparkNodes`. */
type NodeKeys = `${"kafka" | "spark"}${"Head" | "Worker" | "Zookeeper"}Node${"Count" | "Size"}`;
const NODE_KEY = /^(kafka|spark)(Head|Worker|Zookeeper)Node(Count|Size)$/;

export interface AzureConfig extends Omit<AzureValues, "clusterLoginPassword" | "sshPassword" | "kafkaClusterName" | "sparkClusterName" | "resourceGroupName" | NodeKeys> {
  target: "azure";
  kafkaClusterName: string;
  sparkClusterName: string;
  resourceGroupName: string;
  /** Secrets stay Outputs so that nothing downstream can print them by accident. */
  clusterLoginPassword: pulumi.Output<string>;
  sshPassword?: pulumi.Output<string>;
  kafkaNodes: ClusterNodes[];
  sparkNodes: ClusterNodes[];
  /** When a Logic App deletes the resource group; undefined when autoDeleteAfter is off. */
  autoDelete?: { at: string; explicit: boolean };
}

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

/** True when any 3 consecutive characters of `name` appear in `password` (case-insensitive). */
export function sharesThreeChars(password: string, name: string): boolean {
  const p = password.toLowerCase();
  const n = name.toLowerCase();
  for (let i = 0; i + 3 <= n.length; i++) if (p.includes(n.slice(i, i + 3))) return true;
  return false;
}

function ipv4ToInt(ip: string): number {
  return ip.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

/** Whether CIDR `inner` lies entirely inside CIDR `outer`. */
export function cidrContains(outer: string, inner: string): boolean {
  const [oIp, oBits] = outer.split("/");
  const [iIp, iBits] = inner.split("/");
  const ob = Number(oBits);
  const ib = Number(iBits);
  if (ib < ob) return false;
  const block = 2 ** (32 - ob);
  return Math.floor(ipv4ToInt(iIp) / block) === Math.floor(ipv4ToInt(oIp) / block);
}

/** Addresses Azure keeps in every subnet (network, broadcast, gateway and two for DNS). */
export const AZURE_RESERVED_ADDRESSES = 5;

/** Spark's implicit ZooKeeper nodes and each cluster's two gateway nodes take subnet addresses too. */
export function addressesNeeded(kafkaNodes: ClusterNodes[], sparkNodes: ClusterNodes[]): number {
  const nodes = [...kafkaNodes, ...sparkNodes].reduce((sum, n) => sum + n.count, 0);
  const sparkZookeepers = sparkNodes.some((n) => n.role === "zookeepernode") ? 0 : 3;
  return nodes + sparkZookeepers + 2 * 2;
}

const ROLE_NAMES: Record<NodeRole, string> = { headnode: "head nodes", workernode: "worker nodes", zookeepernode: "ZooKeeper nodes" };

/** The blob container of a cluster's file system (storage.ts names it so). */
export const containerName = (clusterName: string) => clusterName.toLowerCase();

/** Validates an Azure stack's raw config; every problem goes to `issues`, advice to `warnings`. */
export function validateAzure(raw: Record<string, string>, secretKeys: ReadonlySet<string>, now: Date, issues: ConfigIssue[], warnings: string[]): { config?: AzureConfig } {
  const v = parseFields(AZURE_FIELDS, raw, issues);
  const issue = (key: string, message: string, fix: string) => issues.push({ key: fullKey(key), message, fix });

  for (const key of Object.keys(AZURE_FIELDS) as (keyof typeof AZURE_FIELDS)[]) {
    if (AZURE_FIELDS[key].secret && raw[key] !== undefined && !secretKeys.has(key)) {
      issue(key, "is stored in plain text in the stack file; passwords must be Pulumi secrets", `pulumi config set --secret ${key} (you will be prompted; this replaces the plain value)`);
    }
  }

  // Cluster names: derived from baseName unless overridden.
  const names: Partial<Record<"kafka" | "spark", { name: string; key: string }>> = {};
  for (const kind of ["kafka", "spark"] as const) {
    const overrideKey = `${kind}ClusterName` as const;
    const override = v[overrideKey];
    if (override) {
      names[kind] = { name: override, key: overrideKey };
    } else if (raw[overrideKey] === undefined && v.baseName !== undefined) {
      const name = `${kind}-${v.baseName}`;
      names[kind] = { name, key: "baseName" };
      const problems = clusterNameOverride.safeParse(name);
      if (!problems.success) {
        const maxBase = 59 - kind.length - 1;
        for (const p of problems.error.issues) {
          issue("baseName", `makes the cluster name "${name}", which ${p.message}`, `pulumi config set baseName <letters, digits and hyphens, at most ${maxBase} characters>`);
        }
      }
    }
  }
  if (names.kafka && names.spark && names.kafka.name.slice(0, 6).toLowerCase() === names.spark.name.slice(0, 6).toLowerCase()) {
    const key = names.spark.key === "baseName" ? names.kafka.key : names.spark.key;
    issue(key, `the Kafka and Spark cluster names "${names.kafka.name}" and "${names.spark.name}" start with the same six characters; HDInsight clusters in one VNet need distinct first six characters`, `give one cluster a name that differs in its first six characters (pulumi config set ${key} <name>)`);
  }
  for (const kind of ["kafka", "spark"] as const) {
    if (names[kind]?.name.toLowerCase() === "apps") issue(names[kind]!.key, `"apps" is a reserved cluster name`, `pulumi config set ${names[kind]!.key} <another name>`);
  }

  // Names derived from the cluster names and baseName, each against its resource's own rules.
  const doubleHyphen = new Map<string, string[]>();
  for (const kind of ["kafka", "spark"] as const) {
    const n = names[kind];
    if (n && /--/.test(containerName(n.name))) doubleHyphen.set(n.key, [...(doubleHyphen.get(n.key) ?? []), `"${containerName(n.name)}"`]);
  }
  for (const [key, containers] of doubleHyphen) {
    issue(key, `makes the storage container name${containers.length > 1 ? "s" : ""} ${containers.join(" and ")} (the clusters' file systems), and a blob container name cannot contain two hyphens in a row`, `pulumi config set ${key} <a name without "--">`);
  }
  if (v.baseName !== undefined) {
    if (!/[a-z0-9]/i.test(v.baseName)) {
      issue("baseName", "has no letter or digit, and the storage account name is made of those (st<baseName letters and digits><hash>)", "pulumi config set baseName <letters and digits, e.g. mylab42>");
    }
    if (raw.resourceGroupName === undefined) {
      const group = `rg-${v.baseName}`;
      const problem = AZURE_FIELDS.resourceGroupName.schema.safeParse(group);
      if (!problem.success) issue("baseName", `makes the resource group name "${group}", which ${problem.error.issues[0].message}`, "pulumi config set baseName <letters, digits and hyphens>, or set resourceGroupName");
    }
    if (v.autoDeleteAfter !== "off") {
      const workflow = `${v.baseName}-auto-delete`;
      if (!/^[A-Za-z0-9_.()-]{1,80}$/.test(workflow)) issue("baseName", `makes the deadline's Logic App name "${workflow}", which may have only letters, digits, - _ . ( ) and at most 80 characters`, "pulumi config set baseName <letters, digits and hyphens>");
    }
  }

  // Location: a region where HDInsight can be created.
  if (v.location !== undefined) {
    const regions = [...HDINSIGHT_REGIONS, ...(v.extraLocations ?? [])];
    if (!regions.includes(v.location)) {
      issue("location", `"${v.location}" is not a region where HDInsight can be created (list of ${HDINSIGHT_REGIONS_AS_OF}); nearest: ${nearest(v.location, HDINSIGHT_REGIONS).join(", ")}`,
        `pulumi config set location ${nearest(v.location, HDINSIGHT_REGIONS, 1)[0]}  (if HDInsight has reached "${v.location}" since: pulumi config set extraLocations ${v.location})`);
    }
  }

  // Passwords and users.
  const loginPw = raw.clusterLoginPassword;
  const sshPw = raw.sshPassword;
  const users = [v.clusterLoginUser, v.sshUser].filter((u): u is string => typeof u === "string");
  if (v.clusterLoginPassword !== undefined && users.some((u) => sharesThreeChars(loginPw, u))) {
    issue("clusterLoginPassword", "must not contain 3 consecutive characters of the login or SSH user name", setHint("clusterLoginPassword", AZURE_FIELDS.clusterLoginPassword));
  }
  if (v.sshPassword !== undefined && users.some((u) => sharesThreeChars(sshPw, u))) {
    issue("sshPassword", "must not contain 3 consecutive characters of the login or SSH user name", setHint("sshPassword", AZURE_FIELDS.sshPassword));
  }
  if (loginPw !== undefined && sshPw !== undefined && loginPw === sshPw) {
    issue("sshPassword", "must differ from clusterLoginPassword (HDInsight refuses the same password for the gateway and SSH)", setHint("sshPassword", AZURE_FIELDS.sshPassword) + ", or use sshPublicKey instead");
  }
  if (v.clusterLoginUser !== undefined && v.sshUser !== undefined && v.clusterLoginUser.toLowerCase() === v.sshUser.toLowerCase()) {
    issue("sshUser", `must differ from clusterLoginUser ("${v.clusterLoginUser}"): HDInsight refuses the same name for the gateway login and SSH`, "pulumi config set sshUser sshuser");
  }
  if (raw.sshPassword === undefined && raw.sshPublicKey === undefined) {
    issue("sshPublicKey", "is required: set an SSH public key (preferred) or sshPassword", `pulumi config set sshPublicKey "$(cat ~/.ssh/id_rsa.pub)"  or  pulumi config set --secret sshPassword`);
  } else if (raw.sshPassword !== undefined && raw.sshPublicKey !== undefined) {
    issue("sshPassword", "and sshPublicKey are both set; HDInsight takes one SSH credential", "pulumi config rm sshPassword (keys are the better choice)");
  }

  // Network.
  const { kafkaNodes, sparkNodes } = nodesOf(v);
  if (v.vnetAddressSpace && v.subnetAddressPrefix && !cidrContains(v.vnetAddressSpace, v.subnetAddressPrefix)) {
    issue("subnetAddressPrefix", `${v.subnetAddressPrefix} is not inside the VNet range ${v.vnetAddressSpace}`, `pulumi config set subnetAddressPrefix <a range inside ${v.vnetAddressSpace}, e.g. the default 10.0.0.0/24>`);
  } else if (v.subnetAddressPrefix) {
    const needed = addressesNeeded(kafkaNodes, sparkNodes);
    const bits = Number(v.subnetAddressPrefix.split("/")[1]);
    const usable = 2 ** (32 - bits) - AZURE_RESERVED_ADDRESSES;
    if (needed > usable) {
      const fits = 32 - Math.ceil(Math.log2(needed + AZURE_RESERVED_ADDRESSES));
      issue("subnetAddressPrefix", `${v.subnetAddressPrefix} has ${usable} usable addresses (Azure keeps ${AZURE_RESERVED_ADDRESSES}), but the two clusters need ${needed}: every head, worker and ZooKeeper node (the Spark cluster's 3 too) and 2 gateway nodes per cluster`,
        `pulumi config set subnetAddressPrefix <a /${fits} or larger inside ${v.vnetAddressSpace ?? "the VNet"}>`);
    }
  }

  // VM sizes: one HDInsight offers for the role, the head nodes big enough, the disks within the size's limit.
  const extra = v.extraVmSizes ?? {};
  const sizeKeys: [string, NodeRole, string | undefined][] = [
    ["kafkaHeadNodeSize", "headnode", v.kafkaHeadNodeSize], ["kafkaWorkerNodeSize", "workernode", v.kafkaWorkerNodeSize],
    ["kafkaZookeeperNodeSize", "zookeepernode", v.kafkaZookeeperNodeSize], ["sparkHeadNodeSize", "headnode", v.sparkHeadNodeSize],
    ["sparkWorkerNodeSize", "workernode", v.sparkWorkerNodeSize],
  ];
  for (const [key, role, size] of sizeKeys) {
    if (size === undefined || extra[size]) continue;
    const listed = VM_SIZES[size];
    const forRole = Object.keys(VM_SIZES).filter((s) => VM_SIZES[s].roles.includes(role));
    if (listed && listed.roles.includes(role)) continue;
    const suggest = nearest(size, forRole).join(", ");
    if (listed) {
      issue(key, `${size} is offered for ${listed.roles.map((r) => ROLE_NAMES[r]).join(" and ")} only, not for ${ROLE_NAMES[role]} (HDInsight's sizes per role, ${VM_SIZE_TABLE.asOf}); near it for ${ROLE_NAMES[role]}: ${suggest}`, `pulumi config set ${key} ${nearest(size, forRole, 1)[0]}`);
    } else {
      issue(key, `${size} is not a size HDInsight offers for ${ROLE_NAMES[role]} (table of ${VM_SIZE_TABLE.asOf} in stacks/azure/sizing.ts); the nearest listed: ${suggest}`,
        `pulumi config set ${key} ${nearest(size, forRole, 1)[0]}  (if HDInsight offers ${size} now: pulumi config set extraVmSizes ${size}:<cores>)`);
    }
  }
  for (const kind of ["kafka", "spark"] as const) {
    const workers = v[`${kind}WorkerNodeCount`];
    const head = v[`${kind}HeadNodeSize`];
    const headCores = head === undefined ? undefined : coresOf(head, extra);
    if (workers !== undefined && workers > 32 && headCores !== undefined && headCores < 8) {
      issue(`${kind}HeadNodeSize`, `${head} has ${headCores} cores; with more than 32 workers (${workers}) HDInsight needs head nodes of at least 8 cores`, `pulumi config set ${kind}HeadNodeSize Standard_E8_v3`);
    }
  }
  const brokerSize = v.kafkaWorkerNodeSize;
  const maxDisks = brokerSize === undefined ? undefined : VM_SIZES[brokerSize]?.maxDataDisks ?? extra[brokerSize]?.maxDataDisks;
  if (v.kafkaDisksPerNode !== undefined && maxDisks !== undefined && v.kafkaDisksPerNode > maxDisks) {
    issue("kafkaDisksPerNode", `${v.kafkaDisksPerNode} data disks per broker, but ${brokerSize} can attach at most ${maxDisks}`, `pulumi config set kafkaDisksPerNode ${maxDisks}  (or a larger kafkaWorkerNodeSize)`);
  }

  // Cores against quota: every size's cores are known (unlisted sizes are refused or declared with their cores).
  const { totalCores } = estimateCost({ kafkaNodes, sparkNodes, location: v.location ?? "", extraVmSizes: extra });
  const region = v.location ?? "<region>";
  if (v.coreQuota !== undefined) {
    if (totalCores > v.coreQuota) {
      issue("coreQuota", `the clusters need ${totalCores} cores but the quota is ${v.coreQuota}. HDInsight checks its own cores quota per subscription and region (not the VMs' quota): az hdinsight list-usage -l ${region}`,
        "lower kafkaWorkerNodeCount/sparkWorkerNodeCount or pick smaller VM sizes, or request more quota (Azure portal > Help + support > Service and subscription limits (quotas), quota type HDInsight) and raise coreQuota");
    }
  } else {
    warnings.push(`This environment needs ${totalCores} cores of HDInsight quota in ${region}; new subscriptions often have less. Check it (az hdinsight list-usage -l ${region}) and set coreQuota to have it enforced before deploying.`);
  }

  // The deadline: an explicit expiresAt, or the first deployment + autoDeleteAfter.
  let autoDelete: AzureConfig["autoDelete"];
  const explicit = v.expiresAt === undefined ? undefined : new Date(v.expiresAt.length === 10 ? `${v.expiresAt}T00:00:00Z` : v.expiresAt);
  if (explicit) {
    const minutesAhead = (explicit.getTime() - now.getTime()) / 60_000;
    const extend = "npm run extend -- --stack <stack> --by 8h (or pulumi config rm expiresAt)";
    if (minutesAhead < AUTO_DELETE_MIN_MINUTES) {
      issue("expiresAt", `${v.expiresAt} is ${minutesAhead < 0 ? "in the past" : "less than an hour away"}: the deadline would delete the group while or right after it is created`, extend);
    } else if (minutesAhead > AUTO_DELETE_MAX_MINUTES) {
      issue("expiresAt", `${v.expiresAt} is more than 7 days away; a forgotten environment would bill for a week (about 24 x 7 times its hourly cost)`, "pulumi config set expiresAt <a UTC time within 7 days>, and extend it later if you still need it");
    }
  }
  const minutes = v.autoDeleteAfter === undefined || v.autoDeleteAfter === "off" ? undefined : durationMinutes(v.autoDeleteAfter);
  if (minutes !== undefined) {
    autoDelete = explicit
      ? { at: explicit.toISOString(), explicit: true }
      : { at: new Date(Math.ceil((now.getTime() + minutes * 60_000) / 60_000) * 60_000).toISOString(), explicit: false };
  }

  if (issues.length) return {};
  const a = v as AzureValues;
  // Counts and sizes live on in kafkaNodes/sparkNodes only.
  const rest = Object.fromEntries(Object.entries(a).filter(([key]) => !NODE_KEY.test(key))) as Omit<AzureValues, NodeKeys>;
  const config: AzureConfig = {
    ...rest,
    target: "azure",
    kafkaClusterName: names.kafka!.name,
    sparkClusterName: names.spark!.name,
    resourceGroupName: a.resourceGroupName ?? `rg-${a.baseName}`,
    clusterLoginPassword: pulumi.secret(a.clusterLoginPassword),
    sshPassword: a.sshPassword === undefined ? undefined : pulumi.secret(a.sshPassword),
    kafkaNodes,
    sparkNodes,
    autoDelete,
  };
  return { config };
}

type AzureFieldValues = Partial<Out<typeof AZURE_FIELDS>>;

/** Node counts and sizes by cluster and role: the one place they are assembled from the fields. */
function nodesOf(v: AzureFieldValues): { kafkaNodes: ClusterNodes[]; sparkNodes: ClusterNodes[] } {
  return {
    kafkaNodes: [
      { role: "headnode", count: v.kafkaHeadNodeCount ?? 0, vmSize: v.kafkaHeadNodeSize ?? "" },
      { role: "workernode", count: v.kafkaWorkerNodeCount ?? 0, vmSize: v.kafkaWorkerNodeSize ?? "" },
      { role: "zookeepernode", count: v.kafkaZookeeperNodeCount ?? 0, vmSize: v.kafkaZookeeperNodeSize ?? "" },
    ],
    sparkNodes: [
      { role: "headnode", count: v.sparkHeadNodeCount ?? 0, vmSize: v.sparkHeadNodeSize ?? "" },
      { role: "workernode", count: v.sparkWorkerNodeCount ?? 0, vmSize: v.sparkWorkerNodeSize ?? "" },
    ],
  };
}

/** What an Azure environment is made of, for its cost: no credentials needed. */
export interface AzureSizing {
  location: string;
  kafkaNodes: ClusterNodes[];
  sparkNodes: ClusterNodes[];
  extraVmSizes?: Record<string, ExtraVmSize>;
}

/**
 * The sizing of an Azure config with the same rules and defaults as `validateConfig`, checking
 * only the keys that decide the size (location, node counts and VM sizes): a stack whose
 * passwords are not set yet can already be priced.
 */
export function azureSizing(raw: Record<string, string>): { sizing?: AzureSizing; issues: ConfigIssue[] } {
  const all: ConfigIssue[] = [];
  const v = parseFields(AZURE_FIELDS, raw, all);
  const sizingKey = (key: string) => { const k = key.replace(`${PROJECT}:`, ""); return k === "location" || k === "extraVmSizes" || NODE_KEY.test(k); };
  const issues = all.filter((i) => sizingKey(i.key));
  if (issues.length) return { issues };
  return { sizing: { location: v.location as string, extraVmSizes: v.extraVmSizes, ...nodesOf(v) }, issues };
}
