/**
 * The two places the word-count job runs, behind the pipeline's `JobRunner`: spark-submit inside
 * the local master (the lab's way, detached, one driver per name), and Apache Livy (HDInsight's
 * way; also a Livy server next to the local Spark). Both find an earlier run by the job's name.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { UsageError } from "../../lib/errors";
import { retryNote } from "../kafka/route";
import { type Batch, type BatchRequest, type BatchState, LivyClient } from "./livy";
import { localNodesOf } from "../local/stack";
import { parseOutputs, type StackOutputs } from "../pulumiStack";
import type { Secrets } from "../secrets";
import { jobStatus, shufflePartitionsFor, SparkMode, stopJob, submitDetached, waitUntilStarted, yarnSizing } from "./localJobs";
import { dockerShell, NodeShell, putFile } from "../local/shell";
import type { JobRunner } from "../wordcount/pipeline";
import { buildWordCountJar, type BuiltJar, checkJobJarCurrent } from "../../stacks/jobJar";
import { jobDir, wordCountArgs } from "../wordcount/job";

export const WORD_COUNT_CLASS = "spark.kafka.SparkKafkaWordCount";

/**
 * Builds the Spark 3.5 jar (cached) and puts it on the master; resolves with its path there.
 * `building`: a build already under way (the demo starts it while the stack comes up).
 */
export async function jarOnMaster(shell: NodeShell, note: (m: string) => void, building?: Promise<BuiltJar>): Promise<string> {
  const jar = await (building ?? buildWordCountJar({ spark: "3.5", runTests: false, onProgress: note }));
  note(jar.cached ? "jar up to date (Maven not run)" : `jar built in ${jar.seconds.toFixed(1)} s`);
  const put = await putFile(shell, jar.path);
  note(put.copied ? `copied to ${put.path}` : `${put.path} already on the master`);
  return put.path;
}

/** Deletes the job's directory on the cluster's HDFS (its earlier checkpoints). */
export const clearJobDir = (shell: NodeShell) => async (name: string) => {
  await shell.run('hdfs dfs -rm -r -f -skipTrash "$1" >/dev/null 2>&1 || true', [jobDir(name)]);
};

export interface SparkSubmitRunnerOptions {
  master: string;
  shell?: NodeShell;
  /** local[*] on the master, as the lab runs it (default), or YARN across the workers (client mode). */
  mode?: SparkMode;
  /** Workers of the stack, for YARN's sizing. */
  workers?: number;
  /** A jar build already under way, used instead of starting one. */
  building?: Promise<BuiltJar>;
  commandHint: JobRunner["commandHint"];
}

/** spark-submit in the local master: local[*] as the lab runs it, or on YARN. */
export function sparkSubmitRunner(o: SparkSubmitRunnerOptions): JobRunner {
  const shell = o.shell ?? dockerShell(o.master);
  const mode = o.mode ?? "local";
  const workers = o.workers ?? 0;
  let jar = "";
  return {
    describe: `spark-submit in ${o.master}${mode === "yarn" ? " on YARN" : ""}`,
    prepare: async (note) => { jar = await jarOnMaster(shell, note, o.building); },
    stop: (name) => stopJob(shell, name),
    clear: clearJobDir(shell),
    async start(job, brokers, note) {
      const started = await submitDetached({ shell, name: job.name, appInNode: jar, className: WORD_COUNT_CLASS, mode, sparkArgs: mode === "yarn" ? yarnSizing(workers) : [], jobArgs: wordCountArgs(job, brokers) });
      note(`driver pid ${started.pid} in ${o.master}; waiting for its first micro-batch`);
      await waitUntilStarted(shell, job.name);
    },
    async status(name) {
      const s = await jobStatus(shell, name);
      return s.running ? [`driver pid ${s.pid} in ${o.master}`] : [];
    },
    shufflePartitions: () => shufflePartitionsFor(shell, mode, workers),
    commandHint: o.commandHint,
  };
}

/** Livy keeps these; a batch in any other state still holds its name and maybe the cluster. */
export const FINISHED: BatchState[] = ["success", "dead", "killed", "error"];

/**
 * The batch ids this machine submitted, per Livy and job name. Livy reports a batch's name only
 * from 0.6 on; HDInsight 5.1 runs Livy 0.5 (https://learn.microsoft.com/azure/hdinsight/hdinsight-5x-component-versioning), so a later --stop or a fresh start
 * finds its job by the id recorded here.
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

export interface LivyRunnerOptions {
  livy: LivyClient;
  ledger: BatchLedger;
  /** Makes the jar readable by Livy and resolves with the `file` to submit (a wasbs://, hdfs:// or whitelisted local path). */
  jar: (note: (m: string) => void) => Promise<string>;
  /** Driver and executor sizing, and Spark conf, for the batch. */
  sizing?: Pick<BatchRequest, "driverMemory" | "driverCores" | "executorMemory" | "executorCores" | "numExecutors" | "conf">;
  shufflePartitions: number;
  /** How long the batch may take to reach `running` (YARN may queue it). */
  startTimeoutMs?: number;
  clear?: (name: string) => Promise<void>;
  commandHint: JobRunner["commandHint"];
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

