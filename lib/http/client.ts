/**
 * The HTTP client core under every service client (Ambari, Livy, Jupyter, Azure Resource Manager):
 * a base URL without credentials in it, the login (Basic auth from the stack's secrets, a token,
 * or a bearer token asked for per request), a timeout per request, bounded retries with a doubling
 * delay for what waiting may fix (no answer, 5xx, 429), and every failure mapped to the one HTTP
 * error family (errors.ts), with the secrets redacted from every message. A service client says
 * only what is its own: its paths, the hints its errors give, and the statuses it reads otherwise.
 */
import {
  HttpError, HttpFormatError, HttpForbiddenError, HttpLoginError, HttpNotFoundError, HttpRetriesExhaustedError, type HttpService,
  HttpTlsError, HttpUnavailableError,
} from "./errors";
import { type RetryNotice, withRetries } from "./retry";

export type { RetryNotice };

/** What a service's errors add to the core's words: each one a sentence saying what to do. */
export interface HttpHints {
  /** After a 401. */
  login?: string;
  /** After a 403. */
  forbidden?: string;
  /** After a 404. */
  notFound?: string;
  /** After an answer that is not the service's JSON, and after an unknown host name. */
  url?: string;
}

export interface HttpClientOptions {
  service: HttpService;
  baseUrl: string;
  /** What a base URL of this service looks like, for the error that refuses another. */
  expectedUrl: string;
  /** Basic auth (the cluster login at an HDInsight gateway). */
  user?: string;
  password?: string;
  /** Instead of Basic auth: an Authorization header, fixed (`token ...`) or asked for per request (ARM's bearer token). */
  authorization?: string | (() => Promise<string>);
  /** Headers sent with every request that changes something (POST, PUT, DELETE), e.g. Livy's X-Requested-By. */
  writeHeaders?: Record<string, string>;
  /** Per request, including reading the body. */
  timeoutMs?: number;
  /** Retries after the first attempt, for retriable failures only. */
  retries?: number;
  /** First retry delay; doubles on each retry (capped at 30 s). */
  backoffMs?: number;
  /** Defaults to the platform's `fetch`; tests and proxies inject their own. */
  fetch?: typeof fetch;
  /** Told before each retry (the error never holds a secret). */
  onRetry?: (notice: RetryNotice<HttpError>) => void;
  hints?: HttpHints;
  /** Follow redirects (default) or hand them back as answers (Jupyter's login redirects). */
  redirect?: "follow" | "manual";
}

export type Method = "GET" | "POST" | "PUT" | "DELETE";

export interface HttpRequest {
  method: Method;
  /** Below the base URL, with its query if any. */
  path: string;
  /** What is being done, for messages: "read batch 3", "the KAFKA_BROKER hosts of cluster x". */
  what: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Statuses handed back as answers instead of thrown (e.g. 404 where "none" is an answer). */
  accept?: readonly number[] | "any";
  /** Retries for this request; default the client's. A POST that may have created something: 0. */
  retries?: number;
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

/** Error codes of Node's TLS layer (OpenSSL verify codes and Node's own ERR_TLS_/ERR_SSL_). */
const TLS_CODE = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|^ERR_TLS_|^ERR_SSL_/;

/** fetch wraps the socket error (`TypeError: fetch failed` -> cause -> ...): the innermost one with a code. */
export function rootCause(e: unknown): { code?: string; message?: string } {
  let current: unknown = e;
  let found: { code?: string; message?: string } = { message: String((e as { message?: unknown } | undefined)?.message ?? e) };
  for (let depth = 0; current && depth < 5; depth++) {
    const c = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof c.code === "string") found = { code: c.code, message: typeof c.message === "string" ? c.message : undefined };
    current = c.cause;
  }
  return found;
}

export function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/** The service's own words in an error body: `message` (Ambari, Jupyter), `msg` (Livy), or ARM's `error`. */
export function serverMessageOf(json: unknown): string | undefined {
  const o = json as { message?: unknown; msg?: unknown; error?: { code?: unknown; message?: unknown } } | undefined;
  if (o === null || typeof o !== "object") return undefined;
  if (typeof o.message === "string" && o.message) return oneLine(o.message, 300);
  if (typeof o.msg === "string" && o.msg) return oneLine(o.msg, 300);
  if (o.error && typeof o.error === "object") return oneLine(`${o.error.code ?? "Error"}: ${o.error.message ?? ""}`, 300);
  return undefined;
}

