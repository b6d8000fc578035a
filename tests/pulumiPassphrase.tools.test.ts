/**
 * A Pulumi state on disk (`pulumi login --local`, the usual choice without Pulumi Cloud) keeps a
 * stack's secrets under a passphrase. With none in the environment, every Automation API call the
 * commands make ends in one of our errors that names the fix (never "unexpected error"); at a
 * terminal the passphrase is asked for once, hidden, as Pulumi asks; a wrong one is said as such.
 * The real Pulumi CLI, with its backend and home in a temporary directory (the tools tier: needs
 * the Pulumi CLI, no Docker).
 */
import { EventEmitter } from "events";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import execa from "execa";
import { exitCodeFor, PulumiPassphraseError } from "../lib/errors";
import { openPulumiStack, type PassphrasePrompt, PASSPHRASE_FIX } from "../jobs/pulumiStack";
import { upLocalStack } from "../jobs/local/stack";
import { PROJECT } from "../stacks/config";
import { topologyFor } from "../stacks/local/topology";
import { NOT_A_TERMINAL } from "./support/commands";

const PASSPHRASE = "correct horse 42";
const SAVED = { ...process.env };
let dir: string;

/** The CLI as a user runs it in that directory: the temporary backend, and the given environment. */
const pulumi = (args: string[], env: Record<string, string> = {}) =>
  execa("pulumi", [...args, "--non-interactive"], { cwd: dir, env: { ...process.env, ...env } });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "passphrase-"));
  mkdirSync(join(dir, "state"));
  writeFileSync(join(dir, "Pulumi.yaml"), `name: ${PROJECT}\nruntime: nodejs\n`);
  Object.assign(process.env, { PULUMI_HOME: join(dir, "home"), PULUMI_BACKEND_URL: `file://${join(dir, "state")}`, PULUMI_SKIP_UPDATE_CHECK: "true" });
  for (const name of ["PULUMI_CONFIG_PASSPHRASE", "PULUMI_CONFIG_PASSPHRASE_FILE", "PULUMI_ACCESS_TOKEN"]) delete process.env[name];
  // A stack that exists, with a secret in its config: reading its config needs the passphrase.
  await pulumi(["stack", "init", "lab"], { PULUMI_CONFIG_PASSPHRASE: PASSPHRASE });
  await pulumi(["config", "set", "--secret", "clusterLoginPassword", "Hunter2-secret", "--stack", "lab"], { PULUMI_CONFIG_PASSPHRASE: PASSPHRASE });
  await pulumi(["config", "set", "target", "local", "--stack", "lab"], { PULUMI_CONFIG_PASSPHRASE: PASSPHRASE });
}, 60_000);

afterAll(() => {
  process.env = SAVED;
  rmSync(dir, { recursive: true, force: true });
});

/** A terminal that types `typed` and Enter once the prompt is shown; what it was shown, and the secrets it was told. */
function terminal(typed: string): { t: PassphrasePrompt; shown: () => string; secrets: string[] } {
  const input = Object.assign(new EventEmitter(), {
    isTTY: true,
    setRawMode: () => input,
    setEncoding: () => input,
    pause: () => input,
    resume: () => { setImmediate(() => input.emit("data", `${typed}\r`)); return input; },
  });
  let shown = "";
  const secrets: string[] = [];
  return { t: { stdin: input as never, prompt: { write: (s: string) => (shown += s) }, onSecret: (s) => secrets.push(s) }, shown: () => shown, secrets };
}

const noTerminal: PassphrasePrompt = { stdin: NOT_A_TERMINAL, prompt: { write: () => true } };

