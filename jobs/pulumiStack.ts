/**
 * The one way to reach a Pulumi stack: open or select it through Pulumi's Automation API (which
 * drives the Pulumi CLI), read its outputs, else (for a local stack, whose outputs are a pure
 * function of its config file) derive them from `Pulumi.<stack>.yaml`. Every failure of the CLI is
 * mapped once (`pulumiStackError`) to one of our errors: not installed, not logged in, no such
 * stack, a passphrase missing or wrong (asked for at a terminal, as Pulumi asks), `up`/`destroy`
 * failing, or anything else with the CLI's own error line. Outputs, the demo's `up`, teardown, the
 * deadline, extend and cost all come here.
 * Automation API: https://www.pulumi.com/docs/iac/using-pulumi/automation-api/
 */
import type { OutputMap, Stack } from "@pulumi/pulumi/automation";
import { existsSync, readFileSync } from "fs";
import { join } from "path";
import { load } from "js-yaml";
import type { ZodObject } from "zod";
import { LocalConfig, PROJECT, validateConfig } from "../stacks/config";
import { localStackOutputs, topologyFor } from "../stacks/local/topology";
import { twinTopologyFor, twinTopologyKeys } from "../stacks/twin/config";
import { twinStackOutputs } from "../stacks/twin/topology";
import { jobJarBlobName, sourceHash } from "../stacks/jobJar";
import { TWIN_PASSWORD_VARIABLE } from "../stacks/twin/compose";
import { AZURE_OUTPUTS, AzureOutputs, LOCAL_OUTPUTS, LocalOutputs, SECRET_OUTPUTS, TWIN_OUTPUTS, type TwinOutputs } from "../stacks/outputs";
import { AzureOnlyError, LabError, PulumiPassphraseError, PulumiUpdateError, StackOutputsError } from "../lib/errors";
import { promptHidden, type TerminalInput, type TextOutput } from "./secrets";

/** The stack a command uses when none is named: the free local one. */
export const DEFAULT_STACK = "dev";

/** Output name to plain value; secret outputs are readable but not enumerable (see `plainOutputs`). */
export type StackOutputs = Record<string, unknown>;

/** Reads a stack's outputs from Pulumi; commands take it as a dependency, so tests pass their own. */
export type ReadStackOutputs = (stackName: string, options: { workDir: string }) => Promise<StackOutputs>;

/** The parts of a Pulumi stack the commands use (the Automation API's, or a test's). */
export interface PulumiStack {
  name: string;
  outputs(): Promise<StackOutputs>;
  resources(): Promise<{ type: string; name: string }[]>;
  up(onOutput: (text: string) => void): Promise<void>;
  destroy(onOutput: (text: string) => void): Promise<void>;
  /** A config value of this project (key without the project prefix). */
  getConfig(key: string): Promise<string | undefined>;
  /** Sets a config value, or removes it when `value` is undefined. */
  setConfig(key: string, value: string | undefined): Promise<void>;
}

/** What the Pulumi CLI says when no backend is logged in (non-interactive sessions cannot prompt). */
const NOT_LOGGED_IN = /PULUMI_ACCESS_TOKEN must be set for login|not logged in|pulumi login/i;
/** What it says when the stack's secrets are under a passphrase it was not given, or was given wrong. */
const PASSPHRASE_MISSING = /passphrase must be set with PULUMI_CONFIG_PASSPHRASE/i;
const PASSPHRASE_WRONG = /incorrect passphrase/i;

/** How to give Pulumi the passphrase of a state on disk, without putting it in argv. */
export const PASSPHRASE_FIX =
  "set PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE, a file holding it) in the environment, or run this at a terminal to be asked for it; " +
  "a local stack also comes up without Pulumi: npm run demo -- --via compose";

/**
 * A failure of the Pulumi CLI as one of our errors: the cause named, with what to do, never the
 * Automation API's transcript ("Command failed with exit code ..."). `doing` says what failed
 * (reading outputs by default; `up` and `destroy` fail as PulumiUpdateError).
 */
