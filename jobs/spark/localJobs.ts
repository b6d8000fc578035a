/**
 * Runs a Spark job on the local stack's master, as the lab does by hand (`docker cp` the jar,
 * `spark-submit` inside hadoop-master), but with arguments as an array (no shell quoting), the
 * driver detached from the terminal with its log kept in the node, and a clean stop.
 *
 * Each job has a name; its driver's pid and log live in JOBS_DIR on the master, so a second
 * terminal (or a later `npm run submit -- --stop`) finds it again. Every step in the node is one
 * call of the image's job control, `lab-job` (stacks/local/image/rootfs/usr/local/bin/lab-job).
 */
import { YARN_NODE_RESOURCES } from "../../stacks/local/topology";
import { JobFailedError, SubmitError } from "../../lib/errors";
import { waitFor } from "../util/poll";
import { JOBS_DIR, type NodeShell } from "../local/shell";
import { JOB_NAME } from "../wordcount/job";

export type SparkMode = "local" | "yarn";

export interface SubmitOptions {
  shell: NodeShell;
  /** Job name: one running driver per name (letters, digits, - and _). */
  name: string;
  /** The application in the node: a jar (with `className`) or a .py file. */
  appInNode: string;
  /** The jar's main class; none for a .py (or a jar whose manifest names it). */
  className?: string;
  jobArgs: string[];
  /** local[*] on the master (the lab's way) or YARN across the workers (client mode: the driver stays on the master). */
  mode?: SparkMode;
  /** Extra spark-submit options, e.g. ["--conf", "spark.executor.memory=1g"]. */
  sparkArgs?: string[];
  /** Environment of the driver (e.g. KAFKA_BROKERS for a job of one's own). */
  env?: Record<string, string>;
}

export interface JobStatus {
  name: string;
  running: boolean;
  pid?: number;
}

function checkName(name: string): void {
  if (!JOB_NAME.test(name)) throw new SubmitError(`job name "${name}": use 1-64 letters, digits, - or _`);
}

/** `lab-job COMMAND NAME ARGS...` in the node: the image's one job control. */
export function labJob(shell: NodeShell, command: string, name: string | undefined, args: string[] = [], env: Record<string, string> = {}): Promise<string> {
  if (name !== undefined) checkName(name);
  return shell.run('lab-job "$@"', [command, ...(name === undefined ? [] : [name]), ...args], { ...env, JOBS_DIR });
}

export async function jobStatus(shell: NodeShell, name: string): Promise<JobStatus> {
  const pid = (await labJob(shell, "pid", name)).trim();
  return pid ? { name, running: true, pid: Number(pid) } : { name, running: false };
}

/**
 * Executors for YARN sized to fit the NodeManagers: YARN rounds each container up to a multiple
 * of its 1024 MB minimum, and Spark adds 384 MB overhead, so 512 MB heaps take one 1 GB slot each;
 * the application master (client mode) takes one slot on some worker. One executor per worker,
 * `vcoresPerWorker` cores each, minus what the master's slot leaves.
 */
export function yarnSizing(workers: number, nodeManagerMb: number = YARN_NODE_RESOURCES.memoryMb, vcoresPerWorker: number = YARN_NODE_RESOURCES.vcores): string[] {
  const slotsPerWorker = Math.floor(nodeManagerMb / 1024);
  const executors = Math.max(1, Math.min(workers, workers * slotsPerWorker - 1));
  return ["--num-executors", String(executors), "--executor-memory", "512m", "--executor-cores", String(Math.max(1, Math.min(vcoresPerWorker, 2))),
    "--conf", "spark.yarn.am.memory=512m", "--conf", "spark.yarn.am.cores=1"];
}

/** spark-submit's own arguments for the mode; the deploy mode is client so stop and logs stay on the master. */
export function sparkSubmitArgs(o: Pick<SubmitOptions, "name" | "appInNode" | "className" | "jobArgs" | "mode" | "sparkArgs">): string[] {
  const master = o.mode === "yarn" ? ["--master", "yarn", "--deploy-mode", "client"] : ["--master", "local[*]"];
  const main = o.className === undefined ? [] : ["--class", o.className];
  return ["--name", o.name, ...main, ...master, ...(o.sparkArgs ?? []), o.appInNode, ...o.jobArgs];
}

