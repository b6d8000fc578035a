/**
 * The Azure stack's config keys, each with its own rules (what one value must be on its own), its
 * default and how to set it. Rules across keys are in rules.ts; config.ts puts them together.
 */
import { z } from "zod";
import ipaddr from "ipaddr.js";
import { count, field, FieldSpec, Out, required } from "../configSchema";
import { AZURE_DEFAULTS, ExtraVmSize, VM_SIZE_TABLE, VM_SIZES, retiredSeriesOf } from "./sizing";
import { HDINSIGHT_REGIONS_AS_OF } from "./regions";

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
    const retired = retiredSeriesOf(size);
    if (retired) {
      ctx.addIssue({
        code: "custom",
        message: `${size} belongs to the retired ${retired.series}; pick a current size such as ${retired.instead ?? AZURE_DEFAULTS.kafka.headNodeSize}`,
      });
    }
  });

export const clusterNameOverride = z
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
  // No default: "Internet" would open 443 and 22 to everyone without a word. The user says who.
  clientAddressPrefix: field(
    z.string({
      error: (iss) => (iss.input === undefined
        ? "is required: who may reach the clusters' HTTPS (443) and SSH (22) gateways. Only you: pulumi config set clientAddressPrefix \"$(curl -s https://ifconfig.me)/32\"; everyone (not advised): pulumi config set clientAddressPrefix Internet"
        : "must be text"),
    }).superRefine((text, ctx) => {
      if (text === "Internet") return;
      const parsed = parseCidr(text.includes("/") ? text : `${text}/32`);
      if (typeof parsed === "string") ctx.addIssue({ code: "custom", message: `must be Internet or an IPv4 address or range such as 203.0.113.7/32: ${parsed}` });
      else if (parsed.network !== parsed.address) ctx.addIssue({ code: "custom", message: `${text} has host bits set: the range it means is ${parsed.network}/${parsed.bits}` });
    }),
    "Who may reach the clusters' HTTPS (443) and SSH (22) gateways: your own IP/32, a range, or Internet (everyone).",
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
    "The Spark job the Spark cluster runs, uploaded to its storage (default: the word-count job, built for Spark 3.3 from jobs/spark-app).",
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

export type AzureValues = Out<typeof AZURE_FIELDS>;
