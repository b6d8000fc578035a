// How every command runs: its flags parsed (node:util parseArgs), --help printed with an "Exit
// codes" line generated from the one table (lib/errors.ts), everything it writes passed through
// one redacting writer (every secret it registered is replaced), and whatever it throws turned into
// its exit code and one `<command>: error: ...` line. A command is flags, one call into jobs/, and
// printing; its dependencies are injected, so tests run `main` with their own.
import { parseArgs } from "node:util";
import { join } from "node:path";
import type { AmbariClient, AmbariClientOptions } from "../azure/ambari";
import type { ArmOptions } from "../../stacks/azure/arm";
import { cachePath } from "../util/cache";
import { EXIT, exitCodeFor, exitCodesLine, type ExitKind, kafkaUnreachableHint, UsageError } from "../../lib/errors";
import type { DeadlineStack } from "../azure/deadline";
import { type BatchLedger, fileBatchLedger } from "../spark/control";
import type { JupyterContentsClient, JupyterContentsOptions } from "../notebooks/jupyter";
import type { Env, KafkaRouteDeps, KafkaRouteOptions, KafkaWhere } from "../kafka/route";
import { DEFAULT_STACK, readStack, readStackOutputs, type ReadStackOutputs, type StackOutputs, usePassphrasePrompt } from "../pulumiStack";
import { HOW_TO_PASS_PASSWORD, Secrets, secretsOfEnv, type TerminalInput } from "../secrets";
import { SECRET_OUTPUTS } from "../../stacks/outputs";
import type { SshGateway, SshGatewayOptions } from "../kafka/sshGateway";
import { chooseTextSource, type TextSource } from "../text/source";
import { JOB_NAME } from "../wordcount/job";

export interface Writable {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** What the commands use of the world; `main(argv, overrides)` replaces any of it (tests). */
export interface CommandDeps extends KafkaRouteDeps {
  stdout: Writable;
  stderr: Writable;
  stdin: TerminalInput;
  env: Env;
  fetch: typeof fetch;
  /** Where Pulumi.yaml and the stack files live (the repository root). */
  workDir: string;
  readStackOutputs: ReadStackOutputs;
  openGateway: (options: SshGatewayOptions) => Promise<SshGateway>;
  ambari?: (options: AmbariClientOptions) => Pick<AmbariClient, "kafkaBrokers">;
  /** The Jupyter contents client (npm run notebook); tests pass one with their own retries. */
  jupyter?: (options: JupyterContentsOptions) => JupyterContentsClient;
  /** Where the ids of submitted Livy batches are kept, per Livy URL. */
  ledger: (livyUrl: string) => BatchLedger;
  /** Azure Resource Manager's endpoint and credential (tests: a fake ARM); default: the user's Azure login. */
  arm?: ArmOptions;
  /** An Azure stack whose deadline `extend` moves (Pulumi's Automation API). */
  openDeadlineStack: (stack: string, workDir: string) => Promise<DeadlineStack>;
}

export const defaultDeps = (): CommandDeps => ({
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  fetch: globalThis.fetch,
  workDir: join(__dirname, "..", ".."),
  readStackOutputs,
  // Loaded when used: ssh2 and docker exec are not every command's business.
  openGateway: async (options) => (await import("../kafka/sshGateway")).SshGateway.open(options),
  readLocalSshAccess: async (master) => (await import("../local/cluster")).readLocalSshAccess(master),
  readTwinAccess: async (head) => (await import("../twin/access")).readTwinAccess(head),
  ledger: (url) => fileBatchLedger(cachePath("livy-batches.json"), url),
  openDeadlineStack: async (stack, workDir) => (await import("../azure/deadline")).automationDeadlineStack(stack, workDir),
});

/** What a running command has: its dependencies, its secrets and the writers that redact them. */
export interface CommandContext {
  deps: CommandDeps;
  /** Every secret registered here is replaced in whatever the command writes. */
  secrets: Secrets;
  /** The answer (stdout). */
  out(text: string): void;
  /** A progress or error line on stderr, behind the command's prefix. */
  note(text: string): void;
  /** A line on stderr as it is (step lines, tables of progress). */
  line(text: string): void;
  /** A stderr stream for progress bars, redacted too. */
  progressStream: NodeJS.WritableStream & { isTTY?: boolean };
  /** The stack named by --stack, or the default. */
  stackName(flag: string | undefined): string;
  /** That stack's outputs (Pulumi's, or a local stack's from its file), their secrets registered. */
  readStack(stack: string): Promise<StackOutputs>;
  /** Registers a stack's secret outputs (read some other way than `readStack`); returns the outputs. */
  knowSecretOutputs<T extends StackOutputs>(outputs: T): T;
  /** What jobs/kafka/route.ts needs, this command's secrets and notes included; `verbose`: kafkajs's log on stderr. */
  route(clientId: string, verbose?: boolean): KafkaRouteOptions;
}

type FlagSpec = { type: "string" | "boolean"; multiple?: boolean; short?: string };
type FlagSpecs = Record<string, FlagSpec>;

/** A flag's parsed value: boolean flags are booleans, repeatable ones arrays, the rest strings. */
export type Flags<O extends FlagSpecs> = {
  [K in keyof O]: O[K]["type"] extends "boolean" ? boolean | undefined : O[K]["multiple"] extends true ? string[] | undefined : string | undefined;
};

/**
 * node:util parseArgs with our usage errors. A stray positional argument is refused without
 * being quoted: it could be a mistyped secret.
 */
export function parseFlags<O extends FlagSpecs>(argv: string[], options: O): Flags<O> {
  // "--lines -5" reads to parseArgs as two flags ("argument is ambiguous"); as "--lines=-5" the
  // value reaches the flag's own check, which names the range allowed.
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const takesValue = argv[i].startsWith("--") && options[argv[i].slice(2)]?.type === "string";
    if (takesValue && /^-\d/.test(argv[i + 1] ?? "")) args.push(`${argv[i]}=${argv[++i]}`);
    else args.push(argv[i]);
  }
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values as unknown as Flags<O>;
  } catch (e) {
    if ((e as { code?: string }).code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") throw new UsageError("this command takes no positional arguments (not shown here)");
    throw new UsageError((e as Error).message);
  }
}

