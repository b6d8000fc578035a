/**
 * `pulumi up` for real: the project's own index.ts and Pulumi.dev.yaml driven through Pulumi's
 * Automation API on a real Docker engine, with a throwaway file backend. Preview, up, the cluster
 * healthy and the outputs as the topology describes them, a second up and a refresh-preview with
 * no change, the brokers and topics commands through --stack, npm run teardown, nothing left.
 * Needs the Pulumi CLI with its Docker plugin, a Docker engine and the debian:bookworm base image
 * (.ci/run provides all three).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { randomBytes } from "crypto";
import execa from "execa";
import { Kafka, logLevel } from "kafkajs";
import type { OpMap, Stack } from "@pulumi/pulumi/automation";
import { PROJECT } from "../stacks/config";
import { describeTopology, localStackOutputs } from "../stacks/local/topology";
import { contentTaggedImage, IMAGE_CONTEXT } from "../stacks/local/image";
import { pathWithout } from "./support/path";
import { compose, docker, leftovers, progress, requireDockerAndBase, requirePulumiCli, ROOT } from "./support/docker";

const STACK = "dev";
const STACK_FILE = join(ROOT, `Pulumi.${STACK}.yaml`);
// Pulumi.dev.yaml as committed: the stack's settings, which the program reads like a user's `pulumi up`.
const expected = describeTopology({ project: PROJECT, stack: STACK, image: contentTaggedImage(IMAGE_CONTEXT) });
const TOPIC = "pulumi-live";

const backend = mkdtempSync(join(tmpdir(), "pulumi-state-"));
// Each run encrypts its own throwaway state: a random passphrase, never printed.
const envVars = {
  PULUMI_BACKEND_URL: `file://${backend}`,
  PULUMI_CONFIG_PASSPHRASE: randomBytes(16).toString("hex"),
  PULUMI_SKIP_UPDATE_CHECK: "true",
};
// Creating a stack with a passphrase writes an encryption salt into Pulumi.dev.yaml; the test puts
// the committed file back so a test run never leaves the work tree changed.
const committedStackFile = readFileSync(STACK_FILE, "utf8");
const timings: [string, number][] = [];
let stack: Stack;

async function timed<T>(step: string, run: () => Promise<T>): Promise<T> {
  progress(`pulumi ${step}`);
  const start = Date.now();
  const result = await run();
  timings.push([step, (Date.now() - start) / 1000]);
  progress(`pulumi ${step}: ${((Date.now() - start) / 1000).toFixed(1)} s`);
  return result;
}

/** Operations other than "same" in an operation count: what a run would change. */
const changes = (ops: OpMap | undefined) => Object.fromEntries(Object.entries(ops ?? {}).filter(([op, n]) => op !== "same" && (n ?? 0) > 0));

/** An npm script as a user types it, with the state backend and passphrase in the environment, never in argv. */
const npmRun = (script: string, args: string[]) =>
  execa("npm", ["run", "-s", script, "--", ...args], { cwd: ROOT, env: envVars, reject: false });

const health = async (container: string) =>
  (await docker(["inspect", "--format", "{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}", container])).trim();

beforeAll(async () => {
  await requirePulumiCli();
  await requireDockerAndBase();
  // The compose path (local.live.test.ts) uses the same container names and ports.
  await compose(["down", "-v", "--remove-orphans"]);
  const { LocalWorkspace } = await import("@pulumi/pulumi/automation");
  stack = await LocalWorkspace.createOrSelectStack({ stackName: STACK, workDir: ROOT }, { envVars });
}, 120_000);

afterAll(async () => {
  // Leave nothing behind even when a test failed (the destroy test asserts it on success).
  if (stack) {
    await stack.destroy().catch(() => undefined);
    await stack.workspace.removeStack(STACK).catch(() => undefined);
  }
  writeFileSync(STACK_FILE, committedStackFile);
  rmSync(backend, { recursive: true, force: true });
  const rows = timings.map(([step, s]) => `| ${step} | ${s.toFixed(1)} s |`).join("\n");
  process.stderr.write(`\nPulumi engine, live (Automation API, file backend)\n| step | time |\n|---|---|\n${rows}\n\n`);
}, 10 * 60_000);

test("preview plans the network, image, 4 volumes and 3 containers, and changes nothing", async () => {
  const preview = await timed("preview", () => stack.preview());
  // The stack, the component, network, image, 4 volumes, 3 containers.
  expect(preview.changeSummary).toEqual({ create: 11 });
  expect(await docker(["ps", "-a", "--filter", `name=^${expected.nodes[0].name}$`, "--format", "{{.Names}}"])).toBe("");
}, 10 * 60_000);