export function pulumiStackError(stackName: string, workDir: string, e: unknown, doing: "outputs" | "up" | "destroy" = "outputs"): LabError {
  if (e instanceof LabError) return e;
  const text = e instanceof Error ? e.message : String(e);
  if (/ENOENT/.test(text) && /pulumi/.test(text)) {
    return new StackOutputsError(
      `Reading the outputs of stack "${stackName}" needs the Pulumi CLI, which is not on PATH: ` +
        "install the Pulumi CLI (https://www.pulumi.com/docs/install/) or use --cluster/--ambari-url/--user",
      { cause: e, reason: "cli-missing" },
    );
  }
  if (PASSPHRASE_MISSING.test(text)) {
    return new PulumiPassphraseError(`Pulumi keeps the secrets of stack "${stackName}" under a passphrase (a state on disk, pulumi login --local), and none was given: ${PASSPHRASE_FIX}`, { cause: e });
  }
  if (PASSPHRASE_WRONG.test(text)) {
    return new PulumiPassphraseError(`Pulumi refused the passphrase of stack "${stackName}" (incorrect passphrase): give the one the stack was created with; ${PASSPHRASE_FIX}`, { cause: e });
  }
  if (NOT_LOGGED_IN.test(text)) {
    return new StackOutputsError(
      `Pulumi is not logged in here, so the outputs of stack "${stackName}" cannot be read: log in to the backend the stack ` +
        "was deployed with (`pulumi login` for Pulumi Cloud, `pulumi login --local` or `pulumi login file://<dir>` for a state on disk; " +
        "or set PULUMI_BACKEND_URL / PULUMI_ACCESS_TOKEN), then run the command again",
      { cause: e, reason: "not-logged-in" },
    );
  }
  if (/no stack named/i.test(text)) {
    return new StackOutputsError(`Pulumi has no stack "${stackName}" for the project in ${workDir}: see \`pulumi stack ls\``, { cause: e, reason: "no-stack" });
  }
  if (doing !== "outputs") {
    return new PulumiUpdateError(`pulumi ${doing} --stack ${stackName} failed: ${cliErrorLine(e, text)} (the whole log: pulumi stack history --stack ${stackName}, or run pulumi ${doing} --stack ${stackName} yourself)`, { cause: e });
  }
  return new StackOutputsError(`Could not read the outputs of stack "${stackName}": ${cliErrorLine(e, text)}`, { cause: e });
}

/**
 * The Automation API's CommandError holds the whole CLI transcript, starting with "Command failed
 * with exit code N: <command>"; the CLI's own "error: ..." line is the one that says what went wrong.
 */
function cliErrorLine(e: unknown, text: string): string {
  const stderr = (e as { commandResult?: { stderr?: string } }).commandResult?.stderr ?? text;
  const lines = stderr.split("\n").map((l) => l.trim()).filter(Boolean);
  const error = lines.find((l) => /^error:/i.test(l));
  return (error ?? lines[0] ?? text).replace(/^error:\s*/i, "");
}

/** Where a passphrase may be asked for: a terminal's stdin and where the prompt goes (stderr). */
export interface PassphrasePrompt {
  stdin: TerminalInput;
  prompt: TextOutput;
  /** Told the passphrase once typed, so that the command's output redacts it. */
  onSecret?: (secret: string) => void;
}

/**
 * The running command's terminal (jobs/cli/command.ts sets it when a command starts, with its
 * redacting stderr), for the Automation API calls deep inside its jobs; none outside a command.
 */
let commandTerminal: PassphrasePrompt | undefined;
export function usePassphrasePrompt(terminal: PassphrasePrompt | undefined): void {
  commandTerminal = terminal;
}

/** Pulumi's own prompt (https://www.pulumi.com/docs/iac/concepts/secrets/#passphrase), hidden; undefined when stdin is no terminal. */
async function askPassphrase(t: PassphrasePrompt | undefined): Promise<string | undefined> {
  if (!t?.stdin.isTTY || !t.stdin.setRawMode) return undefined;
  const passphrase = await promptHidden("Enter your passphrase to unlock config/secrets\n    (set PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE to remember): ", t.stdin, t.prompt);
  if (passphrase) t.onSecret?.(passphrase);
  return passphrase || undefined;
}

export interface OpenStackOptions {
  create?: boolean;
  /** Where to ask for a missing passphrase (default: the running command's terminal, if any). */
  terminal?: PassphrasePrompt;
}

/**
 * Selects the stack (or creates it, with `create`) through the Automation API. Every failure is one
 * of our errors (see `pulumiStackError`); a passphrase Pulumi needs and was not given is asked for
 * once at a terminal, then every call of this stack runs again with it in Pulumi's environment.
 */
