/**
 * Every failure the jobs and commands know, in one hierarchy (as kafkajs keeps its errors): each
 * class says whether trying again may help (`retriable`) and which exit code a command ends with
 * (`exitCode`). EXIT_CODES is the one table of exit codes, and of which classes raise each: the usage texts' "Exit codes" lines and
 * the docs' table are generated from it. Messages say what to do next and never hold a secret.
 *
 * (The Pulumi program's ConfigValidationError is not here: it extends Pulumi's RunError, which the
 * engine prints without a stack trace.)
 */

/** One exit code per kind of failure. */
export const EXIT_CODES = {
  OK: { code: 0, means: "done" },
  UNEXPECTED: { code: 1, means: "unexpected error (a bug: the message keeps its stack)" },
  USAGE: { code: 2, means: "usage (a flag, an argument or a missing credential)", raisedBy: ["UsageError"] },
  LOGIN_REFUSED: { code: 3, means: "login refused (401)", raisedBy: ["HttpLoginError"] },
  FORBIDDEN: { code: 4, means: "forbidden (403)", raisedBy: ["HttpForbiddenError"] },
  NOT_FOUND: { code: 5, means: "cluster not found (404)", raisedBy: ["HttpNotFoundError"] },
  TLS: { code: 6, means: "TLS certificate problem", raisedBy: ["HttpTlsError"] },
  BAD_RESPONSE: { code: 7, means: "answer not as expected", raisedBy: ["HttpError"] },
  UNAVAILABLE: { code: 8, means: "unreachable or not ready (gave up after retries)", raisedBy: ["HttpUnavailableError", "HttpRetriesExhaustedError"] },
  STACK_OUTPUTS: { code: 9, means: "stack unknown, or its outputs or stack file unusable", raisedBy: ["StackOutputsError"] },
  TOPIC_SPEC: { code: 10, means: "impossible topic spec (nothing changed)", raisedBy: ["TopicSpecError"] },
  SSH_GATEWAY: { code: 11, means: "SSH gateway (host key, login, connection)", raisedBy: ["SshGatewayError"] },
  KAFKA: { code: 12, means: "Kafka error" },
  JAR_BUILD: { code: 13, means: "jar build failed", raisedBy: ["JarBuildError"] },
  SUBMIT: { code: 14, means: "submission refused or job failed", raisedBy: ["SubmitError", "LivyRejectedError"] },
  LOAD: { code: 15, means: "load stopped (the table says how far it got)", raisedBy: ["LoadError"] },
  RESULTS: { code: 16, means: "counts incomplete (the job had not counted everything in time)", raisedBy: ["ResultsError"] },
  DOCKER: { code: 17, means: "Docker unavailable", raisedBy: ["DockerUnavailableError"] },
  LEFTOVERS: { code: 18, means: "something is left (listed, with how to remove it)" },
  NOT_CONFIRMED: { code: 19, means: "not confirmed (nothing deleted)" },
  LIVY_CSRF: { code: 20, means: "Livy's CSRF check refused the request", raisedBy: ["LivyCsrfError"] },
  BATCH_NOT_FOUND: { code: 21, means: "Livy batch unknown or forgotten", raisedBy: ["LivyBatchNotFoundError"] },
  JOB_DEAD: { code: 22, means: "job dead (its log tail shown)", raisedBy: ["LivyJobDeadError", "JobFailedError"] },
  JOB_KILLED: { code: 23, means: "job killed", raisedBy: ["LivyJobKilledError"] },
  TOPIC_MISSING: { code: 24, means: "a topic the command needs does not exist", raisedBy: ["TopicMissingError"] },
  NO_COUNTS: { code: 25, means: "the counts topic holds no counts yet", raisedBy: ["NoCountsError"] },
  OUTPUT_UNREADABLE: { code: 26, means: "the job's output cannot be read (not its format, or no consumer could join)", raisedBy: ["OutputUnreadableError"] },
  LIVY: { code: 27, means: "Livy did not do what was asked (a timeout, an answer not as expected)", raisedBy: ["LivyError"] },
  NOTEBOOK_EXISTS: { code: 28, means: "a notebook on the cluster would be overwritten (nothing uploaded; --overwrite keeps a backup)", raisedBy: ["NotebookExistsError"] },
  STALE_JAR: { code: 29, means: "the job's jar in the cluster's storage is not built from your sources (pulumi up uploads yours)", raisedBy: ["StaleJarError"] },
  PULUMI: { code: 30, means: "pulumi up or destroy failed (the Pulumi CLI's own error line shown)", raisedBy: ["PulumiUpdateError"] },
  BUSY: { code: 31, means: "another run of this job on this stack is under way on this machine (named, with its pid)", raisedBy: ["RunInProgressError"] },
  AZURE_ONLY: { code: 32, means: "this needs Azure (ARM, cost, the deadline) and the stack is a twin: run it on an Azure stack", raisedBy: ["AzureOnlyError"] },
  INTERRUPTED: { code: 130, means: "interrupted (Ctrl-C): what had been read was sent and acknowledged first, the table says how far" },
} as const satisfies Record<string, { code: number; means: string; raisedBy?: readonly string[] }>;

