/**
 * One job control for every command that asks after a job by its name (`submit`, `wordcount`,
 * `status`), wherever the job runs: spark-submit in the local master (the image's `lab-job`), or a
 * Livy (HDInsight's, or one beside the local Spark). Each says a job's state, its log and a stop in
 * its own words, once; the word count's runners (runners.ts) are job controls too.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { LivyBatchNotFoundError, LivyJobDeadError, type Batch, type BatchState, type LivyClient } from "./livy";
import { appState, jobEnding, jobEvents, jobLog, jobStatus, reasonLines, stopJob } from "./localJobs";
import { describeAppState } from "./ownAppLocal";
import type { NodeShell } from "../local/shell";

export type JobAction = "status" | "log" | "stop";

/** A job's state for people, and whether it runs. */
export interface JobState {
  running: boolean;
  /** One line (or a few, with a log tail): `job "x" is running (...)`, `job "x" is not running: ...`. */
  said: string;
}

export interface JobControl {
  /** Where the jobs run: "spark-submit in hadoop-master", "Livy at https://...". */
  describe: string;
  state(name: string): Promise<JobState>;
  /** The last lines of its log. */
  log(name: string, lines: number): Promise<string[]>;
  /** Stops every run of the name; whether one was running, and what was done. */
  stop(name: string, note: (m: string) => void): Promise<{ wasRunning: boolean; said: string }>;
}

/** --status, --log or --stop: the lines a command prints. */
export async function jobAction(control: JobControl, action: JobAction, name: string, note: (m: string) => void): Promise<string[]> {
  switch (action) {
    case "status": return [(await control.state(name)).said];
    case "log": return control.log(name, 60);
    case "stop": return [(await control.stop(name, note)).said];
  }
}

/** Livy's final states: a batch in any other one still holds its name, and maybe the cluster. */
export const FINISHED: readonly BatchState[] = ["success", "dead", "killed", "error"];

/** How a command names a later step ("npm run submit -- --stack azure --log --name x"). */
export type CommandHint = (action: "stop" | "status" | "log", name: string) => string;

/** The local master's jobs, through the image's `lab-job`: the word count's and one's own alike. */
export function localJobControl(shell: NodeShell, master: string): JobControl {
  return {
    describe: `spark-submit in ${master}`,
    async state(name) {
      const s = await jobStatus(shell, name);
      if (s.running) return { running: true, said: `job "${name}" is running (driver pid ${s.pid} in ${master})` };
      const events = await jobEvents(shell, name);
      // A log without the word count's own lines is a job of one's own: its exit status tells.
      if (!events.length && (await jobLog(shell, name, 1)).length) return { running: false, said: describeAppState(name, await appState(shell, name)) };
      const { ended, why } = await jobEnding(shell, name, events);
      return {
        running: false,
        said: ended === "died" ? `job "${name}" is not running: it died; the end of its log says:\n  ${why.join("\n  ")}`
          : `job "${name}" is not running${ended === "finished" ? " (it drained its topic and finished)" : ended === "stopped" ? " (it was stopped; its checkpoint is kept)" : ""}`,
      };
    },
    log: (name, lines) => jobLog(shell, name, lines),
    async stop(name) {
      if (!(await stopJob(shell, name))) return { wasRunning: false, said: `job "${name}" was not running` };
      // The word count's own progress lines (beside the stop line stopJob just wrote) say it keeps a checkpoint.
      const wordCount = (await jobEvents(shell, name)).some((l) => l !== "[wordcount] stopped");
      return { wasRunning: true, said: wordCount ? `job "${name}" stopped; its checkpoint is kept, so a new submit continues where it stopped` : `job "${name}" stopped` };
    },
  };
}

/**
 * The batch ids this machine submitted, per Livy and job name. Livy reports a batch's name only
 * from 0.6 on; HDInsight 5.1 runs Livy 0.5 (https://learn.microsoft.com/azure/hdinsight/hdinsight-5x-component-versioning),
 * so a later --stop or a fresh start finds its job by the id recorded here.
 */
export interface BatchLedger {
  ids(name: string): number[];
  /** Every name with its ids (npm run status lists the running ones). */
  all(): Record<string, number[]>;
  record(name: string, id: number): void;
  forget(name: string, id: number): void;
}

/** A ledger in a small JSON file ({ livyUrl: { name: [ids] } }); a missing or unreadable file is an empty ledger. */
export function fileBatchLedger(path: string, livyUrl: string): BatchLedger {
  const read = (): Record<string, Record<string, number[]>> => { try { return JSON.parse(readFileSync(path, "utf8")); } catch { return {}; } };
  const update = (name: string, change: (ids: number[]) => number[]) => {
    const all = read();
    const mine = (all[livyUrl] ??= {});
    mine[name] = change(mine[name] ?? []);
    if (!mine[name].length) delete mine[name];
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${JSON.stringify(all, null, 2)}\n`);
  };
  return {
    ids: (name) => read()[livyUrl]?.[name] ?? [],
    all: () => read()[livyUrl] ?? {},
    record: (name, id) => update(name, (ids) => [...ids.filter((i) => i !== id), id]),
    forget: (name, id) => update(name, (ids) => ids.filter((i) => i !== id)),
  };
}

/** The driver's own log of a YARN application (jobs/spark/yarnLogs.ts), where one can be read. */
export type DriverLog = (appId: string) => Promise<string[]>;

/**
 * A dead batch as an error with the lines that say why (exit 22): from the driver's own log in
 * YARN when `driverLog` reads it (cluster mode, HDInsight's: Livy's log then holds only
 * spark-submit's reports), else from Livy's log.
 */
export async function deadBatch(livy: LivyClient, name: string, batch: Batch, hint: CommandHint, driverLog?: DriverLog): Promise<LivyJobDeadError> {
  const log = (await livy.log(batch.id, 0, 100_000).catch(() => ({ log: batch.log ?? [] }))).log;
  const ran = `Livy batch ${batch.id} ${batch.state}${batch.appId ? `, YARN application ${batch.appId}` : ""}`;
  let unread = "";
  if (driverLog && batch.appId) {
    try {
      const lines = reasonLines(await driverLog(batch.appId));
      if (lines.length) return new LivyJobDeadError(`job "${name}" died (${ran}); its driver's log in YARN says:\n  ${lines.join("\n  ")}\nIts log: ${hint("log", name)}`, batch, lines);
    } catch (e) {
      unread = `\n(the driver's own log in YARN could not be read: ${(e as Error).message})`;
    }
  }
  const lines = reasonLines(log);
  return new LivyJobDeadError(`job "${name}" died (${ran}); the end of its log says:\n  ${lines.join("\n  ")}${unread}\nIts log: ${hint("log", name)}`, batch, lines);
}

