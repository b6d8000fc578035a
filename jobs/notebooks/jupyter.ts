/**
 * Jupyter's contents REST API (`/api/contents/<path>`), as an HDInsight Spark cluster serves it at
 * https://CLUSTER.azurehdinsight.net/jupyter behind its gateway (Basic auth with the cluster login)
 * and as a plain `jupyter server --ServerApp.base_url=/jupyter` answers it: read an item, create a
 * directory, write a notebook. Writes carry Jupyter's XSRF token (the `_xsrf` cookie a page of the
 * server sets, echoed as X-XSRFToken). 5xx, 429 and network failures are retried with a doubling
 * delay (jobs/http/retry.ts); every other failure has its own error class, and no message ever holds
 * the password.
 */
import { rootCause, TLS_CODE } from "../azure/ambari/json";
import {
  JupyterAuthenticationError, JupyterError, JupyterForbiddenError, JupyterNotFoundError, JupyterTlsError, JupyterUnavailableError,
} from "../../lib/errors";
import { gatewayAuth, type RetryNotice, withRetries } from "../http/retry";
import { redactSecret } from "../secrets";

/** A notebook in nbformat 4 (the parts this project reads; the rest is kept as it is). */
export interface Notebook {
  cells: NotebookCell[];
  metadata: Record<string, unknown>;
  nbformat: number;
  nbformat_minor: number;
}

export interface NotebookCell {
  cell_type: "code" | "markdown" | "raw";
  source: string | string[];
  metadata: Record<string, unknown> & { tags?: string[] };
  id?: string;
  outputs?: unknown[];
  execution_count?: number | null;
  [key: string]: unknown;
}

/** What the contents API answers for one item. */
export interface ContentsModel {
  name: string;
  path: string;
  type: "notebook" | "directory" | "file";
  last_modified?: string;
  content?: unknown;
}

export interface JupyterContentsOptions {
  /** Where Jupyter is, e.g. https://spark-lab.azurehdinsight.net/jupyter (no trailing /api). */
  baseUrl: string;
  /** Basic auth at the HDInsight gateway; none for a Jupyter without one. */
  user?: string;
  password?: string;
  /** A Jupyter server's own token (the local stack's); used instead of Basic auth. */
  token?: string;
  retries?: number;
  backoffMs?: number;
  timeoutMs?: number;
  /** Defaults to the platform's `fetch`; tests inject one that trusts their own certificate. */
  fetch?: typeof fetch;
  onRetry?: (notice: RetryNotice<JupyterError>) => void;
}

type Method = "GET" | "PUT";

export class JupyterContentsClient {
  readonly baseUrl: string;
  readonly user?: string;
  readonly retries: number;
  readonly backoffMs: number;
  readonly timeoutMs: number;
  // Private fields stay out of util.inspect and JSON.stringify.
  readonly #authorization?: string;
  readonly #password?: string;
  readonly #fetch: typeof fetch;
  readonly #onRetry?: JupyterContentsOptions["onRetry"];
  #xsrf?: Promise<string | undefined>;

  constructor(o: JupyterContentsOptions) {
    const { baseUrl, authorization } = gatewayAuth(o, (message, cause) => new JupyterError(message, { cause }), "https://CLUSTER.azurehdinsight.net/jupyter");
    this.baseUrl = baseUrl;
    this.user = o.user;
    this.retries = o.retries ?? 5;
    this.backoffMs = o.backoffMs ?? 1_000;
    this.timeoutMs = o.timeoutMs ?? 60_000;
    this.#authorization = o.token !== undefined ? `token ${o.token}` : authorization;
    this.#password = o.token ?? (authorization ? o.password : undefined);
    this.#fetch = o.fetch ?? fetch;
    this.#onRetry = o.onRetry;
  }

  /** The page a user opens to see `folder` (Jupyter's file browser). */
  treeUrl(folder: string): string {
    return `${this.baseUrl}/tree/${encodePath(folder)}`;
  }

