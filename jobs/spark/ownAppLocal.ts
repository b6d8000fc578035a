/**
 * A Spark application of one's own on the local stack (`npm run submit -- --jar|--py`): copied to
 * the master, started there with spark-submit like the word count (detached, one driver per
 * name, local[*] or YARN), with the Kafka source on its class path (the image's Spark jars) and
 * the stack's brokers in KAFKA_BROKERS.
 */
import type { SparkApp } from "./ownAppFile";
import { failIfEndedBadly, type AppState, type SparkMode, submitDetached, waitUntilSubmitted, yarnSizing } from "./localJobs";
import { type NodeShell, putFile } from "../local/shell";

export const OWN_JOB_STEPS = ["copy the application to the master", "start it with spark-submit", "wait for its Spark application"] as const;

export interface OwnJobOptions {
  shell: NodeShell;
  master: string;
  app: SparkApp;
  name: string;
  /** The job's own arguments (after `--`), passed as they are. */
  args: string[];
  mode: SparkMode;
  workers: number;
  /** Brokers as the cluster's nodes reach them, for the job's KAFKA_BROKERS. */
  brokers: string;
}

/** Runs one step under a title (the CLI's progress lines; tests pass a plain call). */
export type Step = <T>(title: string, work: (note: (m: string) => void) => Promise<T>) => Promise<T>;

/** Submits the application; resolves once its SparkContext is up (or it already finished), fails with its error lines if it died. */
export async function submitOwnJob(o: OwnJobOptions, step: Step): Promise<AppState> {
  const inNode = await step(OWN_JOB_STEPS[0], async (note) => {
    const put = await putFile(o.shell, o.app.path);
    note(put.copied ? `copied to ${o.master}:${put.path}` : `${put.path} already on ${o.master}`);
    return put.path;
  });
  await step(OWN_JOB_STEPS[1], async (note) => {
    const started = await submitDetached({
      shell: o.shell, name: o.name, appInNode: inNode, className: o.app.kind === "jar" ? o.app.className : undefined,
      mode: o.mode, sparkArgs: o.mode === "yarn" ? yarnSizing(o.workers) : [], jobArgs: o.args, env: { KAFKA_BROKERS: o.brokers },
    });
    note(`driver pid ${started.pid} in ${o.master}${o.mode === "yarn" ? ", executors on YARN" : ", local[*]"}`);
  });
  return step(OWN_JOB_STEPS[2], async (note) => {
    const state = await waitUntilSubmitted(o.shell, o.name);
    note(state.state === "running" ? "its SparkContext is up" : `it already ${state.state}`);
    return state;
  });
}

/** One line on a job of one's own (for --status), and whether it ended badly. */
export function describeAppState(name: string, s: AppState): string {
  switch (s.state) {
    case "running": return `job "${name}" is running (driver pid ${s.pid})`;
    case "finished": return `job "${name}" is not running: it finished (exit status 0)`;
    case "stopped": return `job "${name}" is not running: it was stopped`;
    case "never ran": return `job "${name}" is not running: no job of that name ran on this stack`;
    case "failed": return `job "${name}" is not running: it died (exit status ${s.exitCode}); the end of its log says:\n  ${s.why.join("\n  ")}`;
    case "killed": return `job "${name}" is not running: it was killed (no exit status); the end of its log says:\n  ${s.why.join("\n  ")}`;
  }
}

export { failIfEndedBadly };