const REFUSED_PASSWORD_FLAGS = /^(--password|--passwd|--pass|-p)(=|$)/;

/** A password flag is refused by name, before parsing (which would only say "unknown option"). */
export function refusePasswordFlags(argv: string[]): void {
  const end = argv.indexOf("--");
  for (const token of end < 0 ? argv : argv.slice(0, end)) {
    const flag = REFUSED_PASSWORD_FLAGS.exec(token)?.[1];
    if (flag) {
      throw new UsageError(
        `${flag} is refused: a password on the command line is visible to other users (ps, /proc) and stays in shell history. ` +
          `Instead, ${HOW_TO_PASS_PASSWORD}.`,
      );
    }
  }
}

/** A whole number flag within bounds, or a usage error naming it. */
export function intFlag(name: string, value: unknown, fallback: number, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (typeof value !== "string" || !/^\d+$/.test(value) || n < min || n > max) {
    throw new UsageError(`--${name} ${String(value)}: expected a whole number from ${min} to ${max}`);
  }
  return n;
}

/** A list of host:port, each port 1-65535, checked before any connection; a usage error names the first bad one. */
export function addressesFlag(name: string, value: string): string[] {
  const items = value.split(",").map((a) => a.trim()).filter(Boolean);
  if (!items.length) throw new UsageError(`--${name}: expected host:port[,host:port...]`);
  for (const a of items) {
    const m = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(a);
    if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) throw new UsageError(`--${name} ${a}: expected host:port with a port from 1 to 65535, e.g. localhost:9092`);
  }
  return items;
}

/**
 * A URL flag for a service the command logs in to: no credentials in it (they would be visible to
 * every user, in ps and in shell history: never echoed), and https unless `insecureHttp` (Basic
 * auth over http sends the password in clear).
 */
export function serviceUrlFlag(name: string, value: string, o: { insecureHttp: boolean; hasLogin: boolean; credentialsFrom: string }): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--${name}: not a URL (expected https://host/path or http://host:port); not shown here in case it holds a secret`);
  }
  if (url.username || url.password) throw new UsageError(`--${name}: the URL carries credentials, which would be visible to other users (ps) and stay in shell history; not shown here. Put them in ${o.credentialsFrom} instead`);
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new UsageError(`--${name}: expected an http:// or https:// URL, not ${url.protocol}`);
  if (url.protocol === "http:" && o.hasLogin && !o.insecureHttp) throw new UsageError(`--${name} ${url.origin}: http:// would send the login in clear; use https://, or pass --insecure-http for a server on a network you trust`);
  return value;
}

/** --name of a word-count job (default wordcount), checked before any stack is read: it goes into topic names and shell commands. */
export function jobNameFlag(value: string | undefined): string {
  const name = value ?? "wordcount";
  if (!JOB_NAME.test(name)) throw new UsageError(`--name ${name}: use 1-64 letters, digits, - or _ (it names the job's topics)`);
  return name;
}

/** One of a list of words, or a usage error listing them. */
export function choiceFlag<T extends string>(name: string, value: string | undefined, choices: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(choices as readonly string[]).includes(value)) throw new UsageError(`--${name} ${value}: expected ${choices.slice(0, -1).join(", ")}${choices.length > 1 ? " or " : ""}${choices[choices.length - 1]}`);
  return value as T;
}