  /** GET /api: Jupyter's version; a 404 (or anything that is not Jupyter) says no Jupyter is at this URL. */
  async version(): Promise<string> {
    const answer = await this.call("GET", "/api", "reach Jupyter", undefined, { notFound: "jupyter" });
    const version = (answer as { version?: unknown } | undefined)?.version;
    if (typeof version !== "string") throw new JupyterError(`${this.baseUrl}/api answered without Jupyter's version: is this Jupyter?`);
    return version;
  }

  /** One item (with its content when `content`), or undefined when there is none at `path`. */
  async get(path: string, o: { content?: boolean } = {}): Promise<ContentsModel | undefined> {
    const query = o.content ? "" : "?content=0";
    return (await this.call("GET", `/api/contents/${encodePath(path)}${query}`, `read ${path}`, undefined, { notFound: "item" })) as ContentsModel | undefined;
  }

  /** Creates the directory (and its parents) unless it exists; "exists" when it did. A file of that name is refused. */
  async ensureDirectory(path: string): Promise<"created" | "exists"> {
    const segments = path.split("/").filter(Boolean);
    let created = false;
    for (let i = 1; i <= segments.length; i++) {
      const dir = segments.slice(0, i).join("/");
      const found = await this.get(dir);
      if (found?.type === "directory") continue;
      if (found) throw new JupyterError(`${dir} exists on the cluster's Jupyter but is a ${found.type}, not a directory: choose another --folder`);
      await this.call("PUT", `/api/contents/${encodePath(dir)}`, `create the directory ${dir}`, { type: "directory" });
      created = true;
    }
    return created ? "created" : "exists";
  }

  /** Writes the notebook at `path` (created or replaced). */
  async putNotebook(path: string, notebook: Notebook): Promise<ContentsModel> {
    return (await this.call("PUT", `/api/contents/${encodePath(path)}`, `upload ${path}`, { type: "notebook", format: "json", content: notebook })) as ContentsModel;
  }

  private call(method: Method, path: string, what: string, body?: unknown, o: { notFound?: "jupyter" | "item" } = {}): Promise<unknown> {
    return withRetries<unknown, JupyterError>(what, () => this.once(method, path, what, body, o.notFound), { retries: this.retries, backoffMs: this.backoffMs }, {
      onRetry: this.#onRetry,
      isRetriable: (e): e is JupyterError => e instanceof JupyterError && e.retriable,
      exhausted: (last, attempts) => new JupyterUnavailableError(`${last.message} (tried ${attempts} time${attempts === 1 ? "" : "s"})`, { cause: last }),
    });
  }

  private async once(method: Method, path: string, what: string, body: unknown, notFound: "jupyter" | "item" | undefined): Promise<unknown> {
    const headers: Record<string, string> = { Accept: "application/json" };
    if (this.#authorization) headers.Authorization = this.#authorization;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (method !== "GET") {
      const xsrf = await this.xsrfToken();
      if (xsrf) Object.assign(headers, { "X-XSRFToken": xsrf, Cookie: `_xsrf=${xsrf}` });
    }
    const { res, text } = await this.send(`${this.baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }, what);
    const json = (() => { try { return JSON.parse(text) as unknown; } catch { return undefined; } })();
    const message = (json as { message?: unknown } | undefined)?.message;
    const said = typeof message === "string" && message ? `: ${this.safe(message.slice(0, 200))}` : "";
    const origin = new URL(this.baseUrl).origin;
    if (res.ok) {
      if (json === undefined) {
        throw new JupyterError(`could not ${what}: ${this.baseUrl}${path} answered ${res.status} with something that is not JSON ` +
          `(content-type "${res.headers.get("content-type") ?? "none"}"): a login or proxy page, or a URL that is not Jupyter`);
      }
      return json;
    }
    if (res.status === 401) {
      throw new JupyterAuthenticationError(
        `could not ${what}: the gateway at ${origin} refused the cluster login${this.user ? ` of user "${this.user}"` : ""} (HTTP 401): check the user name and password. ` +
          "For a stack deployed by this project they are the stack's outputs clusterLoginUser and clusterLoginPassword " +
          "(`pulumi stack output clusterLoginPassword --show-secrets`); a login changed in the Azure portal must be set in the stack too " +
          "(`pulumi config set --secret clusterLoginPassword`, then `pulumi up`).",
      );
    }
    if (res.status === 404 && notFound === "item") return undefined;
    if (res.status === 404) {
      throw new JupyterNotFoundError(
        `could not ${what}: no Jupyter at ${this.baseUrl} (HTTP 404 for ${path}). Is the cluster still deploying (\`pulumi up\` not finished), ` +
          "or is this another cluster (Jupyter runs on the Spark cluster, not the Kafka one)?",
      );
    }
    if (res.status === 403) {
      const xsrf = typeof message === "string" && /xsrf/i.test(message) ? " (Jupyter's XSRF check: no _xsrf cookie could be had from its pages)" : "";
      throw new JupyterForbiddenError(`could not ${what}: Jupyter refused it (HTTP 403)${xsrf}${said}`);
    }
    if (res.status >= 500 || res.status === 429) throw new JupyterError(`could not ${what}: Jupyter or its gateway answered ${res.status}${said}`, { retriable: true });
    throw new JupyterError(`could not ${what}: unexpected answer ${res.status}${said}`);
  }