/**
 * Starts the driver in the background on the master (its log in JOBS_DIR/<name>.log) and returns
 * its pid. Refuses when a driver of that name still runs: stop it first, or it would compete for
 * the same checkpoint.
 */
export async function submitDetached(o: SubmitOptions): Promise<JobStatus> {
  const answer = (await labJob(o.shell, "start", o.name, sparkSubmitArgs(o), o.env)).trim();
  const [word, pid] = answer.split(" ");
  if (word === "running") {
    throw new SubmitError(`job "${o.name}" is already running (pid ${pid}): stop it first (npm run submit -- --stop --name ${o.name})`);
  }
  return { name: o.name, running: true, pid: Number(pid) };
}

/** The last lines of a job's log. */
export async function jobLog(shell: NodeShell, name: string, lines = 40): Promise<string[]> {
  return (await labJob(shell, "log", name, [String(lines)])).split("\n").filter(Boolean);
}

/** The job's own progress lines ("[wordcount] ..."), from its whole log, without Spark's logging. */
export async function jobEvents(shell: NodeShell, name: string): Promise<string[]> {
  return (await labJob(shell, "events", name)).split("\n").filter(Boolean);
}

/** Streams a job's log from its start until its driver exits. */
export async function followJob(shell: NodeShell, name: string, onLine: (line: string) => void): Promise<void> {
  checkName(name);
  await shell.stream('lab-job "$@"', ["follow", name], { JOBS_DIR }, onLine);
}

/** The lines of a log that say what went wrong: exceptions and their causes, the last few, each once. */
export function errorLines(log: string[], max = 8): string[] {
  // Not a JVM option that names an error (-XX:OnOutOfMemoryError, in YARN's launch lines).
  const wanted = log.filter((l) => /\b(\w+\.)*\w*(Exception|Error)\b|^Caused by:|\[wordcount\] stopped: /.test(l) && !/^\s+at |-XX:/.test(l));
  return [...new Set(wanted.map((l) => l.trim()))].slice(-max);
}

/** What a dead job's log says of why: its error lines, or its last lines when none names an error. */
export function reasonLines(log: string[]): string[] {
  const why = errorLines(log);
  return why.length ? why : log.slice(-12);
}

/** How a job that no longer runs ended, from its log: its query finished (available-now), was stopped, or died (with why). */
export async function jobEnding(shell: NodeShell, name: string, known?: string[]): Promise<{ ended: "finished" | "stopped" | "died" | "never ran"; why: string[] }> {
  const events = known ?? (await jobEvents(shell, name));
  const log = await jobLog(shell, name, 400);
  if (!log.length) return { ended: "never ran", why: [] };
  const last = events.at(-1) ?? "";
  if (last.startsWith("[wordcount] finished")) return { ended: "finished", why: [] };
  if (last === "[wordcount] stopped") return { ended: "stopped", why: [] };
  return { ended: "died", why: reasonLines(log) };
}

/**
 * Waits until the job really runs: its query started and its first micro-batch done (the
 * "[wordcount] batch" line, which comes after the sink took the batch; an idle query reports one
 * too), or an available-now run finished. A driver that exits first fails with its error lines.
 */
export async function waitUntilStarted(shell: NodeShell, name: string, timeoutMs = 180_000): Promise<void> {
  // The probe answers "exited" instead of throwing: waitFor retries on errors, an exit is final.
  const outcome = await waitFor(`job "${name}" to run its first micro-batch`, async () => {
    if ((await jobEvents(shell, name)).some((l) => /^\[wordcount\] (batch |finished)/.test(l))) return { started: true };
    if ((await jobStatus(shell, name)).running) return undefined;
    return { started: false };
  }, timeoutMs, 1000);
  if (!outcome.started) {
    const { why } = await jobEnding(shell, name);
    throw new SubmitError(`job "${name}" died before its first micro-batch; the end of its log says:\n  ${why.join("\n  ")}\nIts whole log: npm run submit -- --log --name ${name}`);
  }
}

