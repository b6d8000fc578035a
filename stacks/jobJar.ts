/**
 * Builds the word-count job's uber-jar with Maven, once per Spark line, and skips Maven entirely
 * when nothing it reads has changed (a content stamp beside the jar).
 */
import { createHash } from "crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "fs";
import { homedir } from "os";
import { join, relative, resolve } from "path";
import execa from "execa";
import { JarBuildError, StaleJarError } from "../lib/errors";

export const WORDCOUNT_PROJECT = join(__dirname, "..", "jobs", "spark-app");

/** The two builds of one source (https://learn.microsoft.com/azure/hdinsight/hdinsight-5x-component-versioning): local stack and HDInsight 5.1. */
export const SPARK_LINES = {
  "3.5": { profile: undefined, line: "spark35", sparkVersion: "3.5.0" },
  "3.3": { profile: "spark33", line: "spark33", sparkVersion: "3.3.1" },
} as const;
export type SparkLine = keyof typeof SPARK_LINES;

export interface BuiltJar {
  path: string;
  sparkVersion: string;
  /** True when Maven was not run because the sources had not changed since the last build. */
  cached: boolean;
  seconds: number;
}

function files(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((e) => (statSync(join(dir, e)).isDirectory() ? files(join(dir, e)) : [join(dir, e)]));
}

/** What the jar is made from: the pom and the main and test sources (the tests gate the build). */
export function sourceHash(project = WORDCOUNT_PROJECT): string {
  const hash = createHash("sha256");
  for (const f of [join(project, "pom.xml"), ...files(join(project, "src"))]) hash.update(relative(project, f)).update("\0").update(readFileSync(f)).update("\0");
  return hash.digest("hex");
}

export interface BuildOptions {
  spark?: SparkLine;
  /** Run the job's Java unit tests as part of the build (default true). */
  runTests?: boolean;
  project?: string;
  /**
   * Where Maven runs: "host" (mvn and a JDK on PATH), "docker" (the node image's build stage,
   * which has both: a machine with only Docker can build the job too), or "auto" (host when it
   * has mvn and javac, else docker). Default auto.
   */
  builder?: "auto" | "host" | "docker";
  onProgress?: (message: string) => void;
}

/** The node image's first stage (JDK 17 and Maven), tagged so Maven can run in it. */
export const BUILDER_IMAGE = "kafka-spark-lab-builder:local";

const onPath = (command: string) => execa("sh", ["-c", `command -v ${command}`]).then(() => true, () => false);

/** Where Maven runs for `builder` "auto": the host when it has mvn and javac, else Docker. */
export async function chooseBuilder(builder: "auto" | "host" | "docker" = "auto"): Promise<"host" | "docker"> {
  if (builder !== "auto") return builder;
  return (await onPath("mvn")) && (await onPath("javac")) ? "host" : "docker";
}

/** mvn with `args` in the builder image: the project and ~/.m2 mounted, files owned by the caller. */
async function mavenInDocker(project: string, args: string[], onProgress: (m: string) => void): Promise<void> {
  const { IMAGE_CONTEXT } = await import("./local/image");
  onProgress("no mvn/javac on this machine: building in Docker (the node image's build stage)");
  await execa("docker", ["build", "-q", "--target", "fetch", "-t", BUILDER_IMAGE, IMAGE_CONTEXT]);
  const m2 = join(homedir(), ".m2");
  mkdirSync(m2, { recursive: true });
  const user = typeof process.getuid === "function" ? ["--user", `${process.getuid()}:${process.getgid?.() ?? 0}`] : [];
  await execa("docker", ["run", "--rm", ...user, "-e", "HOME=/tmp", "-v", `${project}:/src`, "-v", `${m2}:/m2`, "-w", "/src", BUILDER_IMAGE,
    "mvn", "-Dmaven.repo.local=/m2/repository", ...args], { all: true });
}