  /** One HTTP exchange; a failure to get an answer becomes a JupyterError (retriable unless waiting cannot help). */
  private async send(url: string, init: RequestInit, what: string): Promise<{ res: Response; text: string }> {
    const origin = new URL(this.baseUrl).origin;
    try {
      const res = await this.#fetch(url, { ...init, redirect: "manual", signal: AbortSignal.timeout(this.timeoutMs) });
      return { res, text: await res.text() };
    } catch (e) {
      const name = (e as { name?: unknown } | undefined)?.name;
      if (name === "TimeoutError" || name === "AbortError") throw new JupyterError(`could not ${what}: Jupyter at ${origin} did not answer within ${this.timeoutMs} ms`, { retriable: true, cause: e });
      const { code, message } = rootCause(e);
      const detail = this.safe(message ?? String(e));
      if (code && TLS_CODE.test(code)) {
        throw new JupyterTlsError(`could not ${what}: TLS connection to ${origin} failed: ${code} (${detail}). The server's certificate is not trusted: ` +
          "if a proxy inspects HTTPS on your network, export NODE_EXTRA_CA_CERTS=/path/to/its-ca.pem; do not turn certificate checks off.", { cause: e });
      }
      if (code === "ENOTFOUND") throw new JupyterError(`could not ${what}: no such host ${new URL(origin).hostname} (ENOTFOUND): is the cluster deployed, and is this its name?`, { cause: e });
      throw new JupyterError(`could not ${what}: Jupyter at ${origin} did not answer (${code ?? "network error"}: ${detail})`, { retriable: true, cause: e });
    }
  }

  /**
   * Jupyter's XSRF token for writes: the `_xsrf` cookie any of its pages sets (its file browser,
   * /tree). Asked once; a server that sets none (XSRF checks off) gets none.
   */
  private xsrfToken(): Promise<string | undefined> {
    this.#xsrf ??= (async () => {
      const headers: Record<string, string> = { Accept: "text/html" };
      if (this.#authorization) headers.Authorization = this.#authorization;
      const { res } = await this.send(`${this.baseUrl}/tree`, { method: "GET", headers }, "read Jupyter's XSRF cookie");
      for (const cookie of res.headers.getSetCookie()) {
        const m = /^_xsrf=([^;]+)/.exec(cookie);
        if (m) return m[1];
      }
      return undefined;
    })().catch((e: unknown) => { this.#xsrf = undefined; throw e; });
    return this.#xsrf;
  }

  /** Defence in depth: a server echoing the password back must not put it in our messages. */
  private safe(text: string): string {
    return redactSecret(text, this.#password);
  }
}

/** Each segment of a contents path URL-encoded, the slashes kept. */
export function encodePath(path: string): string {
  return path.split("/").filter(Boolean).map(encodeURIComponent).join("/");
}