/**
 * Stops a driver cleanly: SIGTERM lets Spark's shutdown hook stop the query and the context (the
 * checkpoint stays consistent; an unfinished batch is replayed on restart); SIGKILL after
 * `graceMs`. Returns false when no driver of that name was running.
 */
export async function stopJob(shell: NodeShell, name: string, graceMs = 30_000): Promise<boolean> {
  const status = await jobStatus(shell, name);
  if (!status.running) return false;
  await labJob(shell, "signal", name, ["TERM"]);
  try {
    await waitFor(`job "${name}" to stop`, async () => ((await jobStatus(shell, name)).running ? undefined : true), graceMs, 500);
  } catch {
    await labJob(shell, "signal", name, ["KILL"]);
    await waitFor(`job "${name}" to be killed`, async () => ((await jobStatus(shell, name)).running ? undefined : true), 10_000, 500);
  }
  await labJob(shell, "mark-stopped", name);
  return true;
}

/**
 * Shuffle partitions sized for where the job runs: one per core it can use (local[*]: the
 * master's cores; YARN: the workers' vcores). Measured here: with a 1 s trigger on 2 cores, 4
 * partitions give p50 1.58 s from send to count, 2 give 1.26 s, 1 gives 1.04 s (bench/).
 */
export async function shufflePartitionsFor(shell: NodeShell, mode: SparkMode, workers: number): Promise<number> {
  if (mode === "yarn") return Math.max(1, workers * YARN_NODE_RESOURCES.vcores);
  return Math.max(1, Number((await shell.run("nproc")).trim()) || 1);
}

/** How a job of one's own stands, from its driver's exit status (kept by submitDetached's wrapper). */
export type AppState =
  | { state: "running"; pid: number }
  | { state: "finished" }
  | { state: "stopped" }
  | { state: "failed"; exitCode: number; why: string[] }
  | { state: "killed"; why: string[] }
  | { state: "never ran" };

export async function appState(shell: NodeShell, name: string): Promise<AppState> {
  const status = await jobStatus(shell, name);
  if (status.running) return { state: "running", pid: status.pid! };
  // One line: the exit status (or -), then 1/0 for "was stopped" and "has a log".
  const [exit, stopped, hasLog] = (await labJob(shell, "ended", name)).trim().split(/\s+/);
  if (hasLog !== "1") return { state: "never ran" };
  if (stopped === "1") return { state: "stopped" };
  const why = async () => reasonLines(await jobLog(shell, name, 400));
  if (exit === "0") return { state: "finished" };
  // No status: the wrapper went with the driver (a kill -9 of the node's processes, a restart).
  if (exit === "-" || exit === undefined) return { state: "killed", why: await why() };
  return { state: "failed", exitCode: Number(exit), why: await why() };
}

/**
 * Waits until a job of one's own has started its Spark application (the driver logs "Submitted
 * application" when its SparkContext is up, local or YARN), or has already ended: a driver that
 * ends with a non-zero status fails with its error lines.
 */
export async function waitUntilSubmitted(shell: NodeShell, name: string, timeoutMs = 180_000): Promise<AppState> {
  const state = await waitFor(`job "${name}" to start its Spark application`, async () => {
    const s = await appState(shell, name);
    if (s.state !== "running") return s;
    const started = (await labJob(shell, "submitted", name)).trim();
    return Number(started) > 0 ? s : undefined;
  }, timeoutMs, 500);
  failIfEndedBadly(name, state);
  return state;
}

/** A failed or killed job as an error that says why and gets its own exit code. */
export function failIfEndedBadly(name: string, s: AppState): void {
  if (s.state === "failed" || s.state === "killed") {
    const how = s.state === "failed" ? `died (exit status ${s.exitCode})` : "was killed";
    throw new JobFailedError(`job "${name}" ${how}; the end of its log says:\n  ${s.why.join("\n  ")}\nIts whole log: npm run submit -- --log --name ${name}`, s.state === "failed" ? s.exitCode : undefined, s.why);
  }
}
