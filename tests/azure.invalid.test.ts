/**
 * The real index.ts with a config that breaks five rules: it must stop before declaring any
 * resource, with one message per broken key, and never print a password.
 */
import { runProgram, ProgramRun } from "./support/pulumiProgram";
import { VALID_AZURE, AZURE_SECRET_KEYS } from "./support/fixtures";
import { ConfigValidationError } from "../stacks/config";

const BROKEN: Record<string, string> = {
  ...VALID_AZURE,
  clusterLoginPassword: "Nodigits!Here",   // no digit
  sshUser: "hadoop",                       // reserved on HDInsight nodes
  kafkaWorkerNodeCount: "2",               // fewer than 3 brokers
  kafkaZookeeperNodeSize: "Standard_A4",    // retired A-series v1
  subnetAddressPrefix: "192.168.0.0/24",   // outside 10.0.0.0/16
};
const BROKEN_KEYS = ["clusterLoginPassword", "sshUser", "kafkaWorkerNodeCount", "kafkaZookeeperNodeSize", "subnetAddressPrefix"];

let run: ProgramRun;
beforeAll(async () => {
  run = await runProgram(BROKEN, { stack: "azure", secretKeys: AZURE_SECRET_KEYS });
});

test("fails with a config error before any resource is registered", () => {
  expect(run.error).toBeInstanceOf(ConfigValidationError);
  expect(run.resources).toEqual([]);
});

test("gives five messages, one per broken key", () => {
  const error = run.error as ConfigValidationError;
  expect(error.issues.map((i) => i.key).sort()).toEqual(BROKEN_KEYS.map((k) => `kafka-spark-lab:${k}`).sort());
  for (const key of BROKEN_KEYS) expect(error.message).toContain(`kafka-spark-lab:${key}:`);
  expect(error.message).toMatch(/^Invalid stack configuration: 5 problems; nothing was created\./);
});

test("says how to fix each, without echoing the password", () => {
  const error = run.error as ConfigValidationError;
  expect(error.message).toContain("kafka-spark-lab:clusterLoginPassword: must contain a digit.\n      Fix: pulumi config set --secret clusterLoginPassword");
  expect(error.message).toContain("is a reserved name on HDInsight nodes");
  expect(error.message).toContain("retired Standard A-series v1");
  expect(error.message).toContain("192.168.0.0/24 is not inside the VNet range 10.0.0.0/16");
  expect(error.message).not.toContain(BROKEN.clusterLoginPassword);
  expect(error.message).not.toContain(BROKEN.sshPassword);
});
