/**
 * The word-count job's two builds from one source: Maven runs the job's Java unit tests (tokeniser,
 * counting on a local SparkSession, the Parquet batch writer, the command line), the Spark 3.3 jar
 * for HDInsight carries the Kafka source with its dependencies and Java 8 class files, and a
 * second build with unchanged sources does not run Maven. Needs Maven and a JDK (.ci/run installs them).
 * It builds a copy of the project, from scratch: the live files beside it build their jar in the
 * project's own target directory, so this file runs beside them (tests/support/sequencer.js).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import execa from "execa";
import { buildWordCountJar, BuiltJar, sourceHash, WORDCOUNT_PROJECT } from "../stacks/jobJar";
import { progress, requireDockerAndBase, withImageBuildLock } from "./support/docker";

const onProgress = (m: string) => progress(m);
const entries = async (jar: string) => (await execa("jar", ["tf", jar])).stdout.split("\n");

/** A copy of the job's Maven project (pom and sources, no target directory) in a new temporary directory. */
async function copyOfProject(prefix: string): Promise<string> {
  const project = mkdtempSync(join(tmpdir(), prefix));
  await execa("cp", ["-r", join(WORDCOUNT_PROJECT, "pom.xml"), join(WORDCOUNT_PROJECT, "src"), project]);
  return project;
}

let project: string;

/** The Java unit tests' results as surefire wrote them for one build. */
function surefire(line: string): { tests: number; failures: number } {
  const dir = join(project, "target", line, "surefire-reports");
  let tests = 0, failures = 0;
  for (const f of readdirSync(dir).filter((n) => n.endsWith(".xml"))) {
    const head = /<testsuite [^>]*>/.exec(readFileSync(join(dir, f), "utf8"))![0];
    const attr = (name: string) => Number(new RegExp(`\\b${name}="(\\d+)"`).exec(head)?.[1] ?? NaN);
    tests += attr("tests");
    failures += attr("failures") + attr("errors") + attr("skipped");
  }
  return { tests, failures };
}

let spark35: BuiltJar;
let spark33: BuiltJar;

beforeAll(async () => {
  // From scratch (a copy has no target directory), so the Java tests really run in this test run.
  project = await copyOfProject("wordcount-jar-");
  spark35 = await buildWordCountJar({ spark: "3.5", project, onProgress });
  spark33 = await buildWordCountJar({ spark: "3.3", project, onProgress });
}, 20 * 60_000);

afterAll(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});

test.each([["spark35"], ["spark33"]])("the job's Java unit tests ran and passed on the %s build", (line) => {
  const { tests, failures } = surefire(line);
  expect(tests).toBeGreaterThanOrEqual(10);
  expect(failures).toBe(0);
});

test("each build names its Spark version", () => {
  expect(spark35).toMatchObject({ sparkVersion: "3.5.0", cached: false });
  expect(spark33).toMatchObject({ sparkVersion: "3.3.1", cached: false });
  expect(spark35.path).not.toBe(spark33.path);
});

test("the Spark 3.3 jar carries the Kafka source and its dependencies, registered for format(\"kafka\")", async () => {
  const list = await entries(spark33.path);
  for (const cls of [
    "spark/kafka/SparkKafkaWordCount.class",
    "org/apache/spark/sql/kafka010/KafkaSourceProvider.class",
    "org/apache/spark/kafka010/KafkaTokenUtil.class",
    "org/apache/kafka/clients/consumer/KafkaConsumer.class",
    "org/apache/commons/pool2/impl/GenericKeyedObjectPool.class",
  ]) expect(list).toContain(cls);
  const dir = mkdtempSync(join(tmpdir(), "jar-"));
  const registry = "META-INF/services/org.apache.spark.sql.sources.DataSourceRegister";
  await execa("jar", ["xf", spark33.path, registry], { cwd: dir });
  const services = readFileSync(join(dir, registry), "utf8");
  rmSync(dir, { recursive: true, force: true });
  expect(services).toMatch(/^org\.apache\.spark\.sql\.kafka010\.KafkaSourceProvider$/m);
  // What the cluster's Spark already has stays out: a second copy could clash with it.
  expect(list.filter((e) => /^(scala|org\/apache\/hadoop|org\/apache\/spark\/sql\/execution)\//.test(e))).toEqual([]);
  expect(list).toContain("META-INF/MANIFEST.MF");
});

test("the job's classes are Java 8 class files (major version 52), readable by HDInsight's JDK 8", async () => {
  const dir = mkdtempSync(join(tmpdir(), "jar-"));
  try {
    await execa("jar", ["xf", spark33.path, "spark/kafka"], { cwd: dir });
    const classes = readdirSync(join(dir, "spark", "kafka")).filter((f) => f.endsWith(".class"));
    expect(classes.length).toBeGreaterThanOrEqual(4);
    const majors = classes.map((c) => readFileSync(join(dir, "spark", "kafka", c)).readUInt16BE(6));
    expect(new Set(majors)).toEqual(new Set([52]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a second build with unchanged sources does not run Maven and keeps the same jar", async () => {
  const before = statSync(spark35.path).mtimeMs;
  const again = await buildWordCountJar({ spark: "3.5", project });
  expect(again).toMatchObject({ path: spark35.path, cached: true });
  expect(statSync(again.path).mtimeMs).toBe(before);
});

test("the build's content stamp changes with the pom or any source file, and only with content", () => {
  const dir = mkdtempSync(join(tmpdir(), "wc-src-"));
  try {
    const write = (path: string, text: string) => {
      mkdirSync(join(dir, path, ".."), { recursive: true });
      writeFileSync(join(dir, path), text);
    };
    write("pom.xml", "<project/>");
    write("src/main/java/A.java", "class A {}");
    const first = sourceHash(dir);
    expect(sourceHash(dir)).toBe(first);
    write("src/main/java/A.java", "class A { }");
    const edited = sourceHash(dir);
    expect(edited).not.toBe(first);
    write("src/test/java/ATest.java", "class ATest {}");
    expect(sourceHash(dir)).not.toBe(edited);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("on a machine with Docker but no Maven or JDK, the jar is built in the node image's build stage, owned by the user", async () => {
  await requireDockerAndBase();
  // A copy of its own, so this build has its own target directory and no cache stamp.
  const copy = await copyOfProject("wordcount-docker-");
  try {
    const notes: string[] = [];
    const built = await withImageBuildLock(() => buildWordCountJar({ spark: "3.5", runTests: false, project: copy, builder: "docker", onProgress: (m) => { notes.push(m); onProgress(m); } }));
    expect(notes.join("\n")).toMatch(/building in Docker/);
    expect(built.cached).toBe(false);
    expect(await entries(built.path)).toContain("spark/kafka/SparkKafkaWordCount.class");
    expect(statSync(built.path).uid).toBe(process.getuid!());
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}, 30 * 60_000);