export async function openPulumiStack(stackName: string, workDir: string, o: OpenStackOptions = {}): Promise<PulumiStack> {
  // Loaded on demand: the Automation API costs about a second to import, and only --stack needs it.
  const { LocalWorkspace } = await import("@pulumi/pulumi/automation");
  const envVars: Record<string, string> = {};
  let asked = false;
  const opened: { stack?: Stack } = {};
  const withPassphrase = async <T>(work: () => Promise<T>, doing: "outputs" | "up" | "destroy" = "outputs"): Promise<T> => {
    try {
      return await work();
    } catch (e) {
      const mapped = pulumiStackError(stackName, workDir, e, doing);
      // Asked once: a wrong passphrase typed at the prompt is said as such, not asked again and again.
      if (!(mapped instanceof PulumiPassphraseError) || asked || process.env.PULUMI_CONFIG_PASSPHRASE || process.env.PULUMI_CONFIG_PASSPHRASE_FILE) throw mapped;
      asked = true;
      const passphrase = await askPassphrase(o.terminal ?? commandTerminal);
      if (passphrase === undefined) throw mapped;
      envVars.PULUMI_CONFIG_PASSPHRASE = passphrase;
      if (opened.stack) opened.stack.workspace.envVars.PULUMI_CONFIG_PASSPHRASE = passphrase;
      return await work().catch((again: unknown) => { throw pulumiStackError(stackName, workDir, again, doing); });
    }
  };
  const open = () => (o.create ? LocalWorkspace.createOrSelectStack({ stackName, workDir }, { envVars }) : LocalWorkspace.selectStack({ stackName, workDir }, { envVars }));
  const s: Stack = await withPassphrase(open);
  opened.stack = s;
  const key = (k: string) => `${PROJECT}:${k}`;
  return {
    name: stackName,
    outputs: () => withPassphrase(async () => plainOutputs(await s.outputs())),
    resources: () => withPassphrase(async () => ((await s.exportStack()).deployment?.resources ?? []).map((r: { type: string; urn: string }) => ({ type: r.type, name: r.urn.split("::").pop() ?? r.urn }))),
    up: (onOutput) => withPassphrase(async () => { await s.up({ onOutput }); }, "up"),
    destroy: (onOutput) => withPassphrase(async () => { await s.destroy({ onOutput }); }, "destroy"),
    getConfig: (k) => withPassphrase(async () => (await s.getAllConfig())[key(k)]?.value),
    setConfig: (k, value) => withPassphrase(async () => { if (value === undefined) await s.removeConfig(key(k)); else await s.setConfig(key(k), { value }); }),
  };
}

/** A stack's outputs from Pulumi (the CLI, through the Automation API). */
export const readStackOutputs: ReadStackOutputs = async (stackName, { workDir }) => (await openPulumiStack(stackName, workDir)).outputs();

/**
 * A stack's outputs: Pulumi's when it has them, else, for a local stack, the ones its config file
 * gives (`pulumi up` exports exactly those): a user who started it with the compose file may have
 * no Pulumi CLI, no login, or no Pulumi stack at all. So for a twin's, its cluster login password
 * then taken from TWIN_CLUSTER_LOGIN_PASSWORD, the variable its compose file takes it from. An Azure stack's outputs live only in the
 * Pulumi state, so its failure is the answer.
 */
export async function readStack(stackName: string, workDir: string, readOutputs: ReadStackOutputs = readStackOutputs, env: Record<string, string | undefined> = process.env): Promise<StackOutputs> {
  let outputs: StackOutputs = {};
  let failure: unknown;
  try {
    outputs = await readOutputs(stackName, { workDir });
    if (outputs.target !== undefined) return outputs;
  } catch (e) {
    failure = e;
  }
  const derived = localOutputsFromStackFile(stackName, workDir) ?? twinOutputsFromStackFile(stackName, workDir, env);
  if (derived) return derived;
  if (failure !== undefined) throw failure;
  return outputs;
}

/**
 * Unwraps Pulumi's `{ value, secret }` pairs. Secret values stay readable by name but are made
 * non-enumerable, so logging or serialising the whole object (console.log, JSON.stringify,
 * spreading) leaves them out.
 */
export function plainOutputs(outputs: OutputMap): StackOutputs {
  const plain: StackOutputs = {};
  for (const [name, { value, secret }] of Object.entries(outputs)) {
    Object.defineProperty(plain, name, { value, enumerable: !secret, writable: false, configurable: false });
  }
  return plain;
}

// ------------------------------------------------------------------------ the stack file

