/**
 * `npm run submit -- --jar|--py`: a job of one's own is checked on this machine before anything
 * is read, copied or submitted. Each refusal exits 2 and names the flag, what is wrong and the fix;
 * the stack is not even read (its reader throws here).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkSparkApp, defaultJobName } from "../jobs/spark/ownAppFile";
import { main } from "../scripts/submit";
import { zipOf } from "./support/zip";
import { runMain } from "./support/commands";

const dir = mkdtempSync(join(tmpdir(), "own-job-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: string | Buffer) => { const p = join(dir, name); writeFileSync(p, content); return p; };

const jar = file("my-job.jar", zipOf({ "META-INF/MANIFEST.MF": "Manifest-Version: 1.0\r\n\r\n", "com/example/MyJob.class": Buffer.from([0xca, 0xfe, 0xba, 0xbe]), "com/example/util/Other.class": "x" }));
const manifestJar = file("with-main.jar", zipOf({ "META-INF/MANIFEST.MF": "Manifest-Version: 1.0\r\nMain-Class: com.example.MyJo\r\n b\r\n\r\n", "com/example/MyJob.class": "x" }));
const notJar = file("notajar.jar", "#!/bin/sh\necho hi\n");
const truncated = file("truncated.jar", zipOf({ "a.class": "x" }).subarray(0, 40));
const py = file("my job.py", "print('hello')\n");
const binaryPy = file("binary.py", Buffer.from([0x50, 0x00, 0x01]));
const txt = file("job.txt", "print(1)\n");

async function run(argv: string[]) {
  const { exitCode: code, stdout: out, stderr: err } = await runMain(main, argv, {
    // No stack file in this directory either: reading the stack fails here, so nothing runs.
    workDir: dir,
    readStackOutputs: () => { throw new Error("the stack was read"); },
  });
  return { code, out, err };
}

test.each([
  [["--jar", join(dir, "missing.jar"), "--class", "a.B"], /--jar .*missing\.jar: no such file \(looked for .*missing\.jar\)/],
  [["--jar", dir, "--class", "a.B"], /--jar .*: not a file/],
  [["--jar", notJar, "--class", "a.B"], /--jar .*notajar\.jar: not a jar \(a jar is a zip archive; this file starts otherwise\)\. Build it with mvn package, sbt package or jar cf/],
  [["--jar", truncated, "--class", "a.B"], /--jar .*truncated\.jar: not a readable zip archive .*; build it again/],
  [["--jar", jar, "--class", "com.example.Missing"], /--class com\.example\.Missing: not in my-job\.jar \(no com\/example\/Missing\.class\)/],
  [["--jar", jar, "--class", "MyJob"], /--class MyJob: not in my-job\.jar \(no MyJob\.class\); did you mean com\.example\.MyJob\?/],
  [["--jar", jar, "--class", "com.example.My-Job"], /--class com\.example\.My-Job: not a Java class name/],
  [["--jar", jar], /--jar .*my-job\.jar: give --class <main class>; the jar's manifest names none/],
  [["--py", join(dir, "nope.py")], /--py .*nope\.py: no such file/],
  [["--py", txt], /--py .*job\.txt: expected a Python file ending in \.py \(for a jar, use --jar and --class\)/],
  [["--py", binaryPy], /--py .*binary\.py: not a text file \(it holds NUL bytes\); expected Python source/],
  [["--py", py, "--jar", jar], /give --jar or --py, not both/],
  [["--py", py, "--class", "a.B"], /--class names the main class of a --jar; a --py needs none/],
  [["--py", py, "--topic", "lines"], /--topic is an option of the word count, not of a job of one's own: give your job its arguments after --/],
  [["--py", py, "--name", "my job"], /--name my job: use 1-64 letters, digits, - or _/],
  [["--sink", "kafka", "--", "extra"], /arguments after -- are for a job of one's own \(--jar or --py\); the word count takes options/],
  [["--status", "--logs"], /give one of --status, --log/],
])("submit %j is refused with exit 2 before the stack is read", async (argv, message) => {
  const r = await run(argv);
  expect(r.err).toMatch(message);
  expect(r.err).not.toContain("the stack was read");
  expect(r.code).toBe(2);
});

test("a valid --jar, --py or manifest jar passes the checks and reaches the stack (which this test's reader refuses)", async () => {
  for (const argv of [["--jar", jar, "--class", "com.example.MyJob"], ["--py", py], ["--jar", manifestJar], ["--py", py, "--", "--not-ours", "x"]]) {
    const r = await run(argv);
    expect(r.err).toContain("the stack was read");
  }
});

test("the manifest's Main-Class is read (continuation lines joined) and names the job's class", async () => {
  expect(await checkSparkApp({ jar: manifestJar })).toEqual({ kind: "jar", path: manifestJar, className: "com.example.MyJob" });
});

test("a job's default name comes from its file's name, made fit for --name", async () => {
  expect(defaultJobName(await checkSparkApp({ py }))).toBe("my-job");
  expect(defaultJobName(await checkSparkApp({ jar, className: "com.example.MyJob" }))).toBe("my-job");
});
