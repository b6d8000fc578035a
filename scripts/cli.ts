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
import { StackOutputs, StackOutputsError } from "../jobs/stackOutputs";
import { SshGatewayError } from "../jobs/sshGateway";
import { TopicSpecError } from "../jobs/topics";
import { JarBuildError } from "../jobs/wordcountJar";
import { SubmitError } from "../jobs/localSubmit";
import { LoadError } from "../jobs/loader";
import { ResultsError } from "../jobs/results";
import { DockerUnavailableError } from "../jobs/localStack";
import { ArmError } from "../jobs/azureResourceGroup";
import { DeadlineError } from "../jobs/deadline";

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

/** Each expected failure has its own exit code; anything else is a bug (1). */
export function exitCodeFor(e: unknown): number {
  if (e instanceof UsageError || e instanceof PasswordUnavailableError) return EXIT.USAGE;
  if (e instanceof StackOutputsError) return EXIT.STACK_OUTPUTS;
  if (e instanceof AmbariAuthenticationError) return EXIT.LOGIN_REFUSED;
  if (e instanceof AmbariForbiddenError) return EXIT.FORBIDDEN;
  if (e instanceof AmbariNotFoundError) return EXIT.NOT_FOUND;
  if (e instanceof AmbariTlsError) return EXIT.TLS;
  if (e instanceof AmbariResponseFormatError || e instanceof AmbariUnexpectedResponseError) return EXIT.BAD_RESPONSE;
  if (e instanceof AmbariRetriesExhaustedError || e instanceof AmbariConnectionError) return EXIT.UNAVAILABLE;
  if (e instanceof AmbariError) return EXIT.BAD_RESPONSE;
  if (e instanceof TopicSpecError) return EXIT.TOPIC_SPEC;
  if (e instanceof SshGatewayError) return EXIT.SSH_GATEWAY;
  if (e instanceof Error && e.name.startsWith("KafkaJS")) return EXIT.KAFKA;
  if (e instanceof JarBuildError) return EXIT.JAR_BUILD;
  if (e instanceof SubmitError) return EXIT.SUBMIT;
  if (e instanceof LoadError) return EXIT.LOAD;
  if (e instanceof ResultsError) return EXIT.RESULTS;
  if (e instanceof DockerUnavailableError) return EXIT.DOCKER;
  if (e instanceof DeadlineError) return e.reason === "bounds" ? EXIT.USAGE : e.reason === "stack" ? EXIT.STACK_OUTPUTS : EXIT.UNEXPECTED;
  if (e instanceof ArmError) return e.status === 401 ? EXIT.LOGIN_REFUSED : e.status === 403 ? EXIT.FORBIDDEN : EXIT.UNAVAILABLE;
  return EXIT.UNEXPECTED;
}

/** The outputs `index.ts` exports for each target (stacks/azure/index.ts, stacks/local/index.ts). */
export function targetFromOutputs(stackName: string, outputs: StackOutputs): AmbariTarget | LocalTarget {
  const text = (name: string): string => {
    const value = outputs[name];
    if (typeof value !== "string" || value === "") {
      throw new StackOutputsError(`Stack "${stackName}" has no output ${name}: was \`pulumi up --stack ${stackName}\` run to the end?`);
    }
    return value;
  };
  const target = outputs.target;
  if (target === "local") return { kind: "local", bootstrapServers: text("bootstrapServersHost") };
  if (target === "azure") {
    return {
      kind: "ambari",
      baseUrl: text("kafkaAmbariUrl"),
      cluster: text("kafkaClusterName"),
      user: text("clusterLoginUser"),
      password: text("clusterLoginPassword"),
      sshHost: typeof outputs.kafkaSshHost === "string" ? outputs.kafkaSshHost : undefined,
      sshUser: typeof outputs.sshUser === "string" ? outputs.sshUser : undefined,
    };
  }
  throw new StackOutputsError(
    `Stack "${stackName}" has ${target === undefined ? "no output target" : `target ${JSON.stringify(target)}`}: expected azure or local (was it deployed by this project?)`,
  );
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

/**
 * Runs a command's main: the exit code it returns, or the code of the error it throws, with a
 * one-line message on stderr (a usage error adds a pointer to --help; a bug keeps its stack).
 */
export function runCli(command: string, main: () => Promise<number>): void {
  main().then(
    (code) => { process.exitCode = code; },
    (e: unknown) => {
      const code = exitCodeFor(e);
      const message = e instanceof Error ? e.message : String(e);
      const cause = e instanceof Error && e.cause instanceof Error ? `\n  cause: ${e.cause.message.split("\n")[0]}` : "";
      process.stderr.write(`${command}: ${message}${cause}${code === EXIT.USAGE ? `\nSee: npm run ${command} -- --help` : ""}\n`);
      if (code === EXIT.UNEXPECTED && e instanceof Error) process.stderr.write(`${e.stack}\n`);
      process.exitCode = code;
    },
  );
}