export interface StackFile {
  file: string;
  /** Plain config values without the project prefix. */
  raw: Record<string, string>;
  /** Names of the secure values, whose values never leave the file. */
  secureKeys: Set<string>;
}

/** `Pulumi.<stack>.yaml`'s config; undefined when the file does not exist. */
export function readStackFile(stackName: string, workDir: string): StackFile | undefined {
  const file = join(workDir, `Pulumi.${stackName}.yaml`);
  if (!existsSync(file)) return undefined;
  let settings: { config?: Record<string, unknown> } | undefined;
  try {
    settings = load(readFileSync(file, "utf8")) as typeof settings;
  } catch (e) {
    throw new StackOutputsError(`${file} is not valid YAML: ${(e as Error).message.split("\n")[0]}`, { cause: e });
  }
  const prefix = `${PROJECT}:`;
  const raw: Record<string, string> = {};
  const secureKeys = new Set<string>();
  for (const [key, value] of Object.entries(settings?.config ?? {})) {
    if (!key.startsWith(prefix)) continue;
    // Secure values are objects ({ secure: ... }): only their names are kept.
    if (typeof value === "object" && value !== null) secureKeys.add(key.slice(prefix.length));
    else raw[key.slice(prefix.length)] = String(value);
  }
  return { file, raw, secureKeys };
}

/** The stack file, or an error naming the stack and how to find the right name. */
export function requireStackFile(stackName: string, workDir: string, hint = "pass --stack <name> (pulumi stack ls lists them)"): StackFile {
  const f = readStackFile(stackName, workDir);
  if (!f) throw new StackOutputsError(`no stack file Pulumi.${stackName}.yaml here: ${hint}`);
  return f;
}

/** A local stack's validated config from `Pulumi.<stack>.yaml`; undefined when missing or not local. */
export function localConfigFromStackFile(stackName: string, workDir: string): LocalConfig | undefined {
  const stackFile = readStackFile(stackName, workDir);
  if (!stackFile) return undefined;
  const { file, raw } = stackFile;
  if (raw.target !== "local") return undefined;
  const { config, issues } = validateConfig(raw);
  if (!config || config.target !== "local") {
    throw new StackOutputsError(`${file}: ${issues.map((i) => `${i.key}: ${i.message} (fix: ${i.fix})`).join("; ")}`);
  }
  return config;
}

/**
 * The outputs of a local stack derived from `Pulumi.<stack>.yaml` and the topology, the same
 * function `pulumi up` exports them from; undefined when the file is missing or targets Azure.
 */
export function localOutputsFromStackFile(stackName: string, workDir: string): StackOutputs | undefined {
  const config = localConfigFromStackFile(stackName, workDir);
  return config && localStackOutputs(topologyFor(config, PROJECT, stackName));
}

/**
 * A twin's outputs derived from `Pulumi.<stack>.yaml` and its topology, as `pulumi up` exports them;
 * the password from the environment (TWIN_CLUSTER_LOGIN_PASSWORD) when set. Undefined when the file
 * is missing or is not a twin's.
 */
export function twinOutputsFromStackFile(stackName: string, workDir: string, env: Record<string, string | undefined> = process.env): StackOutputs | undefined {
  const stackFile = readStackFile(stackName, workDir);
  if (stackFile?.raw.target !== "twin") return undefined;
  const { keys, issues } = twinTopologyKeys(stackFile.raw);
  if (!keys) throw new StackOutputsError(`${stackFile.file}: ${issues.map((i) => `${i.key}: ${i.message} (fix: ${i.fix})`).join("; ")}`);
  const password = env[TWIN_PASSWORD_VARIABLE];
  // The jar's name carries the sources' stamp as `pulumi up` would give it: built and put in the twin's storage when first used.
  const jar = jobJarBlobName({ of: "sources", stamp: sourceHash() });
  return { ...twinStackOutputs(twinTopologyFor(keys, PROJECT, stackName), jar), ...(password ? { clusterLoginPassword: password } : {}) };
}

// ------------------------------------------------------------------------ typed outputs

/**
 * A stack's outputs checked against its target's schema. Only the outputs a command needs
 * (`needs`) must be present: a stack deployed by an older version lacks newer ones, and a
 * command that does not use them should still run.
 */