test("a new stack, no passphrase and no terminal: exit 2 naming PULUMI_CONFIG_PASSPHRASE, _FILE and the compose path; nothing created", async () => {
  const e = await openPulumiStack("fresh", dir, { create: true, terminal: noTerminal }).catch((x: unknown) => x);
  expect(e).toBeInstanceOf(PulumiPassphraseError);
  expect(exitCodeFor(e)).toBe(2);
  expect((e as Error).message).toBe(`Pulumi keeps the secrets of stack "fresh" under a passphrase (a state on disk, pulumi login --local), and none was given: ${PASSPHRASE_FIX}`);
  expect(PASSPHRASE_FIX).toMatch(/PULUMI_CONFIG_PASSPHRASE \(or PULUMI_CONFIG_PASSPHRASE_FILE.*--via compose/);
  expect((await pulumi(["stack", "ls", "--json"])).stdout).not.toContain('"fresh"');
}, 60_000);

test("a new stack at a terminal: asked once, hidden, as Pulumi asks; the stack is created and the passphrase registered as a secret", async () => {
  const term = terminal("typed passphrase 7");
  const stack = await openPulumiStack("asked", dir, { create: true, terminal: term.t });
  expect(term.shown()).toMatch(/^Enter your passphrase to unlock config\/secrets\n {4}\(set PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE to remember\): \n$/);
  expect(term.shown()).not.toContain("typed passphrase 7");
  expect(term.secrets).toEqual(["typed passphrase 7"]);
  await stack.setConfig("clusterLoginUser", "admin");
  expect(await stack.getConfig("clusterLoginUser")).toBe("admin");
  expect((await pulumi(["stack", "ls", "--json"])).stdout).toContain('"asked"');
  // The same passphrase opens it from the CLI: it was the one the stack was created with.
  await expect(pulumi(["config", "set", "--secret", "x", "y", "--stack", "asked"], { PULUMI_CONFIG_PASSPHRASE: "typed passphrase 7" })).resolves.toBeDefined();
}, 60_000);

test("an existing stack read without its passphrase, no terminal: exit 2 with the fix, not the CLI's transcript", async () => {
  const stack = await openPulumiStack("lab", dir, { terminal: noTerminal });
  const e = await stack.getConfig("clusterLoginUser").catch((x: unknown) => x);
  expect(e).toBeInstanceOf(PulumiPassphraseError);
  expect((e as Error).message).toContain('Pulumi keeps the secrets of stack "lab" under a passphrase');
  expect((e as Error).message).not.toMatch(/Command failed|CommandError/);
}, 60_000);

test("a wrong passphrase in the environment: said as such, exit 2, not asked for again", async () => {
  process.env.PULUMI_CONFIG_PASSPHRASE = "not the one";
  try {
    const term = terminal("never typed");
    const stack = await openPulumiStack("lab", dir, { terminal: term.t });
    const e = await stack.getConfig("clusterLoginUser").catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PulumiPassphraseError);
    expect((e as Error).message).toMatch(/^Pulumi refused the passphrase of stack "lab" \(incorrect passphrase\): give the one the stack was created with; set PULUMI_CONFIG_PASSPHRASE/);
    expect(term.shown()).toBe("");
  } finally {
    delete process.env.PULUMI_CONFIG_PASSPHRASE;
  }
}, 60_000);

test("the demo's way up (pulumi up through the Automation API) on that stack: the passphrase error, exit 2, before anything is created", async () => {
  const topology = topologyFor({ localWorkerCount: 2, localBindAddress: "127.0.0.1", localKafkaHostPort: 39092, localSshPort: 32222 }, PROJECT, "lab");
  const notes: string[] = [];
  const e = await upLocalStack({ stack: "lab", workDir: dir, via: "pulumi", topology, onProgress: (m) => notes.push(m), terminal: noTerminal }).catch((x: unknown) => x);
  expect(e).toBeInstanceOf(PulumiPassphraseError);
  expect(exitCodeFor(e)).toBe(2);
  expect((await pulumi(["stack", "export", "--stack", "lab"], { PULUMI_CONFIG_PASSPHRASE: PASSPHRASE })).stdout).not.toContain("docker:index/container:Container");
}, 120_000);