test("up builds the image for the host's platform and brings every node up healthy", async () => {
  const up = await timed("up (image build included)", () => stack.up());
  expect(up.summary.result).toBe("succeeded");
  expect(changes(up.summary.resourceChanges)).toEqual({ create: 11 });
  // The Docker provider warns when the build platform is left to chance.
  expect(up.stdout).not.toMatch(/consider explicitly setting the `platform` field/);
  // Observed on the engine, not taken from Pulumi's word: each container's own healthcheck.
  const states = await Promise.all(expected.nodes.map((n) => health(n.name)));
  expect(states).toEqual(expected.nodes.map(() => "healthy"));
}, 20 * 60_000);

test("the stack outputs are what the topology describes", async () => {
  const outputs = Object.fromEntries(Object.entries(await stack.outputs()).map(([k, v]) => [k, v.value]));
  // Values read back from the engine's state, compared with the pure description.
  expect(outputs).toEqual(localStackOutputs(expected));
});

test("a second up changes nothing", async () => {
  const up = await timed("second up", () => stack.up());
  expect(up.summary.result).toBe("succeeded");
  expect(changes(up.summary.resourceChanges)).toEqual({});
}, 10 * 60_000);

test("after a refresh, a preview shows no change (Docker's read-back values match what we declare)", async () => {
  const preview = await timed("preview --refresh", () => stack.preview({ refresh: true, diff: true }));
  expect(changes(preview.changeSummary)).toEqual({});
}, 10 * 60_000);

test("npm run brokers -- --stack dev reads the real stack outputs", async () => {
  const run = await timed("npm run brokers -- --stack dev", () => npmRun("brokers", ["--stack", STACK]));
  expect(run.exitCode).toBe(0);
  // Nothing but npm's own notices on stderr (this machine's npm warns about its user config).
  expect(run.stderr.split("\n").filter((l) => l && !/^npm (warn|notice)/i.test(l))).toEqual([]);
  expect(run.stdout.trim()).toBe(expected.endpoints.bootstrapServersHost);
}, 120_000);

test("npm run topics -- --stack dev --via-ssh creates a topic that the brokers then serve", async () => {
  const run = await timed("npm run topics -- --stack dev --via-ssh", () => npmRun("topics", ["--stack", STACK, "--via-ssh", "--topic", `${TOPIC}:3:3`]));
  expect(run.exitCode).toBe(0);
  expect(run.stdout).toMatch(new RegExp(`^${TOPIC}\\s+created\\s+3\\s+3`, "m"));
  // Checked independently of the command: a fresh kafkajs admin straight to the brokers.
  const admin = new Kafka({ clientId: "pulumi-live", brokers: expected.endpoints.bootstrapServersHost.split(","), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const [meta] = (await admin.fetchTopicMetadata({ topics: [TOPIC] })).topics;
    expect(meta.partitions).toHaveLength(3);
    expect(meta.partitions.every((p) => p.replicas.length === 3)).toBe(true);
  } finally {
    await admin.disconnect();
  }
}, 120_000);

test("without the Pulumi CLI on PATH, npm run topics -- --stack dev derives the stack from Pulumi.dev.yaml and works", async () => {
  const topic = `${TOPIC}-nocli`;
  const run = await execa("npm", ["run", "-s", "topics", "--", "--stack", STACK, "--topic", topic], { cwd: ROOT, env: { PATH: pathWithout("pulumi") }, reject: false });
  expect(run.exitCode).toBe(0);
  expect(run.stdout).toMatch(new RegExp(`^${topic}\\s+created\\s+3\\s+3`, "m"));
  const admin = new Kafka({ clientId: "pulumi-live", brokers: expected.endpoints.bootstrapServersHost.split(","), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    expect(await admin.listTopics()).toContain(topic);
  } finally {
    await admin.disconnect();
  }
}, 120_000);

test("npm run teardown -- --yes --volumes: pulumi destroy (volumes kept by Pulumi, deleted on request), then nothing of the stack is left by the project's labels", async () => {
  const run = await timed("npm run teardown (pulumi destroy + verify)", () => npmRun("teardown", ["--stack", STACK, "--yes", "--volumes"]));
  expect(run.stderr).toMatch(/pulumi destroy --stack dev \(\d+ resources\)/);
  expect(run.stdout).toMatch(/\| left over\s+\| none/);
  expect(run.exitCode).toBe(0);
  // The teardown's own measure (delete + verify), next to the whole command's time above.
  timings.push(["  of which delete + verify (teardown's table)", Number(/\| seconds\s+\|\s+([\d.]+)/.exec(run.stdout)?.[1])]);
  expect((await stack.exportStack()).deployment?.resources ?? []).toHaveLength(0);
  expect(await leftovers({
    containers: expected.endpoints.containerNames,
    network: expected.network,
    volumes: Object.values(expected.volumes).map((v) => v.name),
  })).toEqual([]);
}, 10 * 60_000);
