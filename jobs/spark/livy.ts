/**
 * Apache Livy's batch API (REFERENCE 4), as HDInsight serves it at
 * https://SPARKCLUSTER.azurehdinsight.net/livy behind its gateway (Basic auth with the cluster
 * login) and as a plain Livy server answers it: submit a batch, read its state and log, follow
 * it, kill it. POST and DELETE carry X-Requested-By (Livy's CSRF check). 5xx and gateway
 * timeouts are retried with a doubling delay; every other failure has its own error class, and
 * no message ever holds the password.
 */
import {
  type ExitKind, LivyAuthenticationError, LivyBatchNotFoundError, LivyCsrfError, LivyError, LivyRejectedError, LivyUnavailableError,
} from "../../lib/errors";
import { gatewayAuth, type RetryNotice, withRetries } from "../http/retry";
import { redactSecret } from "../secrets";

export type BatchState =
  | "not_started" | "starting" | "recovering" | "idle" | "running" | "busy"
  | "shutting_down" | "error" | "dead" | "killed" | "success";


export interface Batch {
  id: number;
  name?: string | null;
  state: BatchState;
  appId?: string | null;
  appInfo?: { driverLogUrl?: string | null; sparkUiUrl?: string | null };
  log?: string[];
}

/** The batch ended `dead`: the log tail says why. */
export class LivyJobDeadError extends LivyError {
  static override readonly exit: ExitKind = "JOB_DEAD";
  constructor(message: string, readonly batch: Batch, readonly logTail: string[]) {
    super(message);
  }
}
/** The batch ended `killed`. */
export class LivyJobKilledError extends LivyError {
  static override readonly exit: ExitKind = "JOB_KILLED";
  constructor(message: string, readonly batch: Batch) {
    super(message);
  }
}

/** POST /batches: what Livy takes (`file` is a jar the cluster can read: wasbs://, hdfs://, or a whitelisted local path). */
export interface BatchRequest {
  file: string;
  className?: string;
  args?: string[];
  jars?: string[];
  files?: string[];
  conf?: Record<string, string>;
  driverMemory?: string;
  driverCores?: number;
  executorMemory?: string;
  executorCores?: number;
  numExecutors?: number;
  queue?: string;
  name?: string;
}

