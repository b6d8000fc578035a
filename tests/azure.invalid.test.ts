/**
 * The real index.ts with a config that breaks six rules, old and new kinds (tests/azure.preflightConfig.test.ts
 * has the full table): it must stop before declaring any resource, with one message per broken key,
 * and never print a password.
 */
import { runProgram, ProgramRun } from "./support/pulumiProgram";
import { VALID_AZURE, AZURE_SECRET_KEYS } from "./support/fixtures";
import { ConfigValidationError } from "../stacks/configError";

const BROKEN: Record<string, string> = {
  ...VALID_AZURE,
  clusterLoginPassword: "Nodigits!Here",   // no digit
  sshUser: "users",                        // on Microsoft's reserved list
  kafkaWorkerNodeCount: "2",               // fewer than 3 brokers
  kafkaZookeeperNodeSize: "Standard_A4",    // retired A-series v1
  subnetAddressPrefix: "10.0.0.0/28",      // too small for the nodes of both clusters
  location: "westeurop",                   // not a region (typo)
};
const BROKEN_KEYS = ["clusterLoginPassword", "sshUser", "kafkaWorkerNodeCount", "kafkaZookeeperNodeSize", "subnetAddressPrefix", "location"];

let run: ProgramRun;
beforeAll(async () => {
  run = await runProgram(BROKEN, { stack: "azure", secretKeys: AZURE_SECRET_KEYS });
});

test("fails with a config error before any resource is registered", () => {
  expect(run.error).toBeInstanceOf(ConfigValidationError);
  expect(run.resources).toEqual([]);
});

test("gives six messages, one per broken key", () => {
  const error = run.error as ConfigValidationError;
  expect(error.issues.map((i) => i.key).sort()).toEqual(BROKEN_KEYS.map((k) => `kafka-spark-lab:${k}`).sort());
  for (const key of BROKEN_KEYS) expect(error.message).toContain(`kafka-spark-lab:${key}:`);
  expect(error.message).toMatch(/^Invalid stack configuration: 6 problems; nothing was created\./);
});

test("says how to fix each, without echoing the password", () => {
  const error = run.error as ConfigValidationError;
  expect(error.message).toContain("kafka-spark-lab:clusterLoginPassword: must contain a digit.\n      Fix: pulumi config set --secret clusterLoginPassword");
  expect(error.message).toContain("is a reserved name on HDInsight nodes");
  expect(error.message).toContain("retired Standard A-series v1");
  expect(error.message).toContain("10.0.0.0/28 has 11 usable addresses (Azure keeps 5), but the two clusters need 18");
  expect(error.message).toContain('"westeurop" is not a region where HDInsight can be created');
  expect(error.message).not.toContain(BROKEN.clusterLoginPassword);
  expect(error.message).not.toContain(BROKEN.sshPassword);
});
