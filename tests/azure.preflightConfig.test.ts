/**
 * The Azure preflight as a new user meets it: configs Azure would refuse (after the resource
 * group, VNet and storage account already exist) must be refused by the config check, each
 * naming the key to change; configs taken from Microsoft's own templates and docs must pass.
 * Sources: docs/configuration.md; Microsoft Learn "Set up clusters in HDInsight" (user names),
 * "Azure HDInsight supported node configurations" (sizes per role), "Plan a virtual network for
 * HDInsight" (subnet sizing), Azure naming rules for storage containers, resource groups and Logic Apps.
 */
import { validateConfig } from "../stacks/config";
import { ConfigValidationError } from "../stacks/configError";
import { VALID_AZURE, AZURE_SECRET_KEYS } from "./support/fixtures";

const SECRETS = new Set(AZURE_SECRET_KEYS);
const validate = (overrides: Record<string, string | undefined>) => {
  const raw: Record<string, string | undefined> = { ...VALID_AZURE, ...overrides };
  for (const k of Object.keys(raw)) if (raw[k] === undefined) delete raw[k];
  return validateConfig(raw as Record<string, string>, SECRETS);
};

type Case = [category: string, overrides: Record<string, string | undefined>, key: string, message: RegExp];
const NO_QUOTA = { coreQuota: undefined };