export type ExitKind = keyof typeof EXIT_CODES;

/** The kind each error class names in the table's `raisedBy` (a subclass takes its nearest listed ancestor's). */
const KIND_OF_CLASS = new Map<string, ExitKind>(Object.entries(EXIT_CODES).flatMap(([kind, v]) => ("raisedBy" in v ? v.raisedBy : []).map((name) => [name, kind as ExitKind] as const)));

/** Kind to number, for code: `EXIT.USAGE` is 2. */
export const EXIT = Object.fromEntries(Object.entries(EXIT_CODES).map(([k, v]) => [k, v.code])) as { readonly [K in ExitKind]: (typeof EXIT_CODES)[K]["code"] };

/** A usage text's closing line: "Exit codes: 0 done, 2 usage ..., 9 ...", wrapped for a terminal. */
export function exitCodesLine(kinds: readonly ExitKind[]): string {
  const all: ExitKind[] = ["OK", ...kinds.filter((k) => k !== "OK" && k !== "UNEXPECTED")];
  const items = [...new Set(all)].sort((a, b) => EXIT[a] - EXIT[b]).map((k) => `${EXIT[k]} ${EXIT_CODES[k].means}`);
  const lines: string[] = [];
  let line = "Exit codes:";
  for (const [i, item] of items.entries()) {
    const piece = ` ${item}${i < items.length - 1 ? "," : "."}`;
    if (line.length + piece.length > 100) { lines.push(line); line = " "; }
    line += piece;
  }
  return [...lines, line].join("\n");
}

export interface LabErrorOptions {
  cause?: unknown;
  retriable?: boolean;
}

/** The base of every expected failure; anything else a command meets is a bug (exit 1). */
export class LabError extends Error {
  /** True when the same request may succeed later (the HTTP clients retry these themselves). */
  readonly retriable: boolean;

  constructor(message: string, options: LabErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.retriable = options.retriable ?? false;
  }

  /** The code of the nearest class in this error's chain that the table lists; none listed: a bug (1). */
  get exitCode(): number {
    for (let c: unknown = this.constructor; typeof c === "function" && c !== LabError; c = Object.getPrototypeOf(c)) {
      const kind = KIND_OF_CLASS.get((c as { name: string }).name);
      if (kind) return EXIT[kind];
    }
    return EXIT.UNEXPECTED;
  }
}

/** Each expected failure has its own exit code; a kafkajs error is Kafka's (12); anything else is a bug (1). */
export function exitCodeFor(e: unknown): number {
  if (e instanceof LabError) return e.exitCode;
  if (e instanceof Error && e.name.startsWith("KafkaJS")) return EXIT.KAFKA;
  return EXIT.UNEXPECTED;
}

/** What to check when kafkajs gave up because no broker answered (its own message says only the socket's error). */
export function kafkaUnreachableHint(e: unknown): string {
  const unreachable = e instanceof Error && e.name.startsWith("KafkaJS") && /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|Connection timeout/.test(e.message);
  return unreachable ? ": no Kafka broker answers there; check the address (--bootstrap, or the stack's: is it up?), --verbose shows kafkajs's own log" : "";
}

// ------------------------------------------------------------------------ the command line

/** A mistake in how the command was called: exit 2, with a pointer to --help. */
export class UsageError extends LabError {}

/** No password or key could be had without asking for one on the command line. */
export class PasswordUnavailableError extends UsageError {}

// ------------------------------------------------------------------------ stacks

/** The Pulumi CLI is missing or not logged in, the stack does not exist, or its outputs or stack file cannot be used. */
export class StackOutputsError extends LabError {
  /** Why, for callers that treat some reasons as "not deployed with Pulumi" (teardown). */
  readonly reason: "cli-missing" | "not-logged-in" | "no-stack" | "other";

