/**
 * Apache Livy's batch API (https://livy.apache.org/docs/latest/rest-api.html), as HDInsight serves
 * it at https://SPARKCLUSTER.azurehdinsight.net/livy behind its gateway (Basic auth with the
 * cluster login) and as a plain Livy server answers it: submit a batch, read its state and log,
 * follow it, kill it. POST and DELETE carry X-Requested-By (Livy's CSRF check). The HTTP core
 * (lib/http) does the login, timeouts, retries and error mapping; Livy's own meanings of 400 and
 * 404 are here, and no message ever holds the password.
 */
import { LabError } from "../../lib/errors";
import { HttpClient, type HttpRequest, type Method, type RetryNotice } from "../../lib/http/client";
import { HttpError, HttpNotFoundError } from "../../lib/http/errors";

/** Livy did not do what was asked (a batch still running after a kill, a wait that timed out). */
export class LivyError extends LabError {}
/** 404: no such batch (or a finished batch Livy no longer remembers). */
export class LivyBatchNotFoundError extends HttpNotFoundError {}
/** 400 with an HTML body: the request lacked X-Requested-By. */
export class LivyCsrfError extends HttpError {}
/** 400 with {"msg"}: Livy refused the batch (a local path, too many sessions...). */
export class LivyRejectedError extends HttpError {}

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
  constructor(message: string, readonly batch: Batch, readonly logTail: string[]) {
    super(message);
  }
}
/** The batch ended `killed`. */
export class LivyJobKilledError extends LivyError {
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
  onRetry?: (notice: RetryNotice<HttpError>) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class LivyClient {
  readonly #http: HttpClient;

  constructor(o: LivyClientOptions) {
    this.#http = new HttpClient({
      service: "Livy",
      expectedUrl: "https://SPARKCLUSTER.azurehdinsight.net/livy or http://host:8998",
      ...o,
      writeHeaders: { "X-Requested-By": o.requestedBy ?? o.user ?? "kafka-spark-lab" },
      hints: {
        login: "Check clusterLoginUser and the password (pulumi stack output clusterLoginPassword --show-secrets).",
        forbidden: "Use the cluster login (clusterLoginUser), which may submit batches.",
        url: "Check the Spark cluster's name, or --livy (expected https://SPARKCLUSTER.azurehdinsight.net/livy).",
      },
    });
  }

  get baseUrl(): string {
    return this.#http.baseUrl;
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
        for (const line of page.log) o.onLog(this.#http.redact(line));
        logged = page.from + page.log.length;
      }
      if (batch.state !== last) { last = batch.state; o.onState?.(batch.state); }
      if (until.includes(batch.state)) return batch;
      if (batch.state === "dead" || batch.state === "error" || batch.state === "killed") {
        // The job's own log may quote the login (a failed fetch of a URL, a dumped conf): redacted like every answer.
        const log = (await this.log(id, 0, 100000).catch(() => ({ log: batch.log ?? [] }))).log.map((line) => this.#http.redact(line));
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

  /** One call: Livy's JSON answer; its 404 and 400 in Livy's meaning, every other failure the core's. */
  private call(method: Method, path: string, what: string, body?: unknown, retries?: number): Promise<unknown> {
    const r: HttpRequest = { method, path, what, body, retries, accept: [400, 404] };
    return this.#http.withRetries(what, async () => {
      const answer = await this.#http.once(r);
      const facts = { service: "Livy" as const, request: `${method} ${path}`, status: answer.status };
      const msg = (answer.json as { msg?: unknown } | undefined)?.msg;
      const said = this.#http.redact(typeof msg === "string" ? msg : answer.text.slice(0, 200));
      if (answer.status === 404) {
        throw new LivyBatchNotFoundError(`could not ${what}: ${said || "not found"} (Livy forgets a finished batch after livy.server.session.state-retain.sec, 10 minutes by default)`, facts);
      }
      if (answer.status === 400 && answer.json === undefined && /CSRF/i.test(answer.text)) {
        throw new LivyCsrfError(`could not ${what}: Livy's CSRF check refused the request (no X-Requested-By header)`, facts);
      }
      if (answer.status === 400) throw new LivyRejectedError(`could not ${what}: Livy refused it: ${said}`, { ...facts, serverMessage: said });
      if (answer.json === undefined) throw this.#http.formatError(r, answer);
      return answer.json;
    }, retries);
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