export function parseOutputs<T extends "local" | "azure", K extends keyof (T extends "local" ? LocalOutputs : AzureOutputs)>(
  stack: string,
  outputs: Record<string, unknown>,
  target: T,
  needs: readonly K[],
): Pick<T extends "local" ? LocalOutputs : AzureOutputs, K> & { target: T } {
  if (target === "azure" && outputs.target === "twin") return twinAsAzure(stack, outputs, needs as readonly string[]) as never;
  if (outputs.target !== target) {
    throw new StackOutputsError(`Stack "${stack}" ${outputs.target === undefined ? "has no output target" : `is a ${String(outputs.target)} stack`}; this needs a ${target} stack (was it deployed by this project?)`);
  }
  return pickOutputs(stack, outputs, (target === "local" ? LOCAL_OUTPUTS : AZURE_OUTPUTS) as unknown as ZodObject, needs as readonly string[], target) as never;
}

/** What an Azure output is, for the message that a twin has none. */
function azureOnlyWhat(key: string): string | undefined {
  if (/^(resourceGroup|location|vnetId|subnetId)/.test(key)) return "Azure Resource Manager resources (a resource group, a VNet)";
  if (key === "estimatedCost") return "a cost (a twin costs nothing)";
  if (key.startsWith("autoDelete")) return "a deadline (a Logic App that deletes the resource group)";
  if (key.startsWith("storage")) return "an Azure storage account (a twin keeps its files in HDFS on its Spark head node)";
  return undefined;
}

/**
 * A twin's outputs read as an Azure stack's: the Azure path runs on them unchanged. An output only
 * Azure has is refused with AzureOnlyError, naming it.
 */
function twinAsAzure(stack: string, outputs: Record<string, unknown>, needs: readonly string[]): Record<string, unknown> {
  const shape = (TWIN_OUTPUTS as unknown as ZodObject).shape as Record<string, unknown>;
  for (const key of needs) {
    if (key in shape) continue;
    const what = azureOnlyWhat(key);
    if (what) throw new AzureOnlyError(`Stack "${stack}" is a twin (HDInsight 5.1 on this machine's Docker engine): it has no ${key}, since only Azure has ${what}. Run this on an Azure stack (--stack azure).`);
    throw new StackOutputsError(`Stack "${stack}" is a twin, which has no output ${key} (stacks/twin/README.md says what a twin has)`);
  }
  if (needs.includes("clusterLoginPassword") && outputs.clusterLoginPassword === undefined) {
    throw new StackOutputsError(`Stack "${stack}" is a twin whose cluster login password this command cannot read: export ${TWIN_PASSWORD_VARIABLE} (the password its compose file was given), or deploy it with \`pulumi up --stack ${stack}\` (the password is then read from the stack's outputs)`);
  }
  return pickOutputs(stack, outputs, TWIN_OUTPUTS as unknown as ZodObject, needs, "azure");
}

/** Whether a stack's commands take the Azure path: an Azure stack, or a twin rehearsing it. */
export const onAzurePath = (outputs: StackOutputs): boolean => outputs.target === "azure" || outputs.target === "twin";

/** A twin's own outputs (those the Azure shape lacks, e.g. its head node's container). */
export function parseTwinOutputs<K extends keyof TwinOutputs>(stack: string, outputs: Record<string, unknown>, needs: readonly K[]): Pick<TwinOutputs, K> {
  if (outputs.target !== "twin") throw new StackOutputsError(`Stack "${stack}" is not a twin (target ${String(outputs.target)})`);
  return pickOutputs(stack, outputs, TWIN_OUTPUTS as unknown as ZodObject, needs as readonly string[], "twin") as Pick<TwinOutputs, K>;
}

function pickOutputs(stack: string, outputs: Record<string, unknown>, schema: ZodObject, needs: readonly string[], target: string): Record<string, unknown> {
  const picked = schema.pick(Object.fromEntries(needs.map((k) => [k, true])) as never);
  const parsed = picked.safeParse(outputs);
  if (!parsed.success) {
    const key = String(parsed.error.issues[0].path[0]);
    throw new StackOutputsError(outputs[key] === undefined
      ? `Stack "${stack}" has no output ${key}: was \`pulumi up --stack ${stack}\` run to the end?`
      : `Stack "${stack}" has an unexpected value for the output ${key} (${parsed.error.issues[0].message}): run \`pulumi up --stack ${stack}\` again`);
  }
  const result = { ...(parsed.data as object), target } as Record<string, unknown>;
  for (const name of SECRET_OUTPUTS) {
    if (name in result) Object.defineProperty(result, name, { value: result[name], enumerable: false });
  }
  return result;
}
