/**
 * A real Apache Livy 0.7.1 server (Maven Central; https://livy.apache.org/docs/latest/rest-api.html) inside the local stack's master,
 * running batches with the master's own Spark, CSRF protection on as on HDInsight; and a small
 * real reverse proxy in front of it that does what HDInsight's gateway adds and Livy lacks:
 * Basic auth with the cluster login (401 otherwise) and the /livy path prefix.
 */
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import execa from "execa";
import { cachePath } from "../../jobs/util/cache";
import { docker, progress, waitFor, withRunLock } from "./docker";

export const LIVY_VERSION = "0.7.1-incubating";
export const LIVY_PORT = 8998;
const LIVY_HOME = "/opt/livy";

/** Livy's jars (114, ~73 MB), fetched once with Maven into a cache outside the repository (one fetch at a time: two Livys start at once). */
export const livyJars = (): Promise<string> => withRunLock("Livy fetch", fetchLivyJars);

async function fetchLivyJars(): Promise<string> {
  const dir = cachePath(`livy-${LIVY_VERSION}`, "jars");
  if (existsSync(dir) && readdirSync(dir).some((f) => f.startsWith("livy-server"))) return dir;
  progress(`fetching Apache Livy ${LIVY_VERSION} from Maven Central into ${dir}`);
  const pom = mkdtempSync(join(tmpdir(), "livy-pom-"));
  writeFileSync(join(pom, "pom.xml"), `<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
  <groupId>kafka-spark-lab</groupId><artifactId>livy-fetch</artifactId><version>1</version><packaging>pom</packaging>
  <dependencies><dependency><groupId>org.apache.livy</groupId><artifactId>livy-server</artifactId><version>${LIVY_VERSION}</version></dependency></dependencies>
</project>\n`);
  mkdirSync(dir, { recursive: true });
  try {
    await execa("mvn", ["-B", "-q", "dependency:copy-dependencies", `-DoutputDirectory=${dir}`], { cwd: pom });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`could not fetch Livy with Maven (needs mvn and Maven Central): ${(e as Error).message.split("\n")[0]}`, { cause: e });
  }
  rmSync(pom, { recursive: true, force: true });
  return dir;
}

export async function containerIp(container: string): Promise<string> {
  return (await docker(["inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", container])).trim();
}

/** Per container, Livy's jars copied in once: two Livys started at once must not copy them over each other while one of them starts. */
const installs = new Map<string, Promise<void>>();
function livyInstalled(container: string, jars: string): Promise<void> {
  let install = installs.get(container);
  if (!install) {
    install = (async () => {
      if ((await docker(["exec", container, "sh", "-c", `ls ${LIVY_HOME}/jars 2>/dev/null | wc -l`])).trim() === "0") await docker(["cp", jars, `${container}:${LIVY_HOME}/`]);
    })();
    installs.set(container, install);
    install.catch(() => installs.delete(container));
  }
  return install;
}

/**
 * Starts Livy in `container` (idempotent) on `port` (LIVY_PORT by default), batches only, local
 * jars allowed from `whitelist`; resolves with its URL once it answers. Spark runs in local mode
 * there by default; with sparkMaster "yarn" and deployMode "cluster", each batch's driver runs in
 * a YARN container on a worker, as HDInsight's Livy runs it. Each port has its own configuration
 * and log (/opt/livy/conf-<port>, /opt/livy/logs/livy-<port>.log).
 */
export async function startLivy(container: string, o: { whitelist: string; sparkMaster?: string; deployMode?: "client" | "cluster"; port?: number; retainSeconds?: number }): Promise<string> {
  const port = o.port ?? LIVY_PORT;
  const jars = await livyJars();
  const url = `http://${await containerIp(container)}:${port}`;
  const up = async () => { try { return (await fetch(`${url}/batches`)).ok; } catch { return false; } };
  if (await up()) return url;
  const confDir = `${LIVY_HOME}/conf-${port}`;
  await docker(["exec", container, "mkdir", "-p", confDir, `${LIVY_HOME}/logs`]);
  await livyInstalled(container, jars);
  const conf = [
    `livy.server.port = ${port}`,
    `livy.spark.master = ${o.sparkMaster ?? "local[2]"}`,
    `livy.spark.deploy-mode = ${o.deployMode ?? "client"}`,
    "livy.spark.scala-version = 2.12",
    `livy.file.local-dir-whitelist = ${o.whitelist}`,
    "livy.server.csrf-protection.enabled = true",
    `livy.server.session.state-retain.sec = ${o.retainSeconds ?? 600}s`,
  ].join("\n");
  await docker(["exec", "-i", container, "sh", "-c", `cat > ${confDir}/livy.conf`], conf);
  // On YARN, the Hadoop configuration on its class path: Livy's own YARN client finds the
  // ResourceManager there, and a path without a scheme means the cluster's storage (fs.defaultFS),
  // as on HDInsight. In local mode, without it, such a path is a local file.
  const classPath = `${LIVY_HOME}/jars/*:${confDir}${o.sparkMaster === "yarn" ? ":/usr/local/hadoop/etc/hadoop" : ""}`;
  await docker(["exec", "-d", "-w", LIVY_HOME, "-e", `LIVY_HOME=${LIVY_HOME}`, "-e", `LIVY_CONF_DIR=${confDir}`, container,
    "sh", "-c", `exec java -Xmx384m -cp '${classPath}' org.apache.livy.server.LivyServer > ${LIVY_HOME}/logs/livy-${port}.log 2>&1`]);
  await waitFor(`Livy at ${url}`, async () => ((await up()) ? true : undefined), 120_000, 500);
  return url;
}

/** HDInsight's gateway in miniature: Basic auth, the /livy prefix, then the request as it came. */
export interface Gateway {
  url: string;
  /** The next `n` requests get 503 with an HTML body, as a busy HDInsight gateway answers. */
  failNext(n: number): void;
  close(): Promise<void>;
}

export async function startGateway(target: string, login: { user: string; password: string }): Promise<Gateway> {
  const expected = "Basic " + Buffer.from(`${login.user}:${login.password}`).toString("base64");
  let failing = 0;
  const server: Server = createServer((req, res) => {
    if (failing > 0) {
      failing--;
      res.writeHead(503, { "content-type": "text/html" });
      res.end("<html><head><title>503 Service Unavailable</title></head><body>The service is unavailable.</body></html>");
      return;
    }
    if (req.headers.authorization !== expected) {
      res.writeHead(401, { "www-authenticate": 'Basic realm="HDInsight"', "content-type": "text/html" });
      res.end("<html><body><h1>401 Unauthorized</h1></body></html>");
      return;
    }
    if (!req.url?.startsWith("/livy/")) {
      res.writeHead(404, { "content-type": "text/html" });
      res.end("<html><body>Not Found</body></html>");
      return;
    }
    const headers = { ...req.headers };
    delete headers.authorization;
    delete headers.host;
    const upstream = httpRequest(`${target}${req.url.slice("/livy".length)}`, { method: req.method, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on("error", () => { res.writeHead(502); res.end(); });
    req.pipe(upstream);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/livy`,
    failNext: (n) => { failing = n; },
    close: () => new Promise((r) => server.close(() => r())),
  };
}