export function livyRunner(o: LivyRunnerOptions): JobRunner {
  let file = "";
  const named = (name: string) => namedBatches(o.livy, o.ledger, name);
  return {
    describe: `Livy at ${o.livy.baseUrl}`,
    prepare: async (note) => { file = await o.jar(note); },
    async stop(name, note) {
      // Livy refuses a second batch of the same name while it remembers the first, finished or
      // not (its retain time, 10 minutes by default): every batch of the name is deleted.
      let wasRunning = false;
      for (const b of await named(name)) {
        if (!FINISHED.includes(b.state)) wasRunning = true;
        await o.livy.kill(b.id);
        o.ledger.forget(name, b.id);
        note(`Livy batch ${b.id} (${b.state}) ${FINISHED.includes(b.state) ? "forgotten" : "killed"}`);
      }
      return wasRunning;
    },
    clear: o.clear,
    async start(job, brokers, note) {
      const batch = await o.livy.submit({ file, className: WORD_COUNT_CLASS, args: wordCountArgs(job, brokers), name: job.name, ...o.sizing });
      o.ledger.record(job.name, batch.id);
      note(`Livy batch ${batch.id} submitted (${batch.state})`);
      const running = await o.livy.follow(batch.id, { until: ["running"], timeoutMs: o.startTimeoutMs ?? 15 * 60_000, onState: (s) => note(`Livy batch ${batch.id}: ${s}`) });
      if (running.appId) note(`YARN application ${running.appId}`);
      if (running.appInfo?.sparkUiUrl) note(`Spark UI: ${running.appInfo.sparkUiUrl}`);
    },
    async status(name) {
      return (await named(name)).filter((b) => !FINISHED.includes(b.state)).map((b) => `Livy batch ${b.id} ${b.state}${b.appId ? ` (${b.appId})` : ""}`);
    },
    shufflePartitions: async () => o.shufflePartitions,
    commandHint: o.commandHint,
  };
}

export interface RunnerForStackOptions {
  /** Local stack: submit through this Livy instead of spark-submit (login from LIVY_USER / LIVY_PASSWORD). */
  livyUrl?: string;
  shufflePartitions?: number;
  env: Record<string, string | undefined>;
  fetch: typeof fetch;
  ledger: (livyUrl: string) => BatchLedger;
  secrets: Secrets;
  note: (m: string) => void;
  commandHint: JobRunner["commandHint"];
}

/** The Spark cluster's Livy of an Azure stack, with the cluster login (its password registered with `secrets`). */
export function azureLivyOf(stack: string, outputs: StackOutputs, o: Pick<RunnerForStackOptions, "secrets" | "fetch" | "note">): LivyClient {
  const { sparkLivyUrl, clusterLoginUser, clusterLoginPassword } = parseOutputs(stack, outputs, "azure", ["sparkLivyUrl", "clusterLoginUser", "clusterLoginPassword"]);
  o.secrets.add(clusterLoginPassword);
  return new LivyClient({ baseUrl: sparkLivyUrl, user: clusterLoginUser, password: clusterLoginPassword, fetch: o.fetch, onRetry: retryNote(o.note) });
}

/** Where the job runs on this stack: the Spark cluster's Livy on Azure; spark-submit in the master, or a Livy next to it, locally. */
export function runnerForStack(stack: string, outputs: StackOutputs, o: RunnerForStackOptions): JobRunner {
  if (outputs.target === "azure") {
    if (o.livyUrl !== undefined) throw new UsageError("--livy is for local stacks: an Azure stack uses its Spark cluster's Livy (output sparkLivyUrl)");
    const { sparkJobJarUrl: jarUrl } = parseOutputs(stack, outputs, "azure", ["sparkJobJarUrl"]);
    const livy = azureLivyOf(stack, outputs, o);
    return livyRunner({
      livy,
      ledger: o.ledger(livy.baseUrl),
      jar: async (n) => {
        n(`the jar pulumi up put in the Spark cluster's storage: ${jarUrl}`);
        checkJobJarCurrent(jarUrl, n);
        return jarUrl;
      },
      shufflePartitions: o.shufflePartitions ?? 4,
      commandHint: o.commandHint,
    });
  }
  const { master } = localNodesOf(stack, outputs);
  const shell = dockerShell(master);
  if (o.livyUrl === undefined) {
    const runner = sparkSubmitRunner({ master, shell, commandHint: o.commandHint });
    return o.shufflePartitions === undefined ? runner : { ...runner, shufflePartitions: async () => o.shufflePartitions! };
  }
  o.secrets.add(o.env.LIVY_PASSWORD);
  const livy = new LivyClient({ baseUrl: o.livyUrl, user: o.env.LIVY_USER, password: o.env.LIVY_PASSWORD, fetch: o.fetch, onRetry: retryNote(o.note) });
  return livyRunner({
    livy,
    ledger: o.ledger(livy.baseUrl),
    // A Livy next to the local Spark reads the jar from the master's job directory (its whitelist).
    jar: (n) => jarOnMaster(shell, n),
    sizing: { driverMemory: "768m" },
    shufflePartitions: o.shufflePartitions ?? 4,
    clear: clearJobDir(shell),
    commandHint: o.commandHint,
  });
}
