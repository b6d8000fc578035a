/**
 * One row per validation rule: a valid and an invalid case, and the message the user sees.
 * Rules and their sources: docs/configuration.md (HDInsight limits, each with its source).
 */
import { validateConfig, sharesThreeChars, cidrContains } from "../stacks/config";
import { ConfigValidationError } from "../stacks/configError";
import { VALID_AZURE, AZURE_SECRET_KEYS } from "./support/fixtures";

const SECRETS = new Set(AZURE_SECRET_KEYS);
const validate = (overrides: Record<string, string | undefined>, secretKeys = SECRETS) => {
  const raw = { ...VALID_AZURE, ...overrides };
  for (const k of Object.keys(raw)) if (raw[k] === undefined) delete raw[k];
  return validateConfig(raw as Record<string, string>, secretKeys);
};

interface Rule {
  rule: string;
  valid: Record<string, string | undefined>;
  invalid: Record<string, string | undefined>;
  key: string;
  message: RegExp;
}

const NO_SSH_PASSWORD = { sshPassword: undefined, sshPublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAbCdEf0123456789 alice@laptop" };

/** An ISO UTC time this many hours from now (the deadline rules are relative to the clock). */
const hoursFromNow = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString().replace(/\.\d{3}Z$/, "Z");

const RULES: Rule[] = [
  { rule: "target is local or azure", valid: { target: "azure" }, invalid: { target: "aws" }, key: "target", message: /must be local, azure or twin/ },
  { rule: "location is a region name", valid: { location: "eastus2" }, invalid: { location: "West Europe" }, key: "location", message: /Azure region name/ },
  { rule: "baseName is required", valid: { baseName: "lab1" }, invalid: { baseName: undefined }, key: "baseName", message: /is required/ },
  { rule: "derived cluster names use letters, digits, hyphens", valid: { baseName: "my-lab-1" }, invalid: { baseName: "my_lab" }, key: "baseName", message: /"kafka-my_lab", which may contain only letters, digits and hyphens/ },
  { rule: "derived cluster names are at most 59 characters", valid: { baseName: "a".repeat(53) }, invalid: { baseName: "a".repeat(54) }, key: "baseName", message: /at most 59 characters/ },
  { rule: "cluster names differ in their first six characters", valid: { kafkaClusterName: "kafkaa-x" }, invalid: { kafkaClusterName: "spark-k1" }, key: "kafkaClusterName", message: /start with the same six characters/ },
  { rule: "apps is a reserved cluster name", valid: { sparkClusterName: "appsx" }, invalid: { sparkClusterName: "apps" }, key: "sparkClusterName", message: /reserved cluster name/ },
  { rule: "login user is at most 20 characters", valid: { clusterLoginUser: "a".repeat(20) }, invalid: { clusterLoginUser: "a".repeat(21) }, key: "clusterLoginUser", message: /at most 20 characters/ },
  { rule: "login user characters: letters, digits, _ and @", valid: { clusterLoginUser: "Lab_Admin@2" }, invalid: { clusterLoginUser: "lab-admin" }, key: "clusterLoginUser", message: /only letters, digits, _ and @/ },
  { rule: "SSH user is not reserved", valid: { sshUser: "labuser" }, invalid: { sshUser: "hadoop" }, key: "sshUser", message: /reserved name/ },
  { rule: "SSH user characters", valid: { sshUser: "lab_user" }, invalid: { sshUser: "LabUser" }, key: "sshUser", message: /lower-case letter/ },
  { rule: "login password is at least 10 characters", valid: { clusterLoginPassword: "Abcdef1!xy" }, invalid: { clusterLoginPassword: "Abcde1!xy" }, key: "clusterLoginPassword", message: /at least 10 characters/ },
  { rule: "login password has a digit", valid: { clusterLoginPassword: "Abcdefgh!1" }, invalid: { clusterLoginPassword: "Abcdefgh!x" }, key: "clusterLoginPassword", message: /must contain a digit/ },
  { rule: "login password has an upper-case letter", valid: { clusterLoginPassword: "Bcdefgh!12" }, invalid: { clusterLoginPassword: "bcdefgh!12" }, key: "clusterLoginPassword", message: /upper-case/ },
  { rule: "login password has a lower-case letter", valid: { clusterLoginPassword: "BCDEFGh!12" }, invalid: { clusterLoginPassword: "BCDEFGH!12" }, key: "clusterLoginPassword", message: /lower-case/ },
  { rule: "login password has a special character other than ' \" \\ ] .", valid: { clusterLoginPassword: "Bcdefgh#12" }, invalid: { clusterLoginPassword: "Bcdefgh.12" }, key: "clusterLoginPassword", message: /special character other than/ },
  { rule: "login password has no 3 consecutive characters of a user name", valid: { clusterLoginPassword: "Ad1mi!Xyzwq" }, invalid: { clusterLoginPassword: "Admin!2345" }, key: "clusterLoginPassword", message: /3 consecutive characters/ },
  { rule: "SSH password is 6 to 72 characters", valid: { sshPassword: "Tun3l7" }, invalid: { sshPassword: "Tun3l" }, key: "sshPassword", message: /at least 6 characters/ },
  { rule: "SSH password has digit, upper and lower", valid: { sshPassword: "Tunnel7" }, invalid: { sshPassword: "tunnelseven" }, key: "sshPassword", message: /must contain a digit/ },
  { rule: "SSH password has no 3 consecutive characters of a user name", valid: { sshPassword: "Tunnel-Key77" }, invalid: { sshPassword: "Sshuser-Key77" }, key: "sshPassword", message: /3 consecutive characters/ },
  { rule: "an SSH password or public key is set", valid: NO_SSH_PASSWORD, invalid: { sshPassword: undefined }, key: "sshPublicKey", message: /SSH public key \(preferred\) or sshPassword/ },
  { rule: "not both SSH password and key", valid: NO_SSH_PASSWORD, invalid: { sshPublicKey: NO_SSH_PASSWORD.sshPublicKey }, key: "sshPassword", message: /both set/ },
  { rule: "SSH public key is one OpenSSH line", valid: NO_SSH_PASSWORD, invalid: { ...NO_SSH_PASSWORD, sshPublicKey: "-----BEGIN PUBLIC KEY-----" }, key: "sshPublicKey", message: /OpenSSH public key line/ },
  { rule: "gateway and SSH passwords differ", valid: { sshPassword: "Tunnel-Key77" }, invalid: { sshPassword: VALID_AZURE.clusterLoginPassword }, key: "sshPassword", message: /must differ from clusterLoginPassword/ },
  { rule: "Kafka has exactly 2 head nodes", valid: { kafkaHeadNodeCount: "2" }, invalid: { kafkaHeadNodeCount: "3" }, key: "kafkaHeadNodeCount", message: /must be exactly 2/ },
  { rule: "Kafka has exactly 3 ZooKeeper nodes", valid: { kafkaZookeeperNodeCount: "3" }, invalid: { kafkaZookeeperNodeCount: "5" }, key: "kafkaZookeeperNodeCount", message: /must be exactly 3/ },
  { rule: "Kafka has at least 3 workers", valid: { kafkaWorkerNodeCount: "4" }, invalid: { kafkaWorkerNodeCount: "2" }, key: "kafkaWorkerNodeCount", message: /at least 3/ },
  { rule: "Kafka worker count is a whole number", valid: { kafkaWorkerNodeCount: "3" }, invalid: { kafkaWorkerNodeCount: "three" }, key: "kafkaWorkerNodeCount", message: /whole number/ },
  { rule: "Kafka disks per node at least 1", valid: { kafkaDisksPerNode: "1" }, invalid: { kafkaDisksPerNode: "0" }, key: "kafkaDisksPerNode", message: /at least 1/ },
  { rule: "Kafka disks per node at most 8", valid: { kafkaDisksPerNode: "8" }, invalid: { kafkaDisksPerNode: "9" }, key: "kafkaDisksPerNode", message: /at most 8/ },
  { rule: "Spark has at least 1 worker", valid: { sparkWorkerNodeCount: "1" }, invalid: { sparkWorkerNodeCount: "0" }, key: "sparkWorkerNodeCount", message: /at least 1/ },
  { rule: "VM sizes are not from the retired A-series v1 (Av2 is valid)", valid: { kafkaZookeeperNodeSize: "Standard_A2_v2" }, invalid: { kafkaZookeeperNodeSize: "Standard_A3" }, key: "kafkaZookeeperNodeSize", message: /retired Standard A-series v1/ },
  { rule: "VM sizes are not from the retired D v1-series", valid: { sparkWorkerNodeSize: "Standard_E8ads_v5" }, invalid: { sparkWorkerNodeSize: "Standard_D3" }, key: "sparkWorkerNodeSize", message: /retired D\/DS v1-series/ },
  { rule: "VM size looks like an Azure size", valid: { sparkHeadNodeSize: "Standard_E4_v3" }, invalid: { sparkHeadNodeSize: "E4_v3" }, key: "sparkHeadNodeSize", message: /Azure VM size/ },
  { rule: "HDInsight version is 5.1", valid: { hdinsightVersion: "5.1" }, invalid: { hdinsightVersion: "3.6" }, key: "hdinsightVersion", message: /only HDInsight version that can be created/ },
  { rule: "Spark component is 3.3", valid: { sparkVersion: "3.3" }, invalid: { sparkVersion: "2.1" }, key: "sparkVersion", message: /must be 3.3/ },
  { rule: "Kafka component is 3.2", valid: { kafkaVersion: "3.2" }, invalid: { kafkaVersion: "2.4" }, key: "kafkaVersion", message: /must be 3.2/ },
  { rule: "VNet range is a CIDR", valid: { vnetAddressSpace: "10.1.0.0/16", subnetAddressPrefix: "10.1.0.0/24" }, invalid: { vnetAddressSpace: "10.1.0.0" }, key: "vnetAddressSpace", message: /IPv4 range in CIDR form/ },
  { rule: "subnet lies inside the VNet", valid: { subnetAddressPrefix: "10.0.5.0/24" }, invalid: { subnetAddressPrefix: "10.1.0.0/24" }, key: "subnetAddressPrefix", message: /not inside the VNet range 10.0.0.0\/16/ },
  { rule: "client address is Internet or an IPv4 CIDR", valid: { clientAddressPrefix: "Internet" }, invalid: { clientAddressPrefix: "my laptop" }, key: "clientAddressPrefix", message: /Internet or an IPv4/ },
  { rule: "total cores fit the quota when coreQuota is set", valid: { coreQuota: "66" }, invalid: { coreQuota: "65" }, key: "coreQuota", message: /need 66 cores but the quota is 65/ },
  { rule: "expiresAt is a UTC time or a date", valid: { expiresAt: hoursFromNow(30) }, invalid: { expiresAt: "next friday" }, key: "expiresAt", message: /UTC time such as/ },
  { rule: "expiresAt is not in the past", valid: { expiresAt: hoursFromNow(2) }, invalid: { expiresAt: "2020-01-01" }, key: "expiresAt", message: /in the past: the deadline would delete the group/ },
  { rule: "expiresAt is at least an hour away", valid: { expiresAt: hoursFromNow(1.5) }, invalid: { expiresAt: hoursFromNow(0.5) }, key: "expiresAt", message: /less than an hour away/ },
  { rule: "expiresAt is within 7 days", valid: { expiresAt: hoursFromNow(24 * 6.9) }, invalid: { expiresAt: hoursFromNow(24 * 8) }, key: "expiresAt", message: /more than 7 days away/ },
  { rule: "autoDeleteAfter is a duration or off", valid: { autoDeleteAfter: "off" }, invalid: { autoDeleteAfter: "forever" }, key: "autoDeleteAfter", message: /duration such as 8h, 90m or 2d, or "off"/ },
  { rule: "autoDeleteAfter is at least 1h", valid: { autoDeleteAfter: "90m" }, invalid: { autoDeleteAfter: "30m" }, key: "autoDeleteAfter", message: /from 1h \(the clusters take 20 minutes to create\) to 7d/ },
  { rule: "autoDeleteAfter is at most 7d", valid: { autoDeleteAfter: "7d" }, invalid: { autoDeleteAfter: "8d" }, key: "autoDeleteAfter", message: /to 7d, or off/ },
  { rule: "unknown keys are refused, with a suggestion", valid: {}, invalid: { kafkaWorkerCount: "4" }, key: "kafkaWorkerCount", message: /not a setting of this project; did you mean kafkaWorkerNodeCount\?/ },
];

describe.each(RULES)("rule: $rule", ({ valid, invalid, key, message }) => {
  test("valid case passes", () => {
    const result = validate(valid);
    expect(result.issues).toEqual([]);
    expect(result.config).toBeDefined();
  });

  test(`invalid case names kafka-spark-lab:${key}, the rule and a fix`, () => {
    const result = validate(invalid);
    expect(result.config).toBeUndefined();
    const mine = result.issues.filter((i) => i.key === `kafka-spark-lab:${key}`);
    expect(mine.map((i) => i.message)).toContainEqual(expect.stringMatching(message));
    for (const i of mine) expect(i.fix).toMatch(/pulumi config|lower|give one cluster|request more quota/);
    // The message never echoes a password.
    const text = new ConfigValidationError(result.issues).message;
    for (const secret of [invalid.clusterLoginPassword, invalid.sshPassword, VALID_AZURE.clusterLoginPassword, VALID_AZURE.sshPassword]) {
      if (secret) expect(text).not.toContain(secret);
    }
  });
});

describe("secrets and warnings", () => {
  test("a password stored in plain text is refused", () => {
    const result = validate({}, new Set(["sshPassword"]));
    expect(result.issues).toEqual([expect.objectContaining({
      key: "kafka-spark-lab:clusterLoginPassword",
      message: expect.stringMatching(/plain text/),
      fix: expect.stringMatching(/pulumi config set --secret clusterLoginPassword/),
    })]);
  });

  test("without coreQuota the total is a warning, not an error", () => {
    const result = validate({ coreQuota: undefined });
    expect(result.issues).toEqual([]);
    expect(result.warnings).toContainEqual(expect.stringMatching(/needs 66 cores of HDInsight quota in westeurope.*az hdinsight list-usage -l westeurope/));
  });

  test("with coreQuota and enough quota there is no quota warning", () => {
    expect(validate({ coreQuota: "66" }).warnings).toEqual([]);
  });

  test("the local target needs no Azure settings", () => {
    const result = validateConfig({ target: "local" });
    expect(result.issues).toEqual([]);
    expect(result.config?.target).toBe("local");
  });

  test("all problems are reported at once", () => {
    const result = validate({ baseName: undefined, sshUser: "root", kafkaDisksPerNode: "12", hdinsightVersion: "4.0" });
    expect(new Set(result.issues.map((i) => i.key))).toEqual(new Set(["baseName", "sshUser", "kafkaDisksPerNode", "hdinsightVersion"].map((k) => `kafka-spark-lab:${k}`)));
  });
});

describe("helpers", () => {
  test.each([
    ["Ad1mi!Xyzwq", "admin", false],
    ["xxADMyy", "admin", true],
    ["pass-ssh-1", "sshuser", true],
    ["ab", "abc", false],
  ])("sharesThreeChars(%s, %s) = %s", (password, name, expected) => {
    expect(sharesThreeChars(password, name)).toBe(expected);
  });

  test.each([
    ["10.0.0.0/16", "10.0.0.0/24", true],
    ["10.0.0.0/16", "10.0.255.0/24", true],
    ["10.0.0.0/16", "10.1.0.0/24", false],
    ["10.0.0.0/24", "10.0.0.0/16", false],
    ["10.0.0.0/8", "10.200.3.0/28", true],
  ])("cidrContains(%s, %s) = %s", (outer, inner, expected) => {
    expect(cidrContains(outer, inner)).toBe(expected);
  });
});

describe("the deadline (autoDeleteAfter, expiresAt)", () => {
  const now = new Date("2026-12-02T06:30:20Z");
  const azure = (extra: Record<string, string>) => validateConfig({ ...VALID_AZURE, ...extra }, new Set(AZURE_SECRET_KEYS), now);
  const deadlineOf = (extra: Record<string, string>) => {
    const r = azure(extra);
    expect(r.issues).toEqual([]);
    return r.config?.target === "azure" ? r.config.autoDelete : "not azure";
  };

  test("on by default: the first deployment + 8 h, rounded up to the minute, kept from the first run", () => {
    expect(deadlineOf({})).toEqual({ at: "2026-12-02T14:31:00.000Z", explicit: false });
  });
  test("autoDeleteAfter in minutes, hours or days", () => {
    expect(deadlineOf({ autoDeleteAfter: "90m" })).toEqual({ at: "2026-12-02T08:01:00.000Z", explicit: false });
    expect(deadlineOf({ autoDeleteAfter: "2d" })).toEqual({ at: "2026-12-04T06:31:00.000Z", explicit: false });
  });
  test("off only when said: no deadline", () => {
    expect(deadlineOf({ autoDeleteAfter: "off" })).toBeUndefined();
  });
  test("an explicit expiresAt is the deadline, as given (what npm run extend writes)", () => {
    expect(deadlineOf({ expiresAt: "2026-12-03T18:00:00Z" })).toEqual({ at: "2026-12-03T18:00:00.000Z", explicit: true });
    expect(deadlineOf({ expiresAt: "2026-12-04" })).toEqual({ at: "2026-12-04T00:00:00.000Z", explicit: true });
  });
  test("an expired expiresAt is refused with the way out, before anything is declared", () => {
    const r = azure({ expiresAt: "2026-12-02T06:00:00Z" });
    expect(r.config).toBeUndefined();
    expect(r.issues).toEqual([expect.objectContaining({ key: "kafka-spark-lab:expiresAt", message: expect.stringContaining("in the past"), fix: expect.stringContaining("npm run extend") })]);
  });
});
