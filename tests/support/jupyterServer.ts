/**
 * A real Jupyter server behind a gateway shaped like HDInsight's, for the notebook upload tests:
 * `jupyter server` (from PyPI, in a venv of the project's cache, made on first use: idempotent)
 * on 127.0.0.1 under /jupyter, without a token of its own, and in front of it an HTTPS reverse
 * proxy (a throwaway self-signed certificate) that asks for Basic auth as the
 * gateway does (401 with `WWW-Authenticate: Basic realm=...`) and forwards /jupyter/... only.
 * `fetchTrusting` is a fetch that trusts that certificate, for the tests alone: the product code
 * keeps Node's certificate checks.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttpsServer, request as httpsRequest, type Server } from "node:https";
import { createServer as createNetServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cachePath } from "../../jobs/util/cache";
import { selfSignedCertificate } from "./fakeAmbari";

/** What the venv holds: pinned, so every machine tests against the same server. */
export const JUPYTER_SERVER_PACKAGE = "jupyter_server==2.17.0";
export const JUPYTER_VENV = cachePath("venv-jupyter");
const venvBin = (name: string) => join(JUPYTER_VENV, "bin", name);

/** Creates the venv with jupyter_server unless it is there already (a minute at most, from PyPI). */
export function ensureJupyterVenv(): string {
  const marker = join(JUPYTER_VENV, `.installed-${JUPYTER_SERVER_PACKAGE}`);
  if (existsSync(marker) && existsSync(venvBin("jupyter-server"))) return JUPYTER_VENV;
  rmSync(JUPYTER_VENV, { recursive: true, force: true });
  mkdirSync(JUPYTER_VENV, { recursive: true });
  execFileSync("python3", ["-m", "venv", JUPYTER_VENV], { stdio: "pipe" });
  execFileSync(venvBin("pip"), ["install", "--quiet", "--disable-pip-version-check", JUPYTER_SERVER_PACKAGE], { stdio: "pipe", timeout: 180_000 });
  writeFileSync(marker, `${new Date().toISOString()}\n`);
  return JUPYTER_VENV;
}

/** The venv's python (jupyter_server brings nbformat: the tests validate notebooks with it). */
export const jupyterPython = () => venvBin("python");

export async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((ok) => server.close(() => ok()));
  return port;
}

export interface JupyterServer {
  /** http://127.0.0.1:PORT/jupyter */
  url: string;
  port: number;
  /** The directory it serves: what an upload writes lands here. */
  rootDir: string;
  stop(): Promise<void>;
}

