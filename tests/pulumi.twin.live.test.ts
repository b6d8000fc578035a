/**
 * `pulumi up --stack twin` for real: the project's index.ts and Pulumi.twin.yaml through Pulumi's
 * Automation API on the Docker engine, with a throwaway file backend, the cluster login a Pulumi
 * secret and a throwaway SSH key. The twin healthy, its outputs as the topology describes them
 * (the password a secret output), the Azure path reading them from Pulumi (no password in the
 * environment), a second up with no change, `npm run teardown` (pulumi destroy), nothing left.
 * The compose path and every command on the twin are tests/twin.live.test.ts. Needs the Pulumi CLI
 * with its Docker plugin, a Docker engine and the debian:bullseye base image (.ci/run provides them).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { randomBytes } from "crypto";
import execa from "execa";
import type { OpMap, Stack } from "@pulumi/pulumi/automation";
import { docker, progress, requirePulumiCli, ROOT, waitHealthy } from "./support/docker";
import { removeTwin, TWIN_STACK, twinLeftovers, twinTopology } from "./support/twin";
import { TWIN_OUTPUTS } from "../stacks/outputs";

const STACK_FILE = join(ROOT, `Pulumi.${TWIN_STACK}.yaml`);
const committedStackFile = readFileSync(STACK_FILE, "utf8");
const backend = mkdtempSync(join(tmpdir(), "pulumi-twin-state-"));
// The state's passphrase and the cluster login: random for each run, never printed.
const envVars = { PULUMI_BACKEND_URL: `file://${backend}`, PULUMI_CONFIG_PASSPHRASE: randomBytes(16).toString("hex"), PULUMI_SKIP_UPDATE_CHECK: "true" };
const PASSWORD = `Tw1n-${randomBytes(9).toString("base64url")}`;
const keyDir = mkdtempSync(join(tmpdir(), "pulumi-twin-ssh-"));
const privateKeyFile = join(keyDir, "id_ed25519");
let stack: Stack;

const changes = (ops: OpMap | undefined) => Object.fromEntries(Object.entries(ops ?? {}).filter(([op, n]) => op !== "same" && (n ?? 0) > 0));
/** An npm script as a user types it: the backend, its passphrase and the SSH key in the environment; no cluster password. */
const npmRun = (script: string, args: string[]) => {
  const env: Record<string, string | undefined> = { ...process.env, ...envVars, SSH_PRIVATE_KEY_FILE: privateKeyFile };
  delete env.TWIN_CLUSTER_LOGIN_PASSWORD;
  return execa("npm", ["run", "-s", script, "--", ...args], { cwd: ROOT, env, extendEnv: false, reject: false });
};

beforeAll(async () => {
  await requirePulumiCli();
  await docker(["image", "inspect", "debian:bullseye"]).catch(() => { throw new Error("Base image debian:bullseye is missing: BASE_IMAGE=debian:bullseye bash stacks/local/make-base-image.sh"); });
  // The compose path (twin.live.test.ts) uses the same container names and ports.
  await removeTwin();
  await execa("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "pulumi-twin-test", "-f", privateKeyFile]);
  const { LocalWorkspace } = await import("@pulumi/pulumi/automation");
  stack = await LocalWorkspace.createOrSelectStack({ stackName: TWIN_STACK, workDir: ROOT }, { envVars });
  await stack.setConfig("kafka-spark-lab:clusterLoginPassword", { value: PASSWORD, secret: true });
  await stack.setConfig("kafka-spark-lab:sshPublicKey", { value: readFileSync(`${privateKeyFile}.pub`, "utf8").trim() });
}, 120_000);

afterAll(async () => {
  if (stack) {
    await stack.destroy().catch(() => undefined);
    await stack.workspace.removeStack(TWIN_STACK).catch(() => undefined);
  }
  writeFileSync(STACK_FILE, committedStackFile);
  rmSync(backend, { recursive: true, force: true });
  rmSync(keyDir, { recursive: true, force: true });
}, 10 * 60_000);

test("pulumi up --stack twin: every node healthy, the outputs under Azure's names with the cluster login a secret", async () => {
  const started = Date.now();
  const up = await stack.up({ onOutput: () => undefined });
  progress(`pulumi up --stack twin: ${((Date.now() - started) / 1000).toFixed(1)} s, ${JSON.stringify(up.summary.resourceChanges)}`);
  expect(up.summary.result).toBe("succeeded");
  await waitHealthy(twinTopology.nodes.map((n) => n.container), 300_000, undefined, 250);
  const outputs = up.outputs;
  expect(Object.keys(outputs).sort()).toEqual(Object.keys(TWIN_OUTPUTS.shape).filter((k) => k in outputs).sort());
  expect(outputs.target.value).toBe("twin");
  expect(outputs.sparkLivyUrl.value).toBe(`${twinTopology.spark.gatewayUrl}/livy`);
  expect(outputs.clusterLoginPassword).toMatchObject({ secret: true });
  // In the state on disk the password is ciphertext (the Automation API's export decrypts it).
  const stateFiles = readdirSync(backend, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  expect(stateFiles.some((f) => f.endsWith(`${TWIN_STACK}.json`))).toBe(true);
  expect(stateFiles.filter((f) => readFileSync(f, "utf8").includes(PASSWORD))).toEqual([]);
}, 15 * 60_000);

test("npm run brokers -- --stack twin reads Pulumi's outputs, the password from its secret output: the three workers through the gateway", async () => {
  const r = await npmRun("brokers", ["--stack", TWIN_STACK]);
  expect({ code: r.exitCode, stderr: r.stderr.split("\n").filter((l) => l && !/^npm (warn|notice)/i.test(l)) })
    .toEqual({ code: 0, stderr: [`brokers: asking Ambari at ${twinTopology.kafka.gatewayUrl} (user admin) for the Kafka brokers of cluster "${twinTopology.kafka.name}"`] });
  expect(r.stdout).toBe(twinTopology.endpoints.brokers.join(","));
  expect(r.stdout + r.stderr).not.toContain(PASSWORD);
}, 120_000);

test("a second up changes nothing", async () => {
  const again = await stack.up({ onOutput: () => undefined });
  expect(changes(again.summary.resourceChanges)).toEqual({});
}, 10 * 60_000);

test("npm run teardown -- --stack twin --yes: pulumi destroy, then nothing of the twin is left by the project's labels", async () => {
  const r = await npmRun("teardown", ["--stack", TWIN_STACK, "--yes"]);
  expect(r.stderr).toMatch(/pulumi destroy --stack twin \(\d+ resources\)/);
  expect(r.stdout).toMatch(/\| left over\s+\| none/);
  expect(r.exitCode).toBe(0);
  expect((await stack.exportStack()).deployment?.resources ?? []).toHaveLength(0);
  expect(await twinLeftovers()).toEqual({ containers: [], networks: [], volumes: [] });
}, 10 * 60_000);
