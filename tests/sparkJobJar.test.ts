/**
 * Which jar an Azure stack uploads: `sparkJobJar` as configured (relative to the project), or a
 * clear config error when that file is missing; the stamp its name carries in the cluster's storage,
 * and the refusal to run the word count from a jar that the sources here did not make. (The
 * default, the word-count job built for Spark 3.3, is built and inspected in
 * tests/wordcount.jar.live.test.ts.)
 */
import { createHash } from "crypto";
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { checkJobJarCurrent, jobJarBlobName, jobJarStampOf, sourceHash, sparkJobJarFor, WORDCOUNT_PROJECT } from "../stacks/jobJar";
import { EXIT, StaleJarError } from "../lib/errors";
import { ConfigValidationError } from "../stacks/configError";

const ROOT = join(__dirname, "..");
const FIXTURE_JAR = join(ROOT, "tests", "fixtures", "job.jar");
const url = (blob: string) => `wasbs://spark-lab42@stlab42.blob.core.windows.net/${blob}`;

test("a configured jar is used as is, relative paths from the project directory, stamped with its bytes' hash", async () => {
  expect(await sparkJobJarFor("tests/fixtures/job.jar", ROOT, () => undefined)).toEqual({
    path: FIXTURE_JAR,
    of: "file",
    stamp: createHash("sha256").update(readFileSync(FIXTURE_JAR)).digest("hex"),
  });
});

test("a configured jar that does not exist is a config error naming sparkJobJar, before anything is declared", async () => {
  const e = (await sparkJobJarFor("target/missing.jar", ROOT, () => undefined).catch((x: unknown) => x)) as ConfigValidationError;
  expect(e).toBeInstanceOf(ConfigValidationError);
  expect(e.message).toMatch(/kafka-spark-lab:sparkJobJar: .*missing\.jar does not exist/);
  expect(e.message).toMatch(/pulumi config rm sparkJobJar/);
});

test("the jar's name in the cluster's storage carries what it was made from and 16 hex digits of its stamp, and reads back", () => {
  const stamp = "0123456789abcdef".repeat(4);
  expect(jobJarBlobName({ of: "sources", stamp })).toBe("kafka-spark-lab/jobs/spark-job-src-0123456789abcdef.jar");
  expect(jobJarBlobName({ of: "file", stamp })).toBe("kafka-spark-lab/jobs/spark-job-file-0123456789abcdef.jar");
  expect(jobJarStampOf(url("kafka-spark-lab/jobs/spark-job-src-0123456789abcdef.jar"))).toEqual({ of: "sources", stamp: "0123456789abcdef" });
  expect(jobJarStampOf(url("kafka-spark-lab/jobs/spark-job.jar"))).toBeUndefined();
  expect(jobJarStampOf(url("kafka-spark-lab/jobs/spark-job-src-0123.jar"))).toBeUndefined();
});

describe("the word count refuses a stack's jar that the sources here did not make", () => {
  let project: string;
  const notes: string[] = [];
  const note = (m: string) => void notes.push(m);
  beforeEach(() => {
    project = mkdtempSync(join(tmpdir(), "wc-sources-"));
    cpSync(join(WORDCOUNT_PROJECT, "pom.xml"), join(project, "pom.xml"));
    cpSync(join(WORDCOUNT_PROJECT, "src"), join(project, "src"), { recursive: true });
    notes.length = 0;
  });
  afterEach(() => rmSync(project, { recursive: true, force: true }));

  test("a jar built from these very sources runs, and the command says so", () => {
    const deployed = url(jobJarBlobName({ of: "sources", stamp: sourceHash(project) }));
    expect(() => checkJobJarCurrent(deployed, note, project)).not.toThrow();
    expect(notes).toEqual([`built from the word-count sources as they are here (stamp ${sourceHash(project).slice(0, 16)})`]);
  });

  test("after one source file changed: refused with both stamps and the fix (pulumi up), exit 29", () => {
    const deployed = url(jobJarBlobName({ of: "sources", stamp: sourceHash(project) }));
    appendFileSync(join(project, "src", "main", "java", "spark", "kafka", "SparkKafkaWordCount.java"), "\n// changed\n");
    let e: unknown;
    try {
      checkJobJarCurrent(deployed, note, project);
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(StaleJarError);
    expect((e as StaleJarError).exitCode).toBe(EXIT.STALE_JAR);
    expect(EXIT.STALE_JAR).toBe(29);
    expect((e as StaleJarError).message).toContain(`built from other sources (stamp ${jobJarStampOf(deployed)!.stamp})`);
    expect((e as StaleJarError).message).toContain(`as it is now (${sourceHash(project).slice(0, 16)}): run \`pulumi up\` to build and upload the jar from yours`);
  });

  test("a stack whose jar name carries no stamp (an earlier version's) is refused with the fix", () => {
    expect(() => checkJobJarCurrent(url("kafka-spark-lab/jobs/spark-job.jar"), note, project)).toThrow(/carries no content stamp in its name .*: run `pulumi up` to upload the jar built from yours/);
  });

  test("a jar of one's own (sparkJobJar) is taken as uploaded, its stamp named", () => {
    checkJobJarCurrent(url(jobJarBlobName({ of: "file", stamp: "f".repeat(64) })), note, project);
    expect(notes).toEqual(["a jar of your own (sparkJobJar), content ffffffffffffffff..., as pulumi up uploaded it"]);
  });
});