const htmlTitle = (text: string) => /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1];

export class HttpClient {
  readonly service: HttpService;
  readonly baseUrl: string;
  readonly origin: string;
  readonly user?: string;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly backoffMs: number;
  readonly hints: HttpHints;
  // ES private fields stay out of util.inspect and JSON.stringify, so a logged client leaks nothing.
  readonly #authorization?: string | (() => Promise<string>);
  readonly #secrets: string[];
  readonly #fetch: typeof fetch;
  readonly #onRetry?: HttpClientOptions["onRetry"];
  readonly #writeHeaders: Record<string, string>;
  readonly #redirect: "follow" | "manual";

  constructor(o: HttpClientOptions) {
    this.service = o.service;
    let url: URL;
    try {
      url = new URL(o.baseUrl);
    } catch (e) {
      throw new HttpError(`Not a URL: "${o.baseUrl}" (expected ${o.expectedUrl})`, { service: o.service, cause: e });
    }
    if (url.username || url.password) throw new HttpError(`The ${o.service} URL must not carry credentials: pass the user and password separately`, { service: o.service });
    this.baseUrl = url.href.replace(/\/+$/, "");
    this.origin = url.origin;
    this.user = o.user;
    this.timeoutMs = o.timeoutMs ?? 60_000;
    this.retries = o.retries ?? 5;
    this.backoffMs = o.backoffMs ?? 1_000;
    this.hints = o.hints ?? {};
    const basic = o.user !== undefined && o.password !== undefined ? `Basic ${Buffer.from(`${o.user}:${o.password}`).toString("base64")}` : undefined;
    this.#authorization = o.authorization ?? basic;
    this.#secrets = [o.password, typeof o.authorization === "string" ? o.authorization.replace(/^\w+ /, "") : undefined, basic?.slice(6)]
      .filter((s): s is string => typeof s === "string" && s.length >= 4);
    this.#fetch = o.fetch ?? fetch;
    this.#onRetry = o.onRetry;
    this.#writeHeaders = o.writeHeaders ?? {};
    this.#redirect = o.redirect ?? "follow";
  }

  /** Defence in depth: a server echoing a secret back must not put it in our messages. */
  redact(text: string): string {
    return this.#secrets.reduce((t, s) => t.split(s).join("***"), text);
  }

  /** The request, again after a doubling delay while it fails retriably; the answer, or the error of the family. */
  request(r: HttpRequest): Promise<HttpAnswer> {
    return this.withRetries(r.what, () => this.once(r), r.retries);
  }

  /** One exchange's JSON answer, not retried (for a lookup that retries its steps as a whole). */
  async onceJson<T>(r: HttpRequest): Promise<T> {
    const answer = await this.once(r);
    if (answer.status >= 200 && answer.status < 300 && answer.json === undefined) throw this.formatError(r, answer);
    return answer.json as T;
  }

  /** Runs `attempt` (several requests, or a request and a check of its answer) under the client's retry policy. */
  withRetries<T>(what: string, attempt: () => Promise<T>, retries = this.retries): Promise<T> {
    return withRetries<T, HttpError>(what, attempt, { retries, backoffMs: this.backoffMs }, {
      onRetry: this.#onRetry,
      isRetriable: (e): e is HttpError => e instanceof HttpError && e.retriable,
      exhausted: (last, attempts, elapsedMs) => new HttpRetriesExhaustedError(what, attempts, elapsedMs, last),
    });
  }