const INVALID: Case[] = [
  // User names: Microsoft's reserved SSH names, the allowed characters (_ and @), lengths, SSH user != login user.
  ["user names", { sshUser: "users" }, "sshUser", /reserved name/],
  ["user names", { sshUser: "user1" }, "sshUser", /reserved name/],
  ["user names", { sshUser: "user5" }, "sshUser", /reserved name/],
  ["user names", { sshUser: "admin2" }, "sshUser", /reserved name/],
  ["user names", { sshUser: "support_388945a0" }, "sshUser", /reserved name/],
  ["user names", { sshUser: "david" }, "sshUser", /reserved name/],
  ["user names", { sshUser: "sql" }, "sshUser", /reserved name/],
  ["user names", { sshUser: "a" }, "sshUser", /reserved name/],
  ["user names", { sshUser: "console" }, "sshUser", /reserved name/],
  ["user names", { sshUser: "test3" }, "sshUser", /reserved name/],
  ["user names", { sshUser: "owner" }, "sshUser", /reserved name/],
  ["user names", { sshUser: "guest" }, "sshUser", /reserved name/],
  ["user names", { sshUser: "hdfs" }, "sshUser", /reserved name/],
  ["user names", { sshUser: "ambari-qa" }, "sshUser", /only a-z, 0-9, _ and @/],
  ["user names", { sshUser: "123" }, "sshUser", /must start with a lower-case letter/],
  ["user names", { sshUser: "lab.user" }, "sshUser", /only a-z, 0-9, _ and @/],
  ["user names", { sshUser: "lab user" }, "sshUser", /only a-z, 0-9, _ and @/],
  ["user names", { sshUser: "lab-user" }, "sshUser", /only a-z, 0-9, _ and @/],
  ["user names", { sshUser: "Sshuser" }, "sshUser", /must start with a lower-case letter/],
  ["user names", { sshUser: "u".repeat(65) }, "sshUser", /at most 64 characters/],
  ["user names", { clusterLoginUser: "labops", sshUser: "labops" }, "sshUser", /must differ from clusterLoginUser/],
  ["user names", { clusterLoginUser: "LabOps", sshUser: "labops" }, "sshUser", /must differ from clusterLoginUser/],
  ["user names", { clusterLoginUser: "lab#admin" }, "clusterLoginUser", /only letters, digits, _ and @/],
  ["user names", { clusterLoginUser: "1admin" }, "clusterLoginUser", /must start with a letter/],
  ["user names", { clusterLoginUser: "a".repeat(21) }, "clusterLoginUser", /at most 20 characters/],
  ["user names", { clusterLoginUser: "lab.admin" }, "clusterLoginUser", /only letters, digits, _ and @/],

  // Names derived from baseName (clusters, containers, resource group, Logic App), and the overrides.
  ["derived names", { baseName: "my--lab" }, "baseName", /storage container names "kafka-my--lab" and "spark-my--lab" \(the clusters' file systems\), and a blob container name cannot contain two hyphens in a row/],
  ["derived names", { kafkaClusterName: "kafka--x1" }, "kafkaClusterName", /container name "kafka--x1" .*two hyphens/],
  ["derived names", { sparkClusterName: "Spark--Lab" }, "sparkClusterName", /container name "spark--lab".*two hyphens/],
  ["derived names", { baseName: "my_lab" }, "baseName", /"kafka-my_lab", which may contain only letters, digits and hyphens/],
  ["derived names", { baseName: "lab." }, "baseName", /cluster name "kafka-lab\.", which may contain only letters, digits and hyphens/],
  ["derived names", { baseName: "b".repeat(54) }, "baseName", /at most 59 characters/],
  ["derived names", { baseName: "lab-" }, "baseName", /must start and end with a letter or digit/],
  ["derived names", { baseName: "--" }, "baseName", /no letter or digit.*storage account name/],
  ["derived names", { kafkaClusterName: "ab" }, "kafkaClusterName", /at least 3 characters/],
  ["derived names", { kafkaClusterName: "-kafka1" }, "kafkaClusterName", /must start and end with a letter or digit/],
  ["derived names", { sparkClusterName: "apps" }, "sparkClusterName", /reserved cluster name/],
  ["derived names", { kafkaClusterName: "spark-k1" }, "kafkaClusterName", /same six characters/],
  ["derived names", { sparkClusterName: "kafka-s1" }, "sparkClusterName", /same six characters/],
  ["derived names", { resourceGroupName: "rg.lab." }, "resourceGroupName", /not ending in a dot/],
  ["derived names", { resourceGroupName: "r".repeat(91) }, "resourceGroupName", /at most 90 characters/],
  ["derived names", { resourceGroupName: "rg lab" }, "resourceGroupName", /letters, digits, - _ \. \( \)/],

  // Address ranges: VNet, subnet and client, each parsed strictly; the subnet must hold every node.
  ["address ranges", { vnetAddressSpace: "10.0.0.5/16" }, "vnetAddressSpace", /host bits set: the range it means is 10\.0\.0\.0\/16/],
  ["address ranges", { vnetAddressSpace: "10.0.0.0/33" }, "vnetAddressSpace", /\/33 is not a prefix length/],
  ["address ranges", { vnetAddressSpace: "10.0.0.256/16" }, "vnetAddressSpace", /10\.0\.0\.256 is not an IPv4 address/],
  ["address ranges", { vnetAddressSpace: "10.0.0/16" }, "vnetAddressSpace", /10\.0\.0 is not an IPv4 address/],
  ["address ranges", { vnetAddressSpace: "010.0.0.0/16" }, "vnetAddressSpace", /is not an IPv4 address/],
  ["address ranges", { vnetAddressSpace: "10.0.0.0/30", subnetAddressPrefix: "10.0.0.0/30" }, "vnetAddressSpace", /\/30 is outside what Azure accepts for a VNet \(\/8 to \/29\)/],
  ["address ranges", { vnetAddressSpace: "10.0.0.0/7" }, "vnetAddressSpace", /\/7 is outside what Azure accepts/],
  ["address ranges", { vnetAddressSpace: "10.0.0.0" }, "vnetAddressSpace", /CIDR form/],
  ["address ranges", { vnetAddressSpace: "10.0.0.0/16/8" }, "vnetAddressSpace", /CIDR form/],
  ["address ranges", { subnetAddressPrefix: "10.0.0.16/24" }, "subnetAddressPrefix", /host bits set: the range it means is 10\.0\.0\.0\/24/],
  ["address ranges", { subnetAddressPrefix: "10.0.0.0/28" }, "subnetAddressPrefix", /has 11 usable addresses \(Azure keeps 5\), but the two clusters need 21: every head, worker and ZooKeeper node \(the Spark cluster's 3 too\) and 2 gateway nodes per cluster/],
  ["address ranges", { subnetAddressPrefix: "10.0.0.0/29" }, "subnetAddressPrefix", /has 3 usable addresses/],
  ["address ranges", { subnetAddressPrefix: "10.0.0.0/27", sparkWorkerNodeCount: "11", ...NO_QUOTA }, "subnetAddressPrefix", /27 usable addresses.*need 28/],
  ["address ranges", { subnetAddressPrefix: "10.0.0.0/26", kafkaWorkerNodeCount: "50", kafkaHeadNodeSize: "Standard_E8_v3", ...NO_QUOTA }, "subnetAddressPrefix", /59 usable addresses.*need 68/],
  ["address ranges", { subnetAddressPrefix: "10.1.0.0/24" }, "subnetAddressPrefix", /not inside the VNet range 10\.0\.0\.0\/16/],
  ["address ranges", { subnetAddressPrefix: "10.0.0.0/31" }, "subnetAddressPrefix", /outside what Azure accepts for a subnet/],
  ["address ranges", { subnetAddressPrefix: "300.0.0.0/24" }, "subnetAddressPrefix", /300\.0\.0\.0 is not an IPv4 address/],
  ["address ranges", { clientAddressPrefix: "203.0.113.7/24" }, "clientAddressPrefix", /host bits set: the range it means is 203\.0\.113\.0\/24/],
  ["address ranges", { clientAddressPrefix: "203.0.113.300" }, "clientAddressPrefix", /203\.0\.113\.300 is not an IPv4 address/],
  ["address ranges", { clientAddressPrefix: "203.0.113.7/40" }, "clientAddressPrefix", /\/40 is not a prefix length/],
  ["address ranges", { clientAddressPrefix: "any" }, "clientAddressPrefix", /must be Internet or an IPv4 address or range/],
  ["address ranges", { clientAddressPrefix: "203.0.113/24" }, "clientAddressPrefix", /is not an IPv4 address/],
  ["address ranges", { clientAddressPrefix: "Internet/32" }, "clientAddressPrefix", /must be Internet or an IPv4/],

  // VM sizes: offered for the role, not retired, listed (or declared), big enough heads, disks within limits.
  ["VM sizes", { kafkaHeadNodeSize: "Standard_A4_v2" }, "kafkaHeadNodeSize", /offered for ZooKeeper nodes only, not for head nodes/],
  ["VM sizes", { sparkHeadNodeSize: "Standard_A2_v2" }, "sparkHeadNodeSize", /offered for ZooKeeper nodes only/],
  ["VM sizes", { sparkWorkerNodeSize: "Standard_A8_v2" }, "sparkWorkerNodeSize", /offered for ZooKeeper nodes only, not for worker nodes/],
  ["VM sizes", { kafkaZookeeperNodeSize: "Standard_E8ads_v5" }, "kafkaZookeeperNodeSize", /offered for head nodes and worker nodes only, not for ZooKeeper nodes/],
  // HDInsight stopped offering Dv2 on 2026-03-31 (https://learn.microsoft.com/azure/hdinsight/hdinsight-component-retirements-and-action-required): the sizes of Microsoft's own templates are refused, with what to pick instead.
  ["VM sizes", { sparkHeadNodeSize: "Standard_D12_v2" }, "sparkHeadNodeSize", /Standard_D12_v2 belongs to the retired Dv2-series, which HDInsight stopped offering on 2026-03-31; pick a current size such as Standard_E4ads_v5 or Standard_E4as_v4/],
  ["VM sizes", { sparkWorkerNodeSize: "Standard_D13_v2" }, "sparkWorkerNodeSize", /retired Dv2-series/],
  ["VM sizes", { kafkaHeadNodeSize: "Standard_D3_v2" }, "kafkaHeadNodeSize", /retired Dv2-series/],
  ["VM sizes", { kafkaWorkerNodeSize: "Standard_D5_v2" }, "kafkaWorkerNodeSize", /retired Dv2-series/],
  ["VM sizes", { kafkaWorkerNodeSize: "Standard_DS4_v2" }, "kafkaWorkerNodeSize", /retired Dv2-series/],
  ["VM sizes", { kafkaZookeeperNodeSize: "Standard_E8_v3" }, "kafkaZookeeperNodeSize", /not for ZooKeeper nodes/],
  ["VM sizes", { kafkaWorkerNodeSize: "Standard_E2_v3" }, "kafkaWorkerNodeSize", /offered for ZooKeeper nodes only, not for worker nodes/],
  ["VM sizes", { sparkHeadNodeSize: "Standard_E32_v3" }, "sparkHeadNodeSize", /offered for worker nodes only, not for head nodes/],
  ["VM sizes", { kafkaHeadNodeSize: "Standard_E4_v5" }, "kafkaHeadNodeSize", /not a size HDInsight offers for head nodes .*nearest listed: Standard_E4_v3/],
  ["VM sizes", { sparkWorkerNodeSize: "Standard_NC6" }, "sparkWorkerNodeSize", /not a size HDInsight offers for worker nodes/],
  ["VM sizes", { kafkaWorkerNodeSize: "Standard_B2s" }, "kafkaWorkerNodeSize", /not a size HDInsight offers/],
  ["VM sizes", { sparkWorkerNodeSize: "Standard_E4_v5" }, "sparkWorkerNodeSize", /not a size HDInsight offers/],
  ["VM sizes", { sparkWorkerNodeSize: "Standard_A7" }, "sparkWorkerNodeSize", /retired Standard A-series v1/],
  ["VM sizes", { kafkaHeadNodeSize: "Standard_D13" }, "kafkaHeadNodeSize", /retired D\/DS v1-series/],
  ["VM sizes", { kafkaHeadNodeSize: "standard_e4_v3" }, "kafkaHeadNodeSize", /must be an Azure VM size such as Standard_E4_v3/],
  ["VM sizes", { kafkaWorkerNodeCount: "33", ...NO_QUOTA }, "kafkaHeadNodeSize", /Standard_E4_v3 has 4 cores; with more than 32 workers \(33\) HDInsight needs head nodes of at least 8 cores/],
  ["VM sizes", { sparkWorkerNodeCount: "40", sparkHeadNodeSize: "Standard_E4ads_v5", ...NO_QUOTA }, "sparkHeadNodeSize", /at least 8 cores/],
  ["VM sizes", { kafkaDisksPerNode: "17" }, "kafkaDisksPerNode", /at most 16/],
  ["VM sizes", { kafkaDisksPerNode: "9" }, "kafkaDisksPerNode", /9 data disks per broker, but Standard_E4_v3 can attach at most 8/],
  ["VM sizes", { kafkaDisksPerNode: "12", kafkaWorkerNodeSize: "Standard_E4a_v4" }, "kafkaDisksPerNode", /Standard_E4a_v4 can attach at most 8/],
  ["VM sizes", { kafkaDisksPerNode: "10", kafkaWorkerNodeSize: "Standard_X1", extraVmSizes: "Standard_X1:16:8", ...NO_QUOTA }, "kafkaDisksPerNode", /Standard_X1 can attach at most 8/],
  ["VM sizes", { extraVmSizes: "Standard_E64_v3" }, "extraVmSizes", /is not Standard_<size>:<cores>/],
  ["VM sizes", { extraVmSizes: "Standard_E4_v3:4" }, "extraVmSizes", /in the table already/],
  ["VM sizes", { extraVmSizes: "Standard_E64_v3:0" }, "extraVmSizes", /is not Standard_<size>:<cores>/],

  // Quota: every size counts (a declared size with its cores); the message names HDInsight's own quota.
  ["quota", { coreQuota: "65" }, "coreQuota", /need 66 cores but the quota is 65\. HDInsight checks its own cores quota.*az hdinsight list-usage -l westeurope/],
  ["quota", { kafkaWorkerNodeSize: "Standard_E64_v3", extraVmSizes: "Standard_E64_v3:64" }, "coreQuota", /need 246 cores but the quota is 100/],
  ["quota", { sparkWorkerNodeCount: "10" }, "coreQuota", /need 114 cores/],
  ["quota", { sparkWorkerNodeSize: "Standard_E20_v3" }, "coreQuota", /need 114 cores/],
  ["quota", { coreQuota: "0" }, "coreQuota", /at least 1/],
  ["quota", { coreQuota: "lots" }, "coreQuota", /whole number/],

  // Location: a region where HDInsight can be created, with "did you mean".
  ["location", { location: "westeurop" }, "location", /"westeurop" is not a region where HDInsight can be created \(list of 2026-11\); nearest: westeurope, /],
  ["location", { location: "eastus3" }, "location", /nearest: eastus/],
  ["location", { location: "uksouth2" }, "location", /nearest: uksouth/],
  ["location", { location: "mars" }, "location", /not a region where HDInsight can be created/],
  ["location", { location: "chinaeast2" }, "location", /not a region where HDInsight can be created/],
  ["location", { location: "usgovvirginia" }, "location", /not a region where HDInsight can be created/],
  ["location", { location: "global" }, "location", /not a region where HDInsight can be created/],
  ["location", { location: "West Europe" }, "location", /Azure region name/],
  ["location", { location: "eastus " }, "location", /Azure region name/],
  ["location", { location: "newregion1", extraLocations: "New Region" }, "extraLocations", /region names separated by commas/],
];

test("at least 100 invalid configs, several in every category", () => {
  expect(INVALID.length).toBeGreaterThanOrEqual(100);
  const perCategory = new Map<string, number>();
  for (const [category] of INVALID) perCategory.set(category, (perCategory.get(category) ?? 0) + 1);
  for (const n of perCategory.values()) expect(n).toBeGreaterThanOrEqual(6);
  expect([...perCategory.keys()].sort()).toEqual(["VM sizes", "address ranges", "derived names", "location", "quota", "user names"]);
});

test.each(INVALID)("%s: %j is refused, naming %s", (_, overrides, key, message) => {
  const result = validate(overrides);
  expect(result.config).toBeUndefined();
  const mine = result.issues.filter((i) => i.key === `kafka-spark-lab:${key}`);
  expect(mine.map((i) => i.message)).toContainEqual(expect.stringMatching(message));
  for (const i of mine) expect(i.fix.length).toBeGreaterThan(10);
  // As the program shows it (index.ts throws this before declaring any resource).
  expect(new ConfigValidationError(result.issues).message).toContain(`kafka-spark-lab:${key}: `);
});

const VALID: [string, Record<string, string | undefined>][] = [
  ["Kafka template's Av2 ZooKeeper size A4_v2", { kafkaZookeeperNodeSize: "Standard_A4_v2" }],
  ["Av2 ZooKeeper sizes A2_v2", { kafkaZookeeperNodeSize: "Standard_A2_v2" }],
  ["Av2 ZooKeeper sizes A8_v2", { kafkaZookeeperNodeSize: "Standard_A8_v2" }],
  ["the Spark tutorial's shape in Microsoft's replacement series: E4ads_v5 heads and 4 x E8ads_v5 workers", { sparkHeadNodeSize: "Standard_E4ads_v5", sparkWorkerNodeSize: "Standard_E8ads_v5" }],
  ["the Kafka template's shape in Easv4: E4as_v4 heads and brokers, E2as_v4 ZooKeeper", { kafkaHeadNodeSize: "Standard_E4as_v4", kafkaWorkerNodeSize: "Standard_E4as_v4", kafkaZookeeperNodeSize: "Standard_E2as_v4" }],
  ["user names with the allowed special characters _ and @", { clusterLoginUser: "Lab_Admin@2", sshUser: "lab_ops@1" }],
  ["Microsoft's default user names admin and sshuser", { clusterLoginUser: "admin", sshUser: "sshuser" }],
  ["a 20-character login and a 64-character SSH user", { clusterLoginUser: "a".repeat(20), sshUser: "s".repeat(64) }],
  ["the template's VNet 10.0.0.0/16 and subnet 10.0.0.0/24", { vnetAddressSpace: "10.0.0.0/16", subnetAddressPrefix: "10.0.0.0/24" }],
  ["the smallest subnet that holds the default clusters (21 nodes and gateways + 5): /27", { subnetAddressPrefix: "10.0.0.0/27" }],
  ["a /27 exactly full: 27 addresses for 27 nodes", { subnetAddressPrefix: "10.0.0.32/27", sparkWorkerNodeCount: "10", coreQuota: undefined }],
  ["a large cluster with 8-core heads: 40 brokers, E8ads_v5 heads", { kafkaWorkerNodeCount: "40", kafkaHeadNodeSize: "Standard_E8ads_v5", coreQuota: undefined }],
  ["32 workers still with 4-core heads", { sparkWorkerNodeCount: "32", coreQuota: undefined }],
  ["16 data disks per broker on an E8ads_v5", { kafkaDisksPerNode: "16", kafkaWorkerNodeSize: "Standard_E8ads_v5", coreQuota: undefined }],
  ["8 data disks on an E4_v3 (its limit)", { kafkaDisksPerNode: "8" }],
  ["one client address without /32", { clientAddressPrefix: "203.0.113.7" }],
  ["a client range", { clientAddressPrefix: "198.51.100.0/24" }],
  ["any client (Internet)", { clientAddressPrefix: "Internet" }],
  ["an expert's size with its cores (quota counted)", { kafkaWorkerNodeSize: "Standard_E64_v3", extraVmSizes: "Standard_E64_v3:64:32", coreQuota: "300" }],
  ["a region added by an expert", { location: "newregion1", extraLocations: "newregion1" }],
  ["the tutorial's region eastus", { location: "eastus" }],
  ["other HDInsight regions", { location: "southeastasia" }],
  ["a base name with hyphens", { baseName: "my-lab-1" }],
  ["cluster names given explicitly", { kafkaClusterName: "kafkamylab", sparkClusterName: "sparkmylab" }],
];

test.each(VALID)("valid: %s", (_, overrides) => {
  const result = validate(overrides);
  expect(result.issues).toEqual([]);
  expect(result.config?.target).toBe("azure");
});

test("the fixes say what to set: the smallest subnet that fits, the nearest region, the nearest size for the role", () => {
  const fixOf = (overrides: Record<string, string>, key: string) => validate(overrides).issues.find((i) => i.key === `kafka-spark-lab:${key}`)?.fix;
  expect(fixOf({ subnetAddressPrefix: "10.0.0.0/28" }, "subnetAddressPrefix")).toBe("pulumi config set subnetAddressPrefix <a /27 or larger inside 10.0.0.0/16>");
  expect(fixOf({ location: "westeurop" }, "location")).toMatch(/^pulumi config set location westeurope {2}\(if HDInsight has reached "westeurop" since: pulumi config set extraLocations westeurop\)$/);
  expect(fixOf({ kafkaHeadNodeSize: "Standard_E4_v5" }, "kafkaHeadNodeSize")).toMatch(/^pulumi config set kafkaHeadNodeSize Standard_E4_v\d .*extraVmSizes Standard_E4_v5:<cores>/);
  expect(fixOf({ kafkaZookeeperNodeSize: "Standard_E8ads_v5" }, "kafkaZookeeperNodeSize")).toMatch(/^pulumi config set kafkaZookeeperNodeSize Standard_(E\d(a|as|ads)?_v\d|D4a_v4|A\d_v2)$/);
});
