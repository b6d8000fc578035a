/**
 * A deployed stack's outputs as plain values, through Pulumi's Automation API (which drives the
 * Pulumi CLI). Kept thin: scripts take the reader as a dependency, so tests pass a fake outputs
 * object and nothing here needs the CLI to be tested.
 */
import type { OutputMap } from "@pulumi/pulumi/automation";
import { existsSync, readFileSync } from "fs";
import { join } from "path";
import { load } from "js-yaml";
import { LocalConfig, PROJECT, validateConfig } from "../stacks/config";
import { localStackOutputs, topologyFor } from "../stacks/local/topology";
import { AZURE_OUTPUTS, AzureOutputs, LOCAL_OUTPUTS, LocalOutputs, SECRET_OUTPUTS } from "../stacks/outputs";
import type { ZodObject } from "zod";

/** Output name to plain value; secret outputs are readable but not enumerable (see `plainOutputs`). */
export type StackOutputs = Record<string, unknown>;

export type ReadStackOutputs = (stackName: string, options: { workDir: string }) => Promise<StackOutputs>;

/** The CLI is missing, the stack does not exist, or its outputs could not be read. */
export class StackOutputsError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StackOutputsError";
  }
}

export const readStackOutputs: ReadStackOutputs = async (stackName, { workDir }) => {
  // Loaded on demand: the Automation API costs about a second to import, and only --stack needs it.
  const { LocalWorkspace } = await import("@pulumi/pulumi/automation");
  try {
    const stack = await LocalWorkspace.selectStack({ stackName, workDir });
    return plainOutputs(await stack.outputs());
  } catch (e) {
    const text = e instanceof Error ? e.message : String(e);
    const cliMissing = /ENOENT/.test(text) && /pulumi/.test(text);
    const notLoggedIn = !cliMissing && NOT_LOGGED_IN.test(text);
    if (cliMissing || notLoggedIn) {
      // A local stack is a pure function of its config file: no state is needed to know its outputs
      // (a user who started it with the compose file may have no Pulumi CLI, or no login, at all).
      const local = localOutputsFromStackFile(stackName, workDir);
      if (local) return local;
    }
    if (cliMissing) {
      throw new StackOutputsError(
        `Reading the outputs of stack "${stackName}" needs the Pulumi CLI, which is not on PATH: ` +
          "install the Pulumi CLI (https://www.pulumi.com/docs/install/) or use --cluster/--ambari-url/--user",
        { cause: e },
      );
    }
    if (notLoggedIn) {
      throw new StackOutputsError(
        `Pulumi is not logged in here, so the outputs of stack "${stackName}" cannot be read: log in to the backend the stack ` +
          "was deployed with (`pulumi login` for Pulumi Cloud, `pulumi login --local` or `pulumi login file://<dir>` for a state on disk; " +
          "or set PULUMI_BACKEND_URL / PULUMI_ACCESS_TOKEN), then run the command again",
        { cause: e },
      );
    }
    if (/no stack named/i.test(text)) {
      throw new StackOutputsError(`Pulumi has no stack "${stackName}" for the project in ${workDir}: see \`pulumi stack ls\``, { cause: e });
    }
    throw new StackOutputsError(`Could not read the outputs of stack "${stackName}": ${cliErrorLine(e, text)}`, { cause: e });
  }
};

/** What the Pulumi CLI says when no backend is logged in (non-interactive sessions cannot prompt). */
const NOT_LOGGED_IN = /PULUMI_ACCESS_TOKEN must be set for login|not logged in|pulumi login/i;

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
 * The outputs of a local stack derived from `Pulumi.<stack>.yaml` and the topology, the same
 * function `pulumi up` exports them from; undefined when the file is missing or targets Azure
 * (whose outputs exist only in the Pulumi state).
 */
export function localOutputsFromStackFile(stackName: string, workDir: string): StackOutputs | undefined {
  const config = localConfigFromStackFile(stackName, workDir);
  return config && localStackOutputs(topologyFor(config, PROJECT, stackName));
}

/**
 * The plain config values of `Pulumi.<stack>.yaml` (without the project prefix) and the names of
 * its secure ones, whose values never leave the file; undefined when the file does not exist.
 */
export function readStackFile(stackName: string, workDir: string): { file: string; raw: Record<string, string>; secureKeys: Set<string> } | undefined {
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
