/**
 * One run per stack and job name at a time on this machine (jobs/util/runLock.ts): two terminals
 * running `npm run demo` 4 s apart once loaded both texts into demo-lines and counted both. The
 * second run is refused before it touches anything, naming the first; a lock left by a killed run
 * does not block the next.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import execa from "execa";
import { acquireRunLock, runLockPath, thisCommand } from "../jobs/util/runLock";
import { EXIT, RunInProgressError } from "../lib/errors";
import { demo } from "../scripts/demo";
import { wordcount } from "../scripts/wordcount";
import { runMain } from "./support/commands";

let dir: string;
const saved = process.env.XDG_CACHE_HOME;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "run-lock-"));
  process.env.XDG_CACHE_HOME = dir;
});
afterEach(() => {
  if (saved === undefined) delete process.env.XDG_CACHE_HOME;
  else process.env.XDG_CACHE_HOME = saved;
  rmSync(dir, { recursive: true, force: true });
});

/** Another process on this machine (a sleeping one), as the first terminal's run. */
const otherProcess = () => execa(process.execPath, ["-e", "setTimeout(() => undefined, 60_000)"]);

test("a run holds the lock: its pid, its command and when it started; released, the lock is gone", () => {
  const lock = acquireRunLock("dev", "demo", { command: "npm run demo -- --from 2000" });
  const file = runLockPath("dev", "demo", join(dir, "kafka-spark-lab", "runs"));
  expect(JSON.parse(readFileSync(file, "utf8"))).toMatchObject({ pid: process.pid, command: "npm run demo -- --from 2000" });
  // The same process may take it again (the demo, then its word count).
  acquireRunLock("dev", "demo").release();
  expect(existsSync(file)).toBe(true);
  lock.release();
  expect(existsSync(file)).toBe(false);
});

test("a second run of the same job on the same stack is refused, naming the first and what to do; another job or stack is not", async () => {
  const first = otherProcess();
  try {
    acquireRunLock("dev", "demo", { pid: first.pid, command: "npm run demo" });
    const e = (() => { try { acquireRunLock("dev", "demo"); return undefined; } catch (x) { return x; } })();
    expect(e).toBeInstanceOf(RunInProgressError);
    expect((e as RunInProgressError).exitCode).toBe(EXIT.BUSY);
    expect((e as Error).message).toMatch(new RegExp(`^job "demo" on stack "dev" is already being run by another command on this machine: pid ${first.pid}, \`npm run demo\`, since \\d{4}-.*Wait for it to end, or stop it \\(Ctrl-C in its terminal, or kill ${first.pid}\\); to run both at once, give this one another job name \\(--name\\)\\.$`));
    acquireRunLock("dev", "other").release();
    acquireRunLock("lab", "demo").release();
  } finally {
    first.kill("SIGKILL");
    await first.catch(() => undefined);
  }
});

test("a lock left by a run that was killed does not block the next", async () => {
  const first = otherProcess();
  acquireRunLock("dev", "demo", { pid: first.pid, command: "npm run demo" });
  first.kill("SIGKILL");
  await first.catch(() => undefined);
  const lock = acquireRunLock("dev", "demo", { command: "npm run demo" });
  expect(JSON.parse(readFileSync(runLockPath("dev", "demo", join(dir, "kafka-spark-lab", "runs")), "utf8")).pid).toBe(process.pid);
  lock.release();
});

test.each([
  ["demo", demo, ["--stack", "dev"], "demo"],
  ["wordcount", wordcount, ["--stack", "dev", "--lines", "5"], "wordcount"],
] as const)("npm run %s while another run holds the job: exit 31 before anything is read or touched", async (_name, command, argv, job) => {
  const first = otherProcess();
  try {
    acquireRunLock("dev", job, { pid: first.pid, command: `npm run ${job}` });
    const touched: string[] = [];
    const r = await runMain(command, [...argv], {
      readStackOutputs: async () => { touched.push("stack outputs"); return { target: "local", containerNames: ["hadoop-master"], bootstrapServersHost: "localhost:1", bootstrapServersInternal: "x:1" }; },
      fetch: async () => { touched.push("fetch"); throw new Error("no network here"); },
      openGateway: async () => { touched.push("ssh"); throw new Error("no gateway here"); },
    });
    expect(r.stderr).toContain(`error: job "${job}" on stack "dev" is already being run by another command on this machine: pid ${first.pid}, \`npm run ${job}\``);
    expect(r.exitCode).toBe(31);
    // The demo refuses before reading its stack; the word count reads where the stack is, then refuses before any topic.
    expect(touched.filter((t) => t !== "stack outputs")).toEqual([]);
  } finally {
    first.kill("SIGKILL");
    await first.catch(() => undefined);
  }
});

test("the command a lock names is the one a person typed", () => {
  expect(thisCommand(["node", "scripts/demo.ts", "--from", "2000"], { npm_lifecycle_event: "demo" })).toBe("npm run demo -- --from 2000");
  expect(thisCommand(["node", "scripts/demo.ts"], { npm_lifecycle_event: "demo" })).toBe("npm run demo");
  expect(thisCommand(["node", "scripts/demo.ts"], {})).toBe("scripts/demo.ts");
});
