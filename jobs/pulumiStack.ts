/**
 * The one way to reach a Pulumi stack: open or select it through Pulumi's Automation API (which
 * drives the Pulumi CLI), read its outputs, else (for a local stack, whose outputs are a pure
 * function of its config file) derive them from `Pulumi.<stack>.yaml`. Every failure of the CLI is
 * mapped once (`pulumiStackError`): not installed, not logged in, no such stack, or anything else
 * with the CLI's own error line. Outputs, teardown, the deadline, extend and cost all come here.
 */
import type { OutputMap, Stack } from "@pulumi/pulumi/automation";
import { existsSync, readFileSync } from "fs";
import { join } from "path";
import { load } from "js-yaml";
import type { ZodObject } from "zod";
import { LocalConfig, PROJECT, validateConfig } from "../stacks/config";
import { localStackOutputs, topologyFor } from "../stacks/local/topology";
import { AZURE_OUTPUTS, AzureOutputs, LOCAL_OUTPUTS, LocalOutputs, SECRET_OUTPUTS } from "../stacks/outputs";
import { StackOutputsError } from "../lib/errors";

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

/**
 * A failure of the Pulumi CLI as one StackOutputsError: the cause named, with what to do, never
 * the Automation API's transcript ("Command failed with exit code ...").
 */
export function pulumiStackError(stackName: string, workDir: string, e: unknown): StackOutputsError {
  if (e instanceof StackOutputsError) return e;
  const text = e instanceof Error ? e.message : String(e);
  if (/ENOENT/.test(text) && /pulumi/.test(text)) {
    return new StackOutputsError(
      `Reading the outputs of stack "${stackName}" needs the Pulumi CLI, which is not on PATH: ` +
        "install the Pulumi CLI (https://www.pulumi.com/docs/install/) or use --cluster/--ambari-url/--user",
      { cause: e, reason: "cli-missing" },
    );
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

/**
 * Selects the stack (or creates it, with `create`) through the Automation API; every failure is a
 * StackOutputsError whose `reason` says which (see `pulumiStackError`).
 */
export async function openPulumiStack(stackName: string, workDir: string, o: { create?: boolean } = {}): Promise<PulumiStack> {
  // Loaded on demand: the Automation API costs about a second to import, and only --stack needs it.
  const { LocalWorkspace } = await import("@pulumi/pulumi/automation");
  const mapped = <T>(work: () => Promise<T>) => work().catch((e: unknown) => { throw pulumiStackError(stackName, workDir, e); });
  const s: Stack = await mapped(() => (o.create ? LocalWorkspace.createOrSelectStack({ stackName, workDir }) : LocalWorkspace.selectStack({ stackName, workDir })));
  const key = (k: string) => `${PROJECT}:${k}`;
  return {
    name: stackName,
    outputs: () => mapped(async () => plainOutputs(await s.outputs())),
    resources: () => mapped(async () => ((await s.exportStack()).deployment?.resources ?? []).map((r: { type: string; urn: string }) => ({ type: r.type, name: r.urn.split("::").pop() ?? r.urn }))),
    // up and destroy fail for reasons of their own (a provider, Azure): their errors pass as they are.
    up: async (onOutput) => { await s.up({ onOutput }); },
    destroy: async (onOutput) => { await s.destroy({ onOutput }); },
    getConfig: (k) => mapped(async () => (await s.getAllConfig())[key(k)]?.value),
    setConfig: (k, value) => mapped(async () => { if (value === undefined) await s.removeConfig(key(k)); else await s.setConfig(key(k), { value }); }),
  };
}

/** A stack's outputs from Pulumi (the CLI, through the Automation API). */
export const readStackOutputs: ReadStackOutputs = async (stackName, { workDir }) => (await openPulumiStack(stackName, workDir)).outputs();

/**
 * A stack's outputs: Pulumi's when it has them, else, for a local stack, the ones its config file
 * gives (`pulumi up` exports exactly those): a user who started it with the compose file may have
 * no Pulumi CLI, no login, or no Pulumi stack at all. An Azure stack's outputs live only in the
 * Pulumi state, so its failure is the answer.
 */
export async function readStack(stackName: string, workDir: string, readOutputs: ReadStackOutputs = readStackOutputs): Promise<StackOutputs> {
  let outputs: StackOutputs = {};
  let failure: unknown;
  try {
    outputs = await readOutputs(stackName, { workDir });
    if (outputs.target !== undefined) return outputs;
  } catch (e) {
    failure = e;
  }
  const derived = localOutputsFromStackFile(stackName, workDir);
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
  if (outputs.target !== target) {
    throw new StackOutputsError(`Stack "${stack}" ${outputs.target === undefined ? "has no output target" : `is a ${String(outputs.target)} stack`}; this needs a ${target} stack (was it deployed by this project?)`);
  }
  const schema = (target === "local" ? LOCAL_OUTPUTS : AZURE_OUTPUTS) as unknown as ZodObject;
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
  return result as never;
}
