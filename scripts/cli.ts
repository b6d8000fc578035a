// What the command-line tools share: exit codes, the usage error, and how a stack's outputs say
// where its Kafka is.
import { parseArgs } from "node:util";
import {
  redactSecret,
  AmbariAuthenticationError,
  AmbariConnectionError,
  AmbariError,
  AmbariForbiddenError,
  AmbariNotFoundError,
  AmbariResponseFormatError,
  AmbariRetriesExhaustedError,
  AmbariTlsError,
  AmbariUnexpectedResponseError,
} from "../jobs/ambari";
import { PasswordUnavailableError } from "../jobs/secrets";
import { parseOutputs, StackOutputs, StackOutputsError } from "../jobs/stackOutputs";
import type { AzureOutputs } from "../stacks/outputs";
import { SshGatewayError } from "../jobs/sshGateway";
import { TopicSpecError } from "../jobs/topics";
import { JarBuildError } from "../jobs/wordcountJar";
import { SubmitError } from "../jobs/localSubmit";
import { LoadError } from "../jobs/loader";
import { ResultsError } from "../jobs/results";
import { DockerUnavailableError } from "../jobs/localStack";
import { ArmError } from "../jobs/azureResourceGroup";
import { DeadlineError } from "../jobs/deadline";
import { LivyAuthenticationError, LivyBatchNotFoundError, LivyCsrfError, LivyError, LivyJobDeadError, LivyJobKilledError, LivyRejectedError, LivyUnavailableError } from "../jobs/livy";

export const EXIT = {
  OK: 0,
  UNEXPECTED: 1,
  USAGE: 2,
  LOGIN_REFUSED: 3,
  FORBIDDEN: 4,
  NOT_FOUND: 5,
  TLS: 6,
  BAD_RESPONSE: 7,
  UNAVAILABLE: 8,
  STACK_OUTPUTS: 9,
  TOPIC_SPEC: 10,
  SSH_GATEWAY: 11,
  KAFKA: 12,
  JAR_BUILD: 13,
  SUBMIT: 14,
  LOAD: 15,
  RESULTS: 16,
  DOCKER: 17,
  LEFTOVERS: 18,
  NOT_CONFIRMED: 19,
  LIVY_CSRF: 20,
  BATCH_NOT_FOUND: 21,
  JOB_DEAD: 22,
  JOB_KILLED: 23,
} as const;

/** A mistake in how the command was called: exit 2, with a pointer to --help. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** What to ask Ambari, whichever way it was given. */
export interface AmbariTarget {
  kind: "ambari";
  baseUrl: string;
  cluster: string;
  user: string;
  password: string;
  /** The cluster's public SSH endpoint and user: the gateway to its private brokers. */
  sshHost?: string;
  sshUser?: string;
}

export interface LocalTarget {
  kind: "local";
  bootstrapServers: string;
}

type ErrorClass = abstract new (...args: never[]) => Error;

/** Error class to exit code, first match wins: subclasses before their base class. */
const EXIT_BY_ERROR: [ErrorClass, number][] = [
  [UsageError, EXIT.USAGE], [PasswordUnavailableError, EXIT.USAGE], [StackOutputsError, EXIT.STACK_OUTPUTS],
  [AmbariAuthenticationError, EXIT.LOGIN_REFUSED], [AmbariForbiddenError, EXIT.FORBIDDEN], [AmbariNotFoundError, EXIT.NOT_FOUND],
  [AmbariTlsError, EXIT.TLS], [AmbariResponseFormatError, EXIT.BAD_RESPONSE], [AmbariUnexpectedResponseError, EXIT.BAD_RESPONSE],
  [AmbariRetriesExhaustedError, EXIT.UNAVAILABLE], [AmbariConnectionError, EXIT.UNAVAILABLE], [AmbariError, EXIT.BAD_RESPONSE],
  [TopicSpecError, EXIT.TOPIC_SPEC], [SshGatewayError, EXIT.SSH_GATEWAY], [JarBuildError, EXIT.JAR_BUILD], [SubmitError, EXIT.SUBMIT],
  [LoadError, EXIT.LOAD], [ResultsError, EXIT.RESULTS], [DockerUnavailableError, EXIT.DOCKER],
  [LivyAuthenticationError, EXIT.LOGIN_REFUSED], [LivyCsrfError, EXIT.LIVY_CSRF], [LivyBatchNotFoundError, EXIT.BATCH_NOT_FOUND],
  [LivyJobDeadError, EXIT.JOB_DEAD], [LivyJobKilledError, EXIT.JOB_KILLED], [LivyUnavailableError, EXIT.UNAVAILABLE],
  [LivyRejectedError, EXIT.SUBMIT], [LivyError, EXIT.SUBMIT],
];