  constructor(message: string, options: LabErrorOptions & { reason?: StackOutputsError["reason"] } = {}) {
    super(message, options);
    this.reason = options.reason ?? "other";
  }
}

/**
 * The Pulumi backend keeps the stack's secrets under a passphrase (a state on disk, `pulumi login
 * --local`), and none was given or it was wrong: a missing credential, exit 2.
 */
export class PulumiPassphraseError extends UsageError {}

/** `pulumi up` or `pulumi destroy` failed: the Pulumi CLI's own error line says why. */
export class PulumiUpdateError extends LabError {}

/** Moving an Azure stack's deadline failed. bounds: the new time is refused; stack: no such stack or no deadline; update: pulumi up failed. */
export class DeadlineError extends LabError {
  constructor(message: string, readonly reason: "bounds" | "stack" | "update", options: LabErrorOptions = {}) {
    super(message, options);
  }

  override get exitCode(): number {
    if (this.reason === "update") return this.cause instanceof LabError ? this.cause.exitCode : EXIT.PULUMI;
    return this.reason === "bounds" ? EXIT.USAGE : EXIT.STACK_OUTPUTS;
  }
}

// ------------------------------------------------------------------------ HTTP services

// The HTTP errors of every service (Ambari, Livy, Jupyter, ARM) are one family: lib/http/errors.ts.

/** Notebooks that exist on the cluster with other contents than the ones to upload: nothing was uploaded. */
export class NotebookExistsError extends LabError {
  constructor(message: string, readonly paths: string[]) {
    super(message);
  }
}

// ------------------------------------------------------------------------ SSH

export class SshGatewayError extends LabError {}

/** The server's host key did not match what we expected: possibly not the server you think. */
export class SshHostKeyError extends SshGatewayError {
  constructor(readonly host: string, readonly presented: string, expected: string) {
    super(`host key verification failed for ${host}: it presented ${presented}, expected ${expected}. ` +
      "If the server was rebuilt on purpose, update the pinned key; otherwise do not connect.");
  }
}

export class SshAuthError extends SshGatewayError {
  constructor(user: string, endpoint: string, cause: unknown) {
    super(`SSH authentication as ${user} at ${endpoint} failed: check the key (SSH_PRIVATE_KEY_FILE, ssh-agent) or password (SSH_PASSWORD)`, { cause });
  }
}

// ------------------------------------------------------------------------ Kafka and the jobs

/** A topic spec no cluster can satisfy, or no cluster of this size: nothing was changed. */
export class TopicSpecError extends LabError {}

/** A topic the command reads or the job needs does not exist; the message says how to create it or who writes it. */
export class TopicMissingError extends LabError {}

/** A counts topic that exists but holds nothing yet: no job has written it, or its job is still starting. */
export class NoCountsError extends LabError {}

/** The counts did not cover what was loaded in time. */
export class ResultsError extends LabError {}

/** The job's output cannot be read: a file not in its format, a counts topic no consumer could join. */
export class OutputUnreadableError extends LabError {}

/** spark-submit refused the job, the job died, or a command in the node failed. */
export class SubmitError extends LabError {}

/** A job of one's own (npm run submit --jar/--py) ended with a non-zero status: its error lines say why. */
export class JobFailedError extends SubmitError {
  constructor(message: string, readonly jobExitStatus: number | undefined, readonly errorLines: string[]) {
    super(message);
  }
}

/** Another command on this machine runs the same job on the same stack (jobs/util/runLock.ts). */
export class RunInProgressError extends LabError {}

/** A command or output that only an Azure stack has, asked of a twin (the HDInsight 5.1 rehearsal on Docker). */
export class AzureOnlyError extends LabError {}

/** Maven (or Docker, building with Maven) failed or is missing. */
export class JarBuildError extends LabError {}

/** The jar a stack put in its cluster's storage was built from other sources than the ones here (or carries no stamp). */
export class StaleJarError extends LabError {}

/** No Docker engine answers, or docker-compose failed. */
export class DockerUnavailableError extends LabError {}

/** The one table of exit codes, for the docs (docs/troubleshooting.md). */
export function exitCodesTable(): string {
  const rows = Object.entries(EXIT_CODES).map(([kind, v]) => `| ${v.code} | \`${kind}\` | ${v.means} | ${"raisedBy" in v ? v.raisedBy.map((c) => `\`${c}\``).join(", ") : kind === "KAFKA" ? "kafkajs's own errors" : "-"} |`);
  return ["| exit | kind | meaning | raised as |", "|---:|---|---|---|", ...rows].join("\n");
}
