/**
 * A real Apache Livy 0.7.1 server (Maven Central; https://livy.apache.org/docs/latest/rest-api.html)
 * inside the local stack's master, as a user runs one next to the local Spark for `--livy`: batches
 * with the master's own Spark in local mode, plain HTTP, CSRF protection on (Livy's own default
 * off; on as on HDInsight, so the client's header is exercised). HDInsight's Livy (YARN cluster
 * mode behind an HTTPS gateway) is the twin's (stacks/twin/).
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import execa from "execa";
import { cachePath } from "../../jobs/util/cache";
import { docker, progress, waitFor, withRunLock } from "./docker";

export const LIVY_VERSION = "0.7.1-incubating";
export const LIVY_PORT = 8998;
const LIVY_HOME = "/opt/livy";

/** Livy's jars (114, ~73 MB), fetched once with Maven into a cache outside the repository (one fetch at a time on this machine). */
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

/**
 * Starts Livy in `container` (idempotent), batches only, Spark in local mode, local jars allowed
 * from `whitelist`; resolves with its URL once it answers. Its configuration and log:
 * /opt/livy/conf, /opt/livy/logs/livy.log.
 */
export async function startLivy(container: string, o: { whitelist: string }): Promise<string> {
  const jars = await livyJars();
  const url = `http://${await containerIp(container)}:${LIVY_PORT}`;
  const up = async () => { try { return (await fetch(`${url}/batches`)).ok; } catch { return false; } };
  if (await up()) return url;
  const confDir = `${LIVY_HOME}/conf`;
  await docker(["exec", container, "mkdir", "-p", confDir, `${LIVY_HOME}/logs`]);
  if ((await docker(["exec", container, "sh", "-c", `ls ${LIVY_HOME}/jars 2>/dev/null | wc -l`])).trim() === "0") await docker(["cp", jars, `${container}:${LIVY_HOME}/`]);
  const conf = [
    `livy.server.port = ${LIVY_PORT}`,
    "livy.spark.master = local[2]",
    "livy.spark.deploy-mode = client",
    "livy.spark.scala-version = 2.12",
    `livy.file.local-dir-whitelist = ${o.whitelist}`,
    "livy.server.csrf-protection.enabled = true",
  ].join("\n");
  await docker(["exec", "-i", container, "sh", "-c", `cat > ${confDir}/livy.conf`], conf);
  await docker(["exec", "-d", "-w", LIVY_HOME, "-e", `LIVY_HOME=${LIVY_HOME}`, "-e", `LIVY_CONF_DIR=${confDir}`, container,
    "sh", "-c", `exec java -Xmx384m -cp '${LIVY_HOME}/jars/*:${confDir}' org.apache.livy.server.LivyServer > ${LIVY_HOME}/logs/livy.log 2>&1`]);
  await waitFor(`Livy at ${url}`, async () => ((await up()) ? true : undefined), 120_000, 500);
  return url;
}