/** Starts `jupyter server` under /jupyter (no token, no password: the proxy is the gateway) and waits until its API answers. */
export async function startJupyterServer(): Promise<JupyterServer> {
  ensureJupyterVenv();
  const scratch = mkdtempSync(join(tmpdir(), "jupyter-test-"));
  const rootDir = join(scratch, "root");
  mkdirSync(rootDir);
  const port = await freePort();
  const child: ChildProcess = spawn(venvBin("jupyter-server"), [
    "--ServerApp.base_url=/jupyter", "--IdentityProvider.token=", "--ServerApp.password=", `--ServerApp.root_dir=${rootDir}`,
    "--ServerApp.ip=127.0.0.1", `--ServerApp.port=${port}`, "--ServerApp.port_retries=0", "--ServerApp.open_browser=False", "--allow-root",
  ], {
    env: { ...process.env, JUPYTER_RUNTIME_DIR: join(scratch, "runtime"), JUPYTER_CONFIG_DIR: join(scratch, "config"), JUPYTER_DATA_DIR: join(scratch, "data"), JUPYTER_PLATFORM_DIRS: "1" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let log = "";
  child.stderr?.on("data", (d: Buffer) => { log = (log + d.toString()).slice(-4000); });
  const url = `http://127.0.0.1:${port}/jupyter`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((ok) => child.once("exit", () => ok()));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(scratch, { recursive: true, force: true });
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) { await stop(); throw new Error(`jupyter server exited (${child.exitCode}):\n${log}`); }
    const ready = await fetch(`${url}/api`).then((r) => r.ok, () => false);
    if (ready) return { url, port, rootDir, stop };
    if (Date.now() > deadline) { await stop(); throw new Error(`jupyter server did not answer within 60 s:\n${log}`); }
    await new Promise((r) => setTimeout(r, 250));
  }
}

export interface Gateway {
  /** https://127.0.0.1:PORT: the cluster's https endpoint (its Jupyter under /jupyter). */
  url: string;
  /** The proxy's certificate (PEM), for `fetchTrusting`. */
  ca: Buffer;
  /** Requests as they came: method, path, and the user of their Basic auth (never the password). */
  requests: { method: string; path: string; user?: string }[];
  /** The next N requests that pass the login answer this status (a gateway while Jupyter restarts). */
  failNext(count: number, status: number): void;
  close(): Promise<void>;
}

/** An HTTPS gateway like HDInsight's in front of `upstream` (http://host:port): Basic auth, then /jupyter/... forwarded. */
export async function startGateway(upstream: string, login: { user: string; password: string }): Promise<Gateway> {
  const dir = mkdtempSync(join(tmpdir(), "gateway-tls-"));
  const { key, cert } = await selfSignedCertificate(dir);
  const ca = readFileSync(cert);
  const requests: Gateway["requests"] = [];
  let failures = { count: 0, status: 502 };
  const target = new URL(upstream);
  const expected = `Basic ${Buffer.from(`${login.user}:${login.password}`).toString("base64")}`;

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const auth = req.headers.authorization;
    const user = auth?.startsWith("Basic ") ? Buffer.from(auth.slice(6), "base64").toString("utf8").split(":")[0] : undefined;
    requests.push({ method: req.method ?? "", path: req.url ?? "", user });
    if (auth !== expected) {
      res.writeHead(401, { "WWW-Authenticate": 'Basic realm="HDInsight"', "Content-Type": "text/html" });
      res.end("<html><head><title>401 - Unauthorized</title></head><body>Unauthorized</body></html>");
      return;
    }
    if (failures.count > 0) {
      failures.count--;
      res.writeHead(failures.status, { "Content-Type": "text/html" });
      res.end(`<html><title>${failures.status} Bad Gateway</title></html>`);
      return;
    }
    if (!(req.url ?? "").startsWith("/jupyter/") && req.url !== "/jupyter") {
      res.writeHead(404, { "Content-Type": "text/html" });
      res.end("<html><title>404 - File or directory not found.</title></html>");
      return;
    }
    const headers = { ...req.headers, host: target.host };
    delete headers.authorization; // the gateway keeps the login to itself
    const forward = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forward.on("error", () => { res.writeHead(502); res.end("bad gateway"); });
    req.pipe(forward);
  };
  const server: Server = createHttpsServer({ key: readFileSync(key), cert: ca }, handle);
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    ca,
    requests,
    failNext: (count, status) => { failures = { count, status }; },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A fetch (the parts the project's clients use) over node:http/https that trusts `ca`: only the
 * tests' gateway certificate, nothing turned off. Socket errors come as fetch's do: a TypeError
 * whose cause holds the code.
 */
export function fetchTrusting(ca: Buffer): typeof fetch {
  return ((input: string | URL | Request, init: RequestInit = {}) => new Promise<Response>((resolve, reject) => {
    const url = new URL(typeof input === "string" || input instanceof URL ? input : input.url);
    const headers = new Headers(init.headers);
    const body = init.body === undefined || init.body === null ? undefined : String(init.body);
    if (body !== undefined) headers.set("content-length", String(Buffer.byteLength(body)));
    const request = url.protocol === "https:" ? httpsRequest : httpRequest;
    const req = request(url, { method: init.method ?? "GET", headers: Object.fromEntries(headers), ca, signal: init.signal ?? undefined }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", (e) => reject(new TypeError("fetch failed", { cause: e })));
      res.on("end", () => {
        const answer = new Headers();
        for (let i = 0; i < res.rawHeaders.length; i += 2) answer.append(res.rawHeaders[i], res.rawHeaders[i + 1]);
        const status = res.statusCode ?? 500;
        resolve(new Response([204, 304].includes(status) ? null : Buffer.concat(chunks), { status, headers: answer }));
      });
    });
    req.on("error", (e) => reject((e as { name?: string }).name === "AbortError" ? e : new TypeError("fetch failed", { cause: e })));
    req.end(body);
  })) as typeof fetch;
}