/** Each expected failure has its own exit code; anything else is a bug (1). */
export function exitCodeFor(e: unknown): number {
  const known = EXIT_BY_ERROR.find(([type]) => e instanceof type);
  if (known) return known[1];
  if (e instanceof Error && e.name.startsWith("KafkaJS")) return EXIT.KAFKA;
  if (e instanceof DeadlineError) return e.reason === "bounds" ? EXIT.USAGE : e.reason === "stack" ? EXIT.STACK_OUTPUTS : EXIT.UNEXPECTED;
  if (e instanceof ArmError) return e.status === 401 ? EXIT.LOGIN_REFUSED : e.status === 403 ? EXIT.FORBIDDEN : EXIT.UNAVAILABLE;
  return EXIT.UNEXPECTED;
}

/** Where a deployed stack's Kafka is, from its typed outputs (stacks/outputs.ts). */
export function targetFromOutputs(stackName: string, outputs: StackOutputs): AmbariTarget | LocalTarget {
  if (outputs.target === "local") return { kind: "local", bootstrapServers: parseOutputs(stackName, outputs, "local", ["bootstrapServersHost"]).bootstrapServersHost };
  const o = parseOutputs(stackName, outputs, "azure", ["kafkaAmbariUrl", "kafkaClusterName", "clusterLoginUser", "clusterLoginPassword"]);
  // The SSH endpoint is needed by the commands that reach the brokers, not by the broker lookup.
  const ssh = outputs as Partial<AzureOutputs>;
  return { kind: "ambari", baseUrl: o.kafkaAmbariUrl, cluster: o.kafkaClusterName, user: o.clusterLoginUser, password: o.clusterLoginPassword, sshHost: ssh.kafkaSshHost, sshUser: ssh.sshUser };
}


export interface Writable {
  write(text: string): unknown;
}

/**
 * The only way the commands write: every secret registered in `secrets` (passwords, keys) is
 * replaced before a line reaches a terminal or a log. `out` is the answer (stdout); `note` is
 * progress and errors (stderr), each line behind `prefix()`.
 */
export function redactingOutput(stdout: Writable, stderr: Writable, prefix: () => string) {
  const secrets: string[] = [];
  const redact = (text: string) => secrets.reduce((t, s) => redactSecret(t, s), text);
  return {
    secrets,
    out: (text: string) => stdout.write(redact(text)),
    note: (text: string) => stderr.write(redact(`${prefix()}${text}\n`)),
  };
}

/** A retry notice of the Ambari or Livy client as a progress line. */
export const retryNote = (note: (m: string) => void) => ({ attempt, attempts, delayMs, error }: { attempt: number; attempts: number; delayMs: number; error: Error }) =>
  note(`${error.message}; retry ${attempt}/${attempts - 1} in ${delayMs < 1000 ? `${delayMs} ms` : `${(delayMs / 1000).toFixed(1)} s`}`);

type FlagSpec = { type: "string" | "boolean"; multiple?: boolean; short?: string };

/**
 * node:util parseArgs with our usage errors. A stray positional argument is refused without
 * being quoted: it could be a mistyped secret.
 */
export function parseFlags<T extends Record<string, FlagSpec>>(argv: string[], options: T): Record<keyof T, string | boolean | string[] | undefined> {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values as unknown as Record<keyof T, string | boolean | string[] | undefined>;
  } catch (e) {
    if ((e as { code?: string }).code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") throw new UsageError("this command takes no positional arguments (not shown here)");
    throw new UsageError((e as Error).message);
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

export interface CommandIo {
  stdout: Writable;
  stderr: Writable;
}

export type CommandContext = ReturnType<typeof redactingOutput>;

/**
 * The one way a command runs: its output through `redactingOutput` (secrets registered in
 * `secrets` never printed), and whatever it throws turned into its exit code and one message,
 * `<command>: error: ...` (a usage error adds where the help is; a bug keeps its stack).
 */
export async function runCommand(command: string, io: CommandIo, body: (c: CommandContext) => Promise<number>, prefix: () => string = () => `${command}: `): Promise<number> {
  const c = redactingOutput(io.stdout, io.stderr, prefix);
  try {
    return await body(c);
  } catch (e) {
    const code = exitCodeFor(e);
    if (code === EXIT.UNEXPECTED) {
      c.note(`unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      return code;
    }
    const cause = e instanceof Error && e.cause instanceof Error && !e.message.includes(e.cause.message) ? `\n  cause: ${e.cause.message.split("\n")[0]}` : "";
    c.note(`error: ${(e as Error).message}${cause}`);
    if (code === EXIT.USAGE) io.stderr.write(`See: npm run ${command} -- --help\n`);
    return code;
  }
}

/** Runs a command from the shell: `runCommand` on the process's streams, then its exit code. */
export function runCli(command: string, main: () => Promise<number>): void {
  void runCommand(command, { stdout: process.stdout, stderr: process.stderr }, main).then((code) => {
    process.exitCode = code;
    // A command that has finished must not hang on a handle a library left open (a client's
    // timer, a socket): say what held it, then exit with the code already set.
    setTimeout(() => {
      process.stderr.write(`${command}: finished, but ${process.getActiveResourcesInfo().filter((r) => r !== "TTYWrap").join(", ") || "something"} kept the process alive; exiting\n`);
      process.exit();
    }, 10_000).unref();
  });
}