export interface LivyClientOptions {
  /** e.g. https://spark-lab.azurehdinsight.net/livy, or http://host:8998 for a plain Livy. */
  baseUrl: string;
  /** Basic auth at the HDInsight gateway; none for a plain Livy. */
  user?: string;
  password?: string;
  /** Sent as X-Requested-By on POST and DELETE (defaults to the user, or "kafka-spark-lab"). */
  requestedBy?: string;
  retries?: number;
  backoffMs?: number;
  timeoutMs?: number;
  fetch?: typeof fetch;
  onRetry?: (notice: RetryNotice<LivyError>) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class LivyClient {
  readonly baseUrl: string;
  readonly retries: number;
  readonly backoffMs: number;
  readonly timeoutMs: number;
  // Private fields stay out of util.inspect and JSON.stringify.
  readonly #authorization?: string;
  readonly #password?: string;
  readonly #requestedBy: string;
  readonly #fetch: typeof fetch;
  readonly #onRetry?: LivyClientOptions["onRetry"];

  constructor(o: LivyClientOptions) {
    const { baseUrl, authorization } = gatewayAuth(o, (message, cause) => new LivyError(message, { cause }), "https://SPARKCLUSTER.azurehdinsight.net/livy or http://host:8998");
    this.baseUrl = baseUrl;
    this.retries = o.retries ?? 5;
    this.backoffMs = o.backoffMs ?? 1_000;
    this.timeoutMs = o.timeoutMs ?? 60_000;
    this.#authorization = authorization;
    this.#password = authorization ? o.password : undefined;
    this.#requestedBy = o.requestedBy ?? o.user ?? "kafka-spark-lab";
    this.#fetch = o.fetch ?? fetch;
    this.#onRetry = o.onRetry;
  }

  /** POST /batches: the batch as Livy created it (state `starting`). */
  submit(request: BatchRequest): Promise<Batch> {
    // Never retried: a POST that reached Livy may have created a batch even if the answer was lost.
    return this.call("POST", "/batches", `submit ${request.name ?? request.file}`, request, 0) as Promise<Batch>;
  }

  batch(id: number): Promise<Batch> {
    return this.call("GET", `/batches/${id}`, `read batch ${id}`) as Promise<Batch>;
  }

  /** GET /batches: the batches Livy knows (running ones, and finished ones within their retain time). */
  async batches(): Promise<Batch[]> {
    return ((await this.call("GET", "/batches?from=0&size=1000", "list the batches")) as { sessions: Batch[] }).sessions;
  }

  async state(id: number): Promise<BatchState> {
    return ((await this.call("GET", `/batches/${id}/state`, `read the state of batch ${id}`)) as { state: BatchState }).state;
  }

  /** GET /batches/{id}/log: lines from `from` (Livy's field is `total`, not `size` as its docs say). */
  async log(id: number, from = 0, size = 1000): Promise<{ from: number; total: number; log: string[] }> {
    return (await this.call("GET", `/batches/${id}/log?from=${from}&size=${size}`, `read the log of batch ${id}`)) as { from: number; total: number; log: string[] };
  }

  /**
   * DELETE /batches/{id}: Livy kills the job, answers once it is killed, and forgets the batch;
   * "killed" once Livy no longer lists it (or lists it killed).
   */
  async kill(id: number): Promise<"killed"> {
    await this.call("DELETE", `/batches/${id}`, `kill batch ${id}`);
    try {
      const after = await this.state(id);
      if (after !== "killed") throw new LivyError(`batch ${id} is still ${after} after Livy answered the kill`);
    } catch (e) {
      if (!(e instanceof LivyBatchNotFoundError)) throw e;
    }
    return "killed";
  }

  /**
   * Polls until the batch reaches one of `until` (default: `success`), streaming new log lines
   * to `onLog`. A batch that ends `dead` or `killed` when that was not asked for throws, the dead
   * one with its log tail. Final states are recorded as soon as seen: Livy forgets a finished
   * batch after its retain time (10 minutes by default).
   */
  async follow(id: number, o: { until?: BatchState[]; timeoutMs?: number; intervalMs?: number; onState?: (s: BatchState) => void; onLog?: (line: string) => void } = {}): Promise<Batch> {
    const until = o.until ?? ["success"];
    const deadline = Date.now() + (o.timeoutMs ?? 30 * 60_000);
    let logged = 0;
    let last: BatchState | undefined;
    for (;;) {
      const batch = await this.batch(id);
      if (o.onLog) {
        const page = await this.log(id, logged);
        for (const line of page.log) o.onLog(redactSecret(line, this.#password));
        logged = page.from + page.log.length;
      }
      if (batch.state !== last) { last = batch.state; o.onState?.(batch.state); }
      if (until.includes(batch.state)) return batch;
      if (batch.state === "dead" || batch.state === "error" || batch.state === "killed") {
        // The job's own log may quote the login (a failed fetch of a URL, a dumped conf): redacted like every answer.
        const log = (await this.log(id, 0, 100000).catch(() => ({ log: batch.log ?? [] }))).log.map((line) => redactSecret(line, this.#password));
        const named = `batch ${id}${batch.name ? ` (${batch.name})` : ""}`;
        // Killed outside this command (YARN, an operator): Livy ends the batch's log with YARN's own
        // account; killed before YARN accepted it, spark-submit fails and Livy calls the batch dead.
        const killed = batch.state === "killed" ? { appId: batch.appId, diagnostics: yarnDiagnostics(log) } : killedWhileSubmitted(log);
        if (killed) {
          const appId = batch.appId ?? killed.appId;
          throw new LivyJobKilledError(`${named} was killed${appId ? ` (YARN application ${appId})` : ""}${killed.diagnostics.length ? `; YARN says: ${killed.diagnostics.join(" ")}` : ""}`, batch);
        }
        const tail = log.slice(-20);
        throw new LivyJobDeadError(`${named} ended ${batch.state}${batch.appId ? ` (YARN application ${batch.appId})` : ""}; the end of its log:\n  ${tail.join("\n  ")}`, batch, tail);
      }
      if (batch.state === "success") throw new LivyError(`batch ${id} already finished (success) before reaching ${until.join("/")}`);
      if (Date.now() > deadline) throw new LivyError(`batch ${id} is still ${batch.state} after ${Math.round((o.timeoutMs ?? 1_800_000) / 1000)} s`);
      await sleep(o.intervalMs ?? 1000);
    }
  }

  private call(method: "GET" | "POST" | "DELETE", path: string, what: string, body?: unknown, retries = this.retries): Promise<unknown> {
    return withRetries<unknown, LivyError>(what, () => this.once(method, path, what, body), { retries, backoffMs: this.backoffMs }, {
      onRetry: this.#onRetry,
      isRetriable: (e): e is LivyError => e instanceof LivyError && e.retriable,
      exhausted: (last, attempts) => new LivyUnavailableError(`${last.message} (tried ${attempts} time${attempts === 1 ? "" : "s"})`, { cause: last }),
    });
  }

  private async once(method: string, path: string, what: string, body?: unknown): Promise<unknown> {
    const headers: Record<string, string> = { Accept: "application/json" };
    if (this.#authorization) headers.Authorization = this.#authorization;
    if (method !== "GET") headers["X-Requested-By"] = this.#requestedBy;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let res: Response;
    let text: string;
    try {
      res = await this.#fetch(`${this.baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(this.timeoutMs) });
      text = await res.text();
    } catch (e) {
      throw new LivyError(`could not ${what}: Livy at ${this.baseUrl} did not answer (${(e as Error).message})`, { retriable: true, cause: e });
    }
    const json = (() => { try { return JSON.parse(text) as unknown; } catch { return undefined; } })();
    const msg = (json as { msg?: string } | undefined)?.msg;
    const safe = (t: string) => redactSecret(t, this.#password);
    if (res.ok) {
      if (json === undefined) throw new LivyError(`could not ${what}: Livy answered ${res.status} with something that is not JSON: ${safe(text.slice(0, 120))}`);
      return json;
    }
    if (res.status === 401) throw new LivyAuthenticationError(`could not ${what}: the gateway refused the cluster login (401): check clusterLoginUser and the password (pulumi stack output clusterLoginPassword --show-secrets)`);
    if (res.status === 404) {
      throw new LivyBatchNotFoundError(`could not ${what}: ${msg ?? "not found"} (Livy forgets a finished batch after livy.server.session.state-retain.sec, 10 minutes by default)`);
    }
    if (res.status === 400 && json === undefined && /CSRF/i.test(text)) {
      throw new LivyCsrfError(`could not ${what}: Livy's CSRF check refused the request (no X-Requested-By header)`);
    }
    if (res.status === 400) throw new LivyRejectedError(`could not ${what}: Livy refused it: ${safe(msg ?? text.slice(0, 200))}`);
    if (res.status >= 500) throw new LivyError(`could not ${what}: Livy or its gateway answered ${res.status}${msg ? `: ${safe(msg)}` : ""}`, { retriable: true });
    throw new LivyError(`could not ${what}: unexpected answer ${res.status}${msg ? `: ${safe(msg)}` : ""}`);
  }
}

/**
 * The lines Livy appends to a YARN batch's log under "YARN Diagnostics:" (why YARN ended or killed
 * the application), trimmed; none for a batch that never reached YARN.
 */
export function yarnDiagnostics(log: string[]): string[] {
  const at = log.map((l) => l.trim()).lastIndexOf("YARN Diagnostics:");
  return at === -1 ? [] : log.slice(at + 1).map((l) => l.trim()).filter(Boolean);
}

/**
 * A YARN batch whose application was killed before YARN accepted it: spark-submit's own exception
 * ("Failed to submit <app> to YARN : Application <app> was killed by user ...") in its log; the
 * application and YARN's words, or undefined for any other failure.
 */
export function killedWhileSubmitted(log: string[]): { appId: string; diagnostics: string[] } | undefined {
  for (const line of log) {
    const m = /YarnException: Failed to submit (application_\d+_\d+) to YARN : (.*\bwas killed\b.*)$/.exec(line.trim());
    if (m) return { appId: m[1], diagnostics: [m[2].trim()] };
  }
  return undefined;
}
