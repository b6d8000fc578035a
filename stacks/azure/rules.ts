/**
 * The Azure config's rules across keys, one function per group (names, location, credentials,
 * network, VM sizes, quota, deadline): what Azure would refuse, refused here first, each issue
 * with its key, the rule and the fix. config.ts runs them in order.
 */
import { nearest, setHint } from "../configSchema";
import { AZURE_FIELDS, AUTO_DELETE_MAX_MINUTES, AUTO_DELETE_MIN_MINUTES, AzureValues, clusterNameOverride, durationMinutes } from "./fields";
import { type ClusterNodes, coresOf, NodeRole, VM_SIZE_TABLE, VM_SIZES } from "./sizing";
import { HDINSIGHT_REGIONS, HDINSIGHT_REGIONS_AS_OF } from "./regions";
import { estimateCost } from "./cost";

/** What a rule reads (the parsed values, the raw text) and how it reports. */
export interface RuleInput {
  v: Partial<AzureValues>;
  raw: Record<string, string>;
  issue(key: string, message: string, fix: string): void;
  warn(message: string): void;
}

export type ClusterNames = Partial<Record<"kafka" | "spark", { name: string; key: string }>>;

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


/** Secret keys (passwords) must be stored as Pulumi secrets. */
export function secretsAreSecret({ raw, issue }: RuleInput, secretKeys: ReadonlySet<string>): void {
  for (const key of Object.keys(AZURE_FIELDS) as (keyof typeof AZURE_FIELDS)[]) {
    if (AZURE_FIELDS[key].secret && raw[key] !== undefined && !secretKeys.has(key)) {
      issue(key, "is stored in plain text in the stack file; passwords must be Pulumi secrets", `pulumi config set --secret ${key} (you will be prompted; this replaces the plain value)`);
    }
  }
}

/** Cluster names: derived from baseName unless overridden. Also: distinct first six characters, no "apps". */
export function clusterNames({ v, raw, issue }: RuleInput): ClusterNames {
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
  return names;
}

/** Names derived from the cluster names and baseName, each against its resource's own rules. */
export function derivedNames({ v, raw, issue }: RuleInput, names: ClusterNames): void {
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
}

/** Location: a region where HDInsight can be created. */
export function location({ v, issue }: RuleInput): void {
  if (v.location !== undefined) {
    const regions = [...HDINSIGHT_REGIONS, ...(v.extraLocations ?? [])];
    if (!regions.includes(v.location)) {
      issue("location", `"${v.location}" is not a region where HDInsight can be created (list of ${HDINSIGHT_REGIONS_AS_OF}); nearest: ${nearest(v.location, HDINSIGHT_REGIONS).join(", ")}`,
        `pulumi config set location ${nearest(v.location, HDINSIGHT_REGIONS, 1)[0]}  (if HDInsight has reached "${v.location}" since: pulumi config set extraLocations ${v.location})`);
    }
  }
}

/** Passwords and users: HDInsight's rules between them (no shared characters, different names and passwords, one SSH credential). */
export function credentials({ v, raw, issue }: RuleInput): void {
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
}

/** Network: the subnet inside the VNet and large enough for every node of both clusters. */
export function network({ v, issue }: RuleInput, { kafkaNodes, sparkNodes }: { kafkaNodes: ClusterNodes[]; sparkNodes: ClusterNodes[] }): void {
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
}

/** VM sizes: one HDInsight offers for the role, the head nodes big enough, the disks within the size's limit. */
export function vmSizes({ v, issue }: RuleInput): void {
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
}

/** Cores against quota: every size's cores are known (unlisted sizes are refused or declared with their cores). */
export function quota({ v, issue, warn }: RuleInput, { kafkaNodes, sparkNodes }: { kafkaNodes: ClusterNodes[]; sparkNodes: ClusterNodes[] }): void {
  const { totalCores } = estimateCost({ kafkaNodes, sparkNodes, location: v.location ?? "", extraVmSizes: v.extraVmSizes ?? {} });
  const region = v.location ?? "<region>";
  if (v.coreQuota !== undefined) {
    if (totalCores > v.coreQuota) {
      issue("coreQuota", `the clusters need ${totalCores} cores but the quota is ${v.coreQuota}. HDInsight checks its own cores quota per subscription and region (not the VMs' quota): az hdinsight list-usage -l ${region}`,
        "lower kafkaWorkerNodeCount/sparkWorkerNodeCount or pick smaller VM sizes, or request more quota (Azure portal > Help + support > Service and subscription limits (quotas), quota type HDInsight) and raise coreQuota");
    }
  } else {
    warn(`This environment needs ${totalCores} cores of HDInsight quota in ${region}; new subscriptions often have less. Check it (az hdinsight list-usage -l ${region}) and set coreQuota to have it enforced before deploying.`);
  }
}

/** The deadline: an explicit expiresAt, or the first deployment + autoDeleteAfter. */
export function deadline({ v, issue }: RuleInput, now: Date): { at: string; explicit: boolean } | undefined {
  let autoDelete: { at: string; explicit: boolean } | undefined;
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
  return autoDelete;
}
