/**
 * The image's job control, `lab-job`, run on this machine as a node runs it (bash, coreutils, /proc),
 * with a stand-in `spark-submit` on PATH that behaves as a driver does: logs, runs until signalled
 * or exits with a given status. The tools tier: bash and coreutils, no Docker. The live tests run
 * the same script in the nodes with the real spark-submit.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import execa from "execa";
import { waitFor } from "../jobs/util/poll";

const LAB_JOB = join(__dirname, "..", "stacks", "local", "image", "rootfs", "usr", "local", "bin", "lab-job");
let dir: string;
let env: Record<string, string>;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "lab-job-"));
  const bin = join(dir, "bin");
  execa.sync("mkdir", ["-p", bin]);
  // A driver: logs its arguments and a progress line, then exits with $EXIT_WITH after $RUN_FOR s
  // (or runs until signalled); a TERM ends it with 143, as a JVM's shutdown does.
  writeFileSync(join(bin, "spark-submit"), [
    "#!/usr/bin/env bash",
    'echo "args: $*"',
    'echo "[wordcount] batch 0: 0 rows"',
    'trap "echo stopping; exit 143" TERM',
    'sleep "${RUN_FOR:-600}" & wait $!',
    'exit "${EXIT_WITH:-0}"',
  ].join("\n"));
  chmodSync(join(bin, "spark-submit"), 0o755);
  env = { PATH: `${bin}:${process.env.PATH}`, JOBS_DIR: join(dir, "jobs") };
});
afterAll(async () => {
  await execa("bash", ["-c", 'for f in "$JOBS_DIR"/*.pid; do [ -f "$f" ] && kill -KILL "$(cat "$f")" 2>/dev/null; done; true'], { env });
  rmSync(dir, { recursive: true, force: true });
});

const job = async (...args: string[]) => (await execa(LAB_JOB, args, { env: { ...env } })).stdout;
const jobWith = async (extra: Record<string, string>, ...args: string[]) => (await execa(LAB_JOB, args, { env: { ...env, ...extra } })).stdout;

test("start, pid, list, log, events; a second start of the name is refused while it runs", async () => {
  const started = await job("start", "runs", "--name", "runs", "--master", "yarn", "app.jar", "a b");
  expect(started).toMatch(/^started \d+$/);
  const pid = started.split(" ")[1];
  expect(await job("pid", "runs")).toBe(pid);
  expect(await job("start", "runs", "app.jar")).toBe(`running ${pid}`);
  expect(await job("list")).toBe(`runs ${pid} yarn`);
  await waitFor("the driver's log", async () => ((await job("log", "runs", "5")).includes("[wordcount]") ? true : undefined), 10_000, 50);
  expect(await job("log", "runs", "5")).toBe("args: --name runs --master yarn app.jar a b\n[wordcount] batch 0: 0 rows");
  expect(await job("events", "runs")).toBe("[wordcount] batch 0: 0 rows");
  expect(await job("submitted", "runs")).toBe("0");
});

test("a stop: TERM reaches the driver, its exit status is kept, mark-stopped says so in the log and beside it", async () => {
  await job("start", "stops", "app.jar");
  await job("signal", "stops", "TERM");
  await waitFor("the driver to end", async () => ((await job("pid", "stops")) === "" ? true : undefined), 10_000, 50);
  await job("mark-stopped", "stops");
  expect(await job("ended", "stops")).toBe("143 1 1");
  expect(await job("events", "stops")).toBe("[wordcount] batch 0: 0 rows\n[wordcount] stopped");
  expect(await job("list")).not.toMatch(/^stops /m);
});

test("a driver that exits by itself: its status, no stop; one never started: no log", async () => {
  await jobWith({ RUN_FOR: "0", EXIT_WITH: "3" }, "start", "fails", "app.py");
  await waitFor("the driver to end", async () => ((await job("pid", "fails")) === "" ? true : undefined), 10_000, 50);
  expect(await job("ended", "fails")).toBe("3 0 1");
  expect(await job("ended", "never")).toBe("- 0 0");
  expect(await job("pid", "never")).toBe("");
  expect(await job("log", "never", "5")).toBe("");
});

test("bad input: a name it refuses, a signal it does not send, an unknown command; exit 2 naming it", async () => {
  const refused = async (...args: string[]) => {
    const r = await execa(LAB_JOB, args, { env, reject: false });
    return { code: r.exitCode, stderr: r.stderr };
  };
  expect(await refused("pid", "a b;rm")).toEqual({ code: 2, stderr: 'lab-job: job name "a b;rm": use 1-64 letters, digits, - or _' });
  expect(await refused("signal", "runs", "HUP")).toEqual({ code: 2, stderr: "lab-job: signal TERM or KILL, not 'HUP'" });
  expect((await refused("frobnicate")).code).toBe(2);
  expect((await execa(LAB_JOB, ["list"], { env: { PATH: env.PATH }, reject: false })).stderr).toContain("JOBS_DIR must name the jobs directory");
});