export async function buildWordCountJar(options: BuildOptions = {}): Promise<BuiltJar> {
  const { spark = "3.5", runTests = true, project = WORDCOUNT_PROJECT, builder = "auto", onProgress = () => undefined } = options;
  const target = SPARK_LINES[spark];
  const dir = join(project, "target", target.line);
  const path = join(dir, `stream-kafka-spark-${target.line}.jar`);
  const stampFile = join(dir, "source.sha256");
  const hash = sourceHash(project);
  const stamp = `${hash} tests=${runTests}`;
  const start = Date.now();
  const previous = existsSync(path) && existsSync(stampFile) ? readFileSync(stampFile, "utf8") : undefined;
  // A jar whose build ran the tests also serves a request that does not ask for them.
  if (previous === stamp || previous === `${hash} tests=true`) {
    return { path, sparkVersion: target.sparkVersion, cached: true, seconds: (Date.now() - start) / 1000 };
  }
  onProgress(`building the word-count jar for Spark ${target.sparkVersion} with Maven${runTests ? " (with its unit tests)" : ""}`);
  const args = ["-B", "-q", "package", ...(target.profile ? [`-P${target.profile}`] : []), ...(runTests ? [] : ["-DskipTests"])];
  try {
    if ((await chooseBuilder(builder)) === "docker") await mavenInDocker(project, args, onProgress);
    else await execa("mvn", args, { cwd: project, all: true });
  } catch (e) {
    const err = e as execa.ExecaError & { all?: string; code?: string };
    if (err.code === "ENOENT") throw new JarBuildError("Building the job needs Maven and a JDK (8 or newer), or Docker: install one (Debian/Ubuntu: apt-get install maven default-jdk-headless)", { cause: e });
    const tail = (err.all ?? err.message).split("\n").filter((l) => /ERROR|FAIL|Tests run/.test(l)).slice(0, 12).join("\n");
    throw new JarBuildError(`mvn ${args.join(" ")} failed in ${project}:\n${tail}`, { cause: e });
  }
  writeFileSync(stampFile, stamp);
  return { path, sparkVersion: target.sparkVersion, cached: false, seconds: (Date.now() - start) / 1000 };
}

/**
 * A jar an Azure stack uploads, and the stamp its name carries there: the hash of the word-count
 * job's sources for the project's jar (the same on every machine for the same sources, however
 * often Maven rebuilt the jar), the hash of the file's bytes for a jar of one's own (sparkJobJar).
 */
export interface JobJar {
  path: string;
  of: "sources" | "file";
  /** sha256, hex. */
  stamp: string;
}

/** The jar's name in the Spark cluster's storage: a changed jar gets a new name, so a stale one is never taken for it. */
export function jobJarBlobName(jar: Pick<JobJar, "of" | "stamp">): string {
  return `kafka-spark-lab/jobs/spark-job-${jar.of === "sources" ? "src" : "file"}-${jar.stamp.slice(0, 16)}.jar`;
}

/** What a jar URL's name says it was made from (see jobJarBlobName), or undefined for a name without a stamp. */
export function jobJarStampOf(url: string): { of: JobJar["of"]; stamp: string } | undefined {
  const m = /\/spark-job-(src|file)-([0-9a-f]{16})\.jar$/.exec(url);
  return m ? { of: m[1] === "src" ? "sources" : "file", stamp: m[2] } : undefined;
}

/**
 * Refuses to run the word count from a jar that the sources here did not make: the stack's jar is
 * the one `pulumi up` built from the sources as they were then, and running it after they changed
 * would count with the old code, silently. A jar of one's own is taken as uploaded: its name
 * carries its content's hash, and `pulumi up` uploads a changed file under a new name.
 */
export function checkJobJarCurrent(url: string, note: (m: string) => void, project = WORDCOUNT_PROJECT): void {
  const deployed = jobJarStampOf(url);
  if (deployed === undefined) {
    throw new StaleJarError(`the stack's job jar (${url}) carries no content stamp in its name (a stack deployed by an earlier version of this project), so nothing says which sources it was built from: run \`pulumi up\` to upload the jar built from yours, then run this again`);
  }
  if (deployed.of === "file") {
    note(`a jar of your own (sparkJobJar), content ${deployed.stamp}..., as pulumi up uploaded it`);
    return;
  }
  const here = sourceHash(project).slice(0, 16);
  if (here !== deployed.stamp) {
    throw new StaleJarError(`the job's jar in the Spark cluster's storage was built from other sources (stamp ${deployed.stamp}) than ${relative(process.cwd(), project) || project} as it is now (${here}): run \`pulumi up\` to build and upload the jar from yours (it replaces the old one), then run this again`);
  }
  note(`built from the word-count sources as they are here (stamp ${here})`);
}

/**
 * The jar an Azure stack uploads: `sparkJobJar` when set (it must exist), else the word-count job
 * built for HDInsight's Spark 3.3 (cached: no Maven run when unchanged); with its stamp.
 */
export async function sparkJobJarFor(configured: string | undefined, workDir: string, onProgress: (m: string) => void): Promise<JobJar> {
  if (configured !== undefined) {
    const path = resolve(workDir, configured);
    if (!existsSync(path)) {
      const [{ ConfigValidationError }, { PROJECT }] = await Promise.all([import("./configError"), import("./configSchema")]);
      throw new ConfigValidationError([{ key: `${PROJECT}:sparkJobJar`, message: `${path} does not exist`, fix: "build the jar first, or pulumi config rm sparkJobJar to deploy the word-count job" }]);
    }
    return { path, of: "file", stamp: createHash("sha256").update(readFileSync(path)).digest("hex") };
  }
  const { path } = await buildWordCountJar({ spark: "3.3", runTests: false, onProgress });
  return { path, of: "sources", stamp: sourceHash() };
}