  /** One exchange: an answer of an accepted status, or the error its status (or its absence) means. */
  async once(r: HttpRequest): Promise<HttpAnswer> {
    const shown = `${r.method} ${r.path}`;
    const headers: Record<string, string> = { Accept: "application/json", ...(r.method === "GET" ? {} : this.#writeHeaders), ...r.headers };
    if (this.#authorization !== undefined) headers.Authorization = typeof this.#authorization === "string" ? this.#authorization : await this.#authorization();
    if (r.body !== undefined) headers["Content-Type"] = "application/json";
    let answer: HttpAnswer;
    try {
      const res = await this.#fetch(`${this.baseUrl}${r.path}`, {
        method: r.method,
        headers,
        body: r.body === undefined ? undefined : JSON.stringify(r.body),
        redirect: this.#redirect,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const text = await res.text();
      answer = { status: res.status, headers: res.headers, text, json: parseJson(text) };
    } catch (e) {
      throw this.networkError(e, shown);
    }
    const ok = answer.status >= 200 && answer.status < 400;
    if (ok || r.accept === "any" || r.accept?.includes(answer.status)) return answer;
    throw this.statusError(r, answer);
  }

  /** The error a status means, in the core's words and the service's hints. */
  statusError(r: HttpRequest, answer: HttpAnswer): HttpError {
    const { status } = answer;
    const said = serverMessageOf(answer.json);
    const serverMessage = said === undefined ? undefined : this.redact(said);
    const request = `${r.method} ${r.path}`;
    const facts = { service: this.service, request, status, serverMessage };
    const quoted = serverMessage ? ` (${serverMessage})` : "";
    const hint = (h: string | undefined) => (h ? ` ${h}` : "");
    if (status === 401) {
      return new HttpLoginError(`${this.service} at ${this.origin} refused the login${this.user ? ` of user "${this.user}"` : ""} (HTTP 401) to ${r.what}${serverMessage ? `, saying: ${serverMessage}` : ""}.${hint(this.hints.login)}`, facts);
    }
    if (status === 403) {
      return new HttpForbiddenError(`${this.user ? `User "${this.user}" logged in but` : "Your login"} may not ${r.what}: ${this.service} answered ${request} with HTTP 403${serverMessage ? `: ${serverMessage}` : ""}.${hint(this.hints.forbidden)}`, facts);
    }
    if (status === 404) return new HttpNotFoundError(`${this.service} at ${this.baseUrl} answered HTTP 404 to ${request}${quoted}: could not ${r.what}.${hint(this.hints.notFound)}`, facts);
    if (status >= 500 || status === 429) return new HttpUnavailableError(`${this.service} answered HTTP ${status} to ${request}${quoted}`, { ...facts, retriable: true });
    return new HttpError(`${this.service} answered HTTP ${status} to ${request}${quoted}: could not ${r.what}`, facts);
  }

  /** A 2xx answer that is not the service's JSON: what came back instead (a page's title, the content type). */
  formatError(r: HttpRequest, answer: HttpAnswer): HttpFormatError {
    const contentType = answer.headers.get("content-type") || "none";
    const title = htmlTitle(answer.text);
    const what = title ? `an HTML page titled "${this.redact(oneLine(title, 80))}" (content-type "${contentType}")` : `content-type "${contentType}"`;
    return new HttpFormatError(
      `${this.baseUrl}${r.path} answered HTTP ${answer.status} with ${what}, not ${this.service}'s JSON: a login or proxy page, or a URL that is not ${this.service}.${this.hints.url ? ` ${this.hints.url}` : ""}`,
      { service: this.service, request: `${r.method} ${r.path}`, status: answer.status, cause: new SyntaxError(`not JSON: ${this.redact(oneLine(answer.text, 80))}`) },
    );
  }

  private networkError(e: unknown, request: string): HttpError {
    const facts = { service: this.service, request, cause: e };
    // Duck-typed, not instanceof: fetch's DOMException may come from another realm (vm, jest).
    const name = (e as { name?: unknown } | undefined)?.name;
    if (name === "TimeoutError" || name === "AbortError") {
      return new HttpUnavailableError(`${this.service} at ${this.origin} did not answer ${request} within ${this.timeoutMs} ms`, { ...facts, code: "ETIMEDOUT", retriable: true });
    }
    const { code, message } = rootCause(e);
    const detail = this.redact(message ?? String(e));
    if (code && TLS_CODE.test(code)) {
      const hint = code === "ERR_TLS_CERT_ALTNAME_INVALID"
        ? "The certificate is for another host name: check the URL."
        : "The server's certificate is not trusted. If a proxy inspects HTTPS on your network, export NODE_EXTRA_CA_CERTS=/path/to/its-ca.pem; do not turn certificate checks off.";
      return new HttpTlsError(`TLS connection to ${this.origin} failed: ${code} (${detail}). ${hint}`, { ...facts, code });
    }
    // An unknown host name is a typo or a cluster not deployed, not an outage: waiting does not fix it.
    if (code === "ENOTFOUND") {
      return new HttpUnavailableError(`No such host ${new URL(this.origin).hostname} (ENOTFOUND).${this.hints.url ? ` ${this.hints.url}` : ""}`, { ...facts, code });
    }
    return new HttpUnavailableError(`Could not reach ${this.service} at ${this.origin}: ${code ?? "network error"} (${detail})`, { ...facts, code, retriable: true });
  }
}