/**
 * Follows a batch with `follow`; a batch that ends dead becomes the job's own error, with the lines
 * that say why (deadBatch). The word count's runner and jobs of one's own on Azure alike.
 */
export async function followingBatch(livy: LivyClient, name: string, hint: CommandHint, follow: () => Promise<Batch>, driverLog?: DriverLog): Promise<Batch> {
  try {
    return await follow();
  } catch (e) {
    if (e instanceof LivyJobDeadError) throw await deadBatch(livy, name, e.batch, hint, driverLog);
    throw e;
  }
}

/**
 * The batches of a job name among those Livy lists: by name where Livy reports one (0.6 on), else
 * by the ids the ledger recorded. `gone`: recorded ids Livy no longer knows (killed, or forgotten
 * after its retain time), for the ledger to forget.
 */
export function batchesOfName(known: Batch[], recorded: number[], name: string): { batches: Batch[]; gone: number[] } {
  return {
    batches: known.filter((b) => (b.name ?? undefined) === undefined ? recorded.includes(b.id) : b.name === name),
    gone: recorded.filter((id) => !known.some((b) => b.id === id)),
  };
}

/** The batches of a job name Livy still knows, the ledger tidied on the way. */
export async function namedBatches(livy: LivyClient, ledger: BatchLedger, name: string): Promise<Batch[]> {
  const { batches, gone } = batchesOfName(await livy.batches(), ledger.ids(name), name);
  for (const id of gone) ledger.forget(name, id);
  return batches;
}

/** The newest batch of a name Livy still knows. */
export async function latestBatch(livy: LivyClient, ledger: BatchLedger, name: string): Promise<Batch | undefined> {
  return (await namedBatches(livy, ledger, name)).sort((a, b) => b.id - a.id)[0];
}

const FORGOTTEN = "Livy knows no batch of that name (it forgets a finished one after its retain time, 10 minutes by default)";

/** A Livy's batches, the word count's and one's own alike; a dead one says why, from its log. */
export function livyJobControl(livy: LivyClient, ledger: BatchLedger, hint: CommandHint, driverLog?: DriverLog): JobControl {
  return {
    describe: `Livy at ${livy.baseUrl}`,
    async state(name) {
      const b = await latestBatch(livy, ledger, name);
      if (!b) return { running: false, said: `job "${name}" is not running: ${FORGOTTEN}` };
      const what = `Livy batch ${b.id} ${b.state}${b.appId ? `, YARN application ${b.appId}` : ""}`;
      switch (b.state) {
        case "success": return { running: false, said: `job "${name}" is not running: it finished (${what})` };
        case "killed": return { running: false, said: `job "${name}" is not running: it was killed (${what})` };
        case "dead":
        case "error": return { running: false, said: `job "${name}" is not running: ${(await deadBatch(livy, name, b, hint, driverLog)).message.replace(/^job "[^"]*" /, "it ")}` };
        default: return { running: true, said: `job "${name}" is running (${what})` };
      }
    },
    async log(name, lines) {
      const b = await latestBatch(livy, ledger, name);
      if (!b) throw new LivyBatchNotFoundError(`job "${name}": ${FORGOTTEN}`, { service: "Livy", request: "GET /batches" });
      const log = (await livy.log(b.id, 0, 100_000)).log.slice(-lines);
      // A finished batch in cluster mode: its driver's own lines are in YARN's log, after Livy's.
      if (!driverLog || !b.appId || !FINISHED.includes(b.state)) return log;
      const driver = await driverLog(b.appId).catch((e: Error) => [`(could not be read: ${e.message})`]);
      return [...log, `--- the driver's own log in YARN (application ${b.appId}) ---`, ...driver.slice(-lines)];
    },
    // Livy refuses a second batch of the same name while it remembers the first, finished or not
    // (its retain time, 10 minutes by default): every batch of the name is deleted.
    async stop(name, note) {
      const killed: number[] = [];
      for (const b of await namedBatches(livy, ledger, name)) {
        const ran = !FINISHED.includes(b.state);
        if (ran) killed.push(b.id);
        await livy.kill(b.id);
        ledger.forget(name, b.id);
        note(`Livy batch ${b.id} (${b.state}) ${ran ? "killed" : "forgotten"}`);
      }
      return { wasRunning: killed.length > 0, said: killed.length ? `job "${name}" stopped (Livy batch ${killed.join(", ")} killed)` : `job "${name}" was not running` };
    },
  };
}