/** The flags that say what the demo and the word count count (jobs/text/source.ts, TEXT_FLAGS_HELP). */
export const TEXT_FLAGS = { lines: { type: "string" }, seed: { type: "string" }, file: { type: "string" }, from: { type: "string" }, to: { type: "string" } } as const;

/** The text those flags ask for, each number within its range. */
export function textSourceOf(f: Flags<typeof TEXT_FLAGS>): Promise<TextSource> {
  const year = (name: "from" | "to") => (f[name] === undefined ? undefined : intFlag(name, f[name], 0, 1790, 2021));
  return chooseTextSource({
    file: f.file,
    lines: f.lines === undefined ? undefined : intFlag("lines", f.lines, 0, 1, 10_000_000),
    seed: f.seed === undefined ? undefined : intFlag("seed", f.seed, 42, 0),
    from: year("from"),
    to: year("to"),
  });
}

/** --verbose, for the commands that open Kafka (jobs/kafka/route.ts builds their one Kafka config). */
export const VERBOSE_FLAG = { verbose: { type: "boolean" } } as const;
export const VERBOSE_HELP = "  --verbose             kafkajs's own log on stderr (default: off; its retries print dozens of lines)";

/** --via-ssh: a local stack reached as an Azure one is, through the master's sshd (topics, load, results). */
export const VIA_SSH_FLAGS = { "via-ssh": { type: "boolean" }, "insecure-accept-any-host-key": { type: "boolean" } } as const;
export const VIA_SSH_HELP = `  --via-ssh             local stack: go through the master's sshd, as on Azure
  --insecure-accept-any-host-key   local stack only: skip the SSH host-key check`;

/** Where Kafka is from --bootstrap, or --stack (default "dev") with --via-ssh; the stack's outputs read. */
export async function kafkaWhereOf(c: CommandContext, f: { stack?: string; bootstrap?: string; "via-ssh"?: boolean; "insecure-accept-any-host-key"?: boolean }): Promise<KafkaWhere> {
  if (f.stack !== undefined && f.bootstrap !== undefined) throw new UsageError("give --stack or --bootstrap, not both");
  if (f.bootstrap !== undefined) {
    if (f["via-ssh"] || f["insecure-accept-any-host-key"]) throw new UsageError("--via-ssh and --insecure-accept-any-host-key go with --stack");
    return { bootstrap: addressesFlag("bootstrap", f.bootstrap) };
  }
  const stack = c.stackName(f.stack);
  return { stack, outputs: await c.readStack(stack), viaSsh: f["via-ssh"], insecureAcceptAnyHostKey: f["insecure-accept-any-host-key"] };
}

/** How SSH credentials are given (azure, or --via-ssh on a local stack): shared by the commands that reach brokers. */
export const SSH_HELP = `SSH (azure): key file SSH_PRIVATE_KEY_FILE, else ssh-agent (SSH_AUTH_SOCK), else password
SSH_PASSWORD. The host key is checked against ~/.ssh/known_hosts (or SSH_KNOWN_HOSTS), or pinned
with SSH_HOST_KEY_FINGERPRINT=SHA256:...`;

function contextFor(deps: CommandDeps, prefix: () => string): CommandContext {
  const secrets = new Secrets();
  secrets.add(...secretsOfEnv(deps.env));
  const redact = (text: string) => secrets.redact(text);
  const stderr = deps.stderr as Writable & Partial<NodeJS.WriteStream>;
  // A stream-shaped view of stderr for cli-progress: writes redacted, terminal methods passed through.
  const progressStream = new Proxy(stderr, {
    get: (target, key) => (key === "write" ? (text: string) => target.write(redact(String(text))) : Reflect.get(target, key)),
  }) as unknown as NodeJS.WritableStream & { isTTY?: boolean };
  const c: CommandContext = {
    deps,
    secrets,
    out: (text) => { deps.stdout.write(redact(text)); },
    note: (text) => { deps.stderr.write(redact(`${prefix()}${text}\n`)); },
    line: (text) => { deps.stderr.write(redact(`${text}\n`)); },
    progressStream,
    stackName: (flag) => flag ?? DEFAULT_STACK,
    readStack: async (stack) => c.knowSecretOutputs(await readStack(stack, deps.workDir, deps.readStackOutputs, deps.env)),
    // Registered as soon as read: whatever later quotes one (an Ambari or Livy error body, Pulumi's output) is redacted.
    knowSecretOutputs: (outputs) => {
      for (const name of SECRET_OUTPUTS) if (typeof outputs[name] === "string") secrets.add(outputs[name]);
      return outputs;
    },
    route: (clientId, verbose = false) => ({ clientId, secrets, note: c.note, deps, kafkaLog: verbose ? c.line : undefined }),
  };
  return c;
}

