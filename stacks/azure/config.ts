/**
 * The Azure stack's config keys and rules: everything Azure would refuse is refused here first,
 * each with its key, the rule and the fix, before any resource is declared (a wrong name or size
 * costs a second instead of a twenty-minute failed deploy).
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ConfigIssue, count, field, FieldSpec, fullKey, Out, parseFields, PROJECT, required, setHint } from "../configSchema";
import { AZURE_DEFAULTS, VM_SIZES, retiredSeriesOf } from "./sizing";

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

/** SSH user names HDInsight refuses: system and service accounts of the cluster nodes. */
export const RESERVED_SSH_USERS = [
  "admin", "administrator", "root", "user", "test", "guest", "hadoop", "hdfs", "yarn", "mapred",
  "hive", "hcat", "spark", "livy", "zookeeper", "kafka", "ambari", "ams", "oozie", "hbase",
  "storm", "tez", "sqoop", "zeppelin", "jupyter", "sshd", "daemon", "bin", "sys", "nobody",
];

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
    z.string().max(20, "must be at most 20 characters (HDInsight limit)")
      .regex(/^[A-Za-z][A-Za-z0-9_-]*$/, "must start with a letter and contain only letters, digits, _ and -")
      .default("admin"),
    "Cluster login (Ambari, Livy, Jupyter) user name.",
    "admin",
  ),
  clusterLoginPassword: field(loginPassword, "Cluster login password (secret).", "<password>", true),
  sshUser: field(
    z.string().max(64, "must be at most 64 characters")
      .regex(/^[a-z_][a-z0-9_-]*$/, "must start with a lower-case letter or _ and contain only a-z, 0-9, _ and -")
      .refine((u) => !RESERVED_SSH_USERS.includes(u), "is a reserved name on HDInsight nodes; pick another such as sshuser")
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
  vnetAddressSpace: field(z.cidrv4({ error: "must be an IPv4 CIDR such as 10.0.0.0/16" }).default("10.0.0.0/16"), "VNet address space.", "10.0.0.0/16"),
  subnetAddressPrefix: field(z.cidrv4({ error: "must be an IPv4 CIDR such as 10.0.0.0/24" }).default("10.0.0.0/24"), "Subnet for both clusters.", "10.0.0.0/24"),
  clientAddressPrefix: field(
    z.string().regex(/^(Internet|\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?)$/, "must be Internet or an IPv4 address/CIDR such as 203.0.113.7/32").default("Internet"),
    "Who may reach the clusters' HTTPS (443) and SSH (22) gateways; set your own IP/32.",
    "203.0.113.7/32",
  ),
  kafkaHeadNodeCount: field(count(2, 2, "HDInsight Kafka has two head nodes").default(k.headNodeCount), "Kafka head nodes.", "2"),
  kafkaWorkerNodeCount: field(count(3, 100, "Kafka needs 3 brokers for replication factor 3 and availability").default(k.workerNodeCount), "Kafka brokers (worker nodes).", "3"),
  kafkaZookeeperNodeCount: field(count(3, 3, "HDInsight runs a 3-node ZooKeeper quorum").default(k.zookeeperNodeCount), "Kafka ZooKeeper nodes.", "3"),
  kafkaDisksPerNode: field(count(1, 8, "HDInsight Kafka allows 1 to 8 managed data disks per broker").default(k.disksPerNode), "Managed data disks per Kafka broker.", "2"),
  kafkaHeadNodeSize: field(vmSize.default(k.headNodeSize), "VM size of Kafka head nodes.", k.headNodeSize),
  kafkaWorkerNodeSize: field(vmSize.default(k.workerNodeSize), "VM size of Kafka brokers.", k.workerNodeSize),
  kafkaZookeeperNodeSize: field(vmSize.default(k.zookeeperNodeSize), "VM size of Kafka ZooKeeper nodes.", k.zookeeperNodeSize),
  sparkHeadNodeCount: field(count(2, 2, "HDInsight Spark has two head nodes").default(s.headNodeCount), "Spark head nodes.", "2"),
  sparkWorkerNodeCount: field(count(1, 100, "Spark needs at least one worker").default(s.workerNodeCount), "Spark worker nodes.", "4"),
  sparkHeadNodeSize: field(vmSize.default(s.headNodeSize), "VM size of Spark head nodes.", s.headNodeSize),
  sparkWorkerNodeSize: field(vmSize.default(s.workerNodeSize), "VM size of Spark workers.", s.workerNodeSize),
  coreQuota: field(
    count(1, 100000, "a subscription's regional vCPU quota").optional(),
    "Your regional vCPU quota: deployment is refused if the clusters need more (without it: a warning).",
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

export interface AzureConfig extends Omit<AzureValues, "clusterLoginPassword" | "sshPassword" | "kafkaClusterName" | "sparkClusterName" | "resourceGroupName"> {
  target: "azure";
  kafkaClusterName: string;
  sparkClusterName: string;
  resourceGroupName: string;
  /** Secrets stay Outputs so that nothing downstream can print them by accident. */
  clusterLoginPassword: pulumi.Output<string>;
  sshPassword?: pulumi.Output<string>;
  kafkaNodes: ClusterNodes[];
  sparkNodes: ClusterNodes[];
  totalCores: number;
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
  if (raw.sshPassword === undefined && raw.sshPublicKey === undefined) {
    issue("sshPublicKey", "is required: set an SSH public key (preferred) or sshPassword", `pulumi config set sshPublicKey "$(cat ~/.ssh/id_rsa.pub)"  or  pulumi config set --secret sshPassword`);
  } else if (raw.sshPassword !== undefined && raw.sshPublicKey !== undefined) {
    issue("sshPassword", "and sshPublicKey are both set; HDInsight takes one SSH credential", "pulumi config rm sshPassword (keys are the better choice)");
  }

  // Network.
  if (v.vnetAddressSpace && v.subnetAddressPrefix && !cidrContains(v.vnetAddressSpace, v.subnetAddressPrefix)) {
    issue("subnetAddressPrefix", `${v.subnetAddressPrefix} is not inside the VNet range ${v.vnetAddressSpace}`, `pulumi config set subnetAddressPrefix <a range inside ${v.vnetAddressSpace}, e.g. the default 10.0.0.0/24>`);
  }

  // Cores against quota.
  const { kafkaNodes, sparkNodes } = nodesOf(v);
  const allNodes = [...kafkaNodes, ...sparkNodes];
  const unknownSizes = [...new Set(allNodes.map((n) => n.vmSize).filter((size) => size && !VM_SIZES[size]))];
  const totalCores = allNodes.reduce((sum, n) => sum + n.count * (VM_SIZES[n.vmSize]?.cores ?? 0), 0);
  if (unknownSizes.length) {
    warnings.push(`VM size(s) ${unknownSizes.join(", ")} are not in the price table (stacks/azure/sizing.ts): their cores and cost are left out of the totals.`);
  }
  if (v.coreQuota !== undefined) {
    if (totalCores > v.coreQuota) {
      issue("coreQuota", `the clusters need ${totalCores} cores but the quota is ${v.coreQuota}`, "lower kafkaWorkerNodeCount/sparkWorkerNodeCount or pick smaller VM sizes, or request more quota (Azure portal > Quotas) and raise coreQuota");
    }
  } else {
    warnings.push(`This environment needs ${totalCores} vCPUs in ${v.location ?? "the region"}; new subscriptions often have less quota. Check it (az vm list-usage -l ${v.location ?? "<region>"}) and set coreQuota to have it enforced before deploying.`);
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
  const config: AzureConfig = {
    ...a,
    target: "azure",
    kafkaClusterName: names.kafka!.name,
    sparkClusterName: names.spark!.name,
    resourceGroupName: a.resourceGroupName ?? `rg-${a.baseName}`,
    clusterLoginPassword: pulumi.secret(a.clusterLoginPassword),
    sshPassword: a.sshPassword === undefined ? undefined : pulumi.secret(a.sshPassword),
    kafkaNodes,
    sparkNodes,
    totalCores,
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
}

/**
 * The sizing of an Azure config with the same rules and defaults as `validateConfig`, checking
 * only the keys that decide the size (location, node counts and VM sizes): a stack whose
 * passwords are not set yet can already be priced.
 */
export function azureSizing(raw: Record<string, string>): { sizing?: AzureSizing; issues: ConfigIssue[] } {
  const all: ConfigIssue[] = [];
  const v = parseFields(AZURE_FIELDS, raw, all);
  const sizingKey = (key: string) => /^(location|(kafka|spark)(Head|Worker|Zookeeper)Node(Count|Size))$/.test(key.replace(`${PROJECT}:`, ""));
  const issues = all.filter((i) => sizingKey(i.key));
  if (issues.length) return { issues };
  return { sizing: { location: v.location as string, ...nodesOf(v) }, issues };
}
