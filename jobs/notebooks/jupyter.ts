/**
 * Jupyter's contents REST API (`/api/contents/<path>`), as an HDInsight Spark cluster serves it at
 * https://CLUSTER.azurehdinsight.net/jupyter behind its gateway (Basic auth with the cluster login)
 * and as a plain `jupyter server --ServerApp.base_url=/jupyter` answers it: read an item, create a
 * directory, write a notebook. Writes carry Jupyter's XSRF token (the `_xsrf` cookie a page of the
 * server sets, echoed as X-XSRFToken). The HTTP core (lib/http) does the login, timeouts, retries
 * and error mapping; no message ever holds the password.
 * API: https://jupyter-server.readthedocs.io/en/latest/developers/rest-api.html
 */
import { HttpClient, type HttpRequest, type Method, type RetryNotice } from "../../lib/http/client";
import { HttpError } from "../../lib/http/errors";

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
  onRetry?: (notice: RetryNotice<HttpError>) => void;
}

export class JupyterContentsClient {
  readonly #http: HttpClient;
  #xsrf?: Promise<string | undefined>;

  constructor(o: JupyterContentsOptions) {
    this.#http = new HttpClient({
      service: "Jupyter",
      expectedUrl: "https://CLUSTER.azurehdinsight.net/jupyter",
      ...o,
      authorization: o.token !== undefined ? `token ${o.token}` : undefined,
      // Jupyter redirects a request it will not serve to its login page: an answer to read, not to follow.
      redirect: "manual",
      hints: {
        login: "Check the user name and password. For a stack deployed by this project they are the stack's outputs clusterLoginUser and clusterLoginPassword " +
          "(`pulumi stack output clusterLoginPassword --show-secrets`); a login changed in the Azure portal must be set in the stack too " +
          "(`pulumi config set --secret clusterLoginPassword`, then `pulumi up`).",
        notFound: "Is the cluster still deploying (`pulumi up` not finished), or is this another cluster (Jupyter runs on the Spark cluster, not the Kafka one)?",
        url: "Is the cluster deployed, and is this its name?",
      },
    });
  }

  get baseUrl(): string {
    return this.#http.baseUrl;
  }

  get user(): string | undefined {
    return this.#http.user;
  }

  /** The page a user opens to see `folder` (Jupyter's file browser). */
  treeUrl(folder: string): string {
    return `${this.baseUrl}/tree/${encodePath(folder)}`;
  }

  /** GET /api: Jupyter's version; a 404 (or anything that is not Jupyter) says no Jupyter is at this URL. */
  async version(): Promise<string> {
    const answer = await this.call("GET", "/api", "reach Jupyter");
    const version = (answer as { version?: unknown } | undefined)?.version;
    if (typeof version !== "string") throw new HttpError(`${this.baseUrl}/api answered without Jupyter's version: is this Jupyter?`, { service: "Jupyter", request: "GET /api" });
    return version;
  }

  /** One item (with its content when `content`), or undefined when there is none at `path`. */
  async get(path: string, o: { content?: boolean } = {}): Promise<ContentsModel | undefined> {
    const query = o.content ? "" : "?content=0";
    return (await this.call("GET", `/api/contents/${encodePath(path)}${query}`, `read ${path}`, undefined, [404])) as ContentsModel | undefined;
  }

  /** Creates the directory (and its parents) unless it exists; "exists" when it did. A file of that name is refused. */
  async ensureDirectory(path: string): Promise<"created" | "exists"> {
    const segments = path.split("/").filter(Boolean);
    let created = false;
    for (let i = 1; i <= segments.length; i++) {
      const dir = segments.slice(0, i).join("/");
      const found = await this.get(dir);
      if (found?.type === "directory") continue;
      if (found) throw new HttpError(`${dir} exists on the cluster's Jupyter but is a ${found.type}, not a directory: choose another --folder`, { service: "Jupyter", request: `GET /api/contents/${encodePath(dir)}` });
      await this.call("PUT", `/api/contents/${encodePath(dir)}`, `create the directory ${dir}`, { type: "directory" });
      created = true;
    }
    return created ? "created" : "exists";
  }

  /** Writes the notebook at `path` (created or replaced). */
  async putNotebook(path: string, notebook: Notebook): Promise<ContentsModel> {
    return (await this.call("PUT", `/api/contents/${encodePath(path)}`, `upload ${path}`, { type: "notebook", format: "json", content: notebook })) as ContentsModel;
  }

  /** One call: the JSON answer (undefined for a status in `accept`), writes with the XSRF token. */
  private call(method: Method, path: string, what: string, body?: unknown, accept: number[] = []): Promise<unknown> {
    return this.#http.withRetries(what, async () => {
      const headers: Record<string, string> = {};
      if (method !== "GET") {
        const xsrf = await this.xsrfToken();
        if (xsrf) Object.assign(headers, { "X-XSRFToken": xsrf, Cookie: `_xsrf=${xsrf}` });
      }
      const r: HttpRequest = { method, path, what, body, headers, accept };
      const answer = await this.#http.once(r);
      if (accept.includes(answer.status)) return undefined;
      // A redirect is Jupyter sending a request it will not serve to its login page.
      if (answer.status >= 300 || answer.json === undefined) throw this.#http.formatError(r, answer);
      return answer.json;
    });
  }

  /**
   * Jupyter's XSRF token for writes: the `_xsrf` cookie any of its pages sets (its file browser,
   * /tree). Asked once; a server that sets none (XSRF checks off) gets none.
   */
  private xsrfToken(): Promise<string | undefined> {
    this.#xsrf ??= (async () => {
      const answer = await this.#http.once({ method: "GET", path: "/tree", what: "read Jupyter's XSRF cookie", headers: { Accept: "text/html" }, accept: "any" });
      for (const cookie of answer.headers.getSetCookie()) {
        const m = /^_xsrf=([^;]+)/.exec(cookie);
        if (m) return m[1];
      }
      return undefined;
    })().catch((e: unknown) => { this.#xsrf = undefined; throw e; });
    return this.#xsrf;
  }
}

/** Each segment of a contents path URL-encoded, the slashes kept. */
export function encodePath(path: string): string {
  return path.split("/").filter(Boolean).map(encodeURIComponent).join("/");
}