/**
 * The one way a command runs: its output through the context's redacting writers, and whatever it
 * throws turned into its exit code and one message, `<command>: error: ...` (a usage error adds
 * where the help is; a bug keeps its stack).
 */
export async function runCommand(command: string, deps: CommandDeps, body: (c: CommandContext) => Promise<number>, prefix: () => string = () => `${command}: `): Promise<number> {
  const c = contextFor(deps, prefix);
  // Pulumi's passphrase, when its state needs one, is asked for on this command's terminal.
  usePassphrasePrompt({ stdin: deps.stdin, prompt: c.progressStream, onSecret: (s) => c.secrets.add(s) });
  try {
    return await body(c);
  } catch (e) {
    const code = exitCodeFor(e);
    if (code === EXIT.UNEXPECTED) {
      c.note(`unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      return code;
    }
    const cause = e instanceof Error && e.cause instanceof Error && !e.message.includes(e.cause.message) ? `\n  cause: ${e.cause.message.split("\n")[0]}` : "";
    c.note(`error: ${(e as Error).message}${kafkaUnreachableHint(e)}${cause}`);
    if (code === EXIT.USAGE) c.line(`See: npm run ${command} -- --help`);
    return code;
  } finally {
    usePassphrasePrompt(undefined);
  }
}

export interface CommandSpec<O extends FlagSpecs> {
  /** As in `npm run <name>`. */
  name: string;
  /**
   * What a user types and what it does, for the README's command table (Markdown; generated by
   * `npm run docs`). None for a maintainer's command (docs, compose:generate, corpus).
   */
  summary?: { usage: string; does: string };
  /** The usage text, without its "Exit codes" line (generated from `exits`). */
  usage: string;
  /** The failures this command can end with, besides 0 and 1. */
  exits: readonly ExitKind[];
  options: O;
  /** Checks on the raw arguments before parsing (e.g. a refused --password flag). */
  checkArgv?: (argv: string[]) => void;
  /** The prefix of the command's notes (default "<name>: "). */
  prefix?: (started: number) => string;
  /** Takes arguments for a program it starts after a lone `--` (passed to `run` as `rest`, never parsed). */
  passThrough?: boolean;
  run(flags: Flags<O>, c: CommandContext, rest: string[]): Promise<number>;
}

export interface Command {
  USAGE: string;
  main(argv: string[], overrides?: Partial<CommandDeps>): Promise<number>;
  /** What the docs are generated from: the name, the README's summary, the exit codes. */
  spec: { name: string; summary?: { usage: string; does: string }; exits: readonly ExitKind[] };
}

/** A command from its spec: `main` for tests and `runCli`, `USAGE` for docs and tests. */
export function defineCommand<O extends FlagSpecs>(spec: CommandSpec<O>): Command {
  const USAGE = `${spec.usage.trimEnd()}\n${exitCodesLine(spec.exits)}\n`;
  const options = { ...spec.options, help: { type: "boolean", short: "h" } } as O & { help: { type: "boolean"; short: "h" } };
  return {
    USAGE,
    spec: { name: spec.name, summary: spec.summary, exits: spec.exits },
    main: (argv, overrides = {}) => {
      const started = Date.now();
      return runCommand(spec.name, { ...defaultDeps(), ...overrides }, async (c) => {
        const cut = spec.passThrough ? argv.indexOf("--") : -1;
        const [own, rest] = cut < 0 ? [argv, []] : [argv.slice(0, cut), argv.slice(cut + 1)];
        spec.checkArgv?.(own);
        const f = parseFlags(own, options);
        if (f.help) { c.out(USAGE); return EXIT.OK; }
        return spec.run(f, c, rest);
      }, spec.prefix ? () => spec.prefix!(started) : undefined);
    },
  };
}

/** Runs a command from the shell: its `main` on the process's streams, then its exit code. */
export function runCli(command: Command, name: string): void {
  void command.main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
    // A failed command may leave a client retrying what broke (a broker through a lost SSH gateway
    // retries for minutes): once its output is written, nothing else is worth waiting for.
    if (code !== EXIT.OK) {
      process.stdout.write("", () => process.stderr.write("", () => process.exit()));
      return;
    }
    // A command that has finished must not hang on a handle a library left open (a client's
    // timer, a socket): say what held it, then exit with the code already set.
    setTimeout(() => {
      process.stderr.write(`${name}: finished, but ${process.getActiveResourcesInfo().filter((r) => r !== "TTYWrap").join(", ") || "something"} kept the process alive; exiting\n`);
      process.exit();
    }, 10_000).unref();
  });
}
