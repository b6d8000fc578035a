/**
 * The two places the word-count job runs, behind the pipeline's `JobRunner`: spark-submit inside
 * the local master (the lab's way, detached, one driver per name), and Apache Livy (HDInsight's
 * way; also a Livy server next to the local Spark). Both find an earlier run by the job's name.
 */
import { UsageError } from "../../lib/errors";
import { retryNote } from "../kafka/route";
import { type BatchRequest, LivyClient } from "./livy";
import { type BatchLedger, type DriverLog, followingBatch, livyJobControl, localJobControl } from "./control";
import { localNodesOf } from "../local/stack";
import { onAzurePath, parseOutputs, type StackOutputs } from "../pulumiStack";
import { gatewayFetch, twinHeadOf } from "../twin/access";
import { ensureTwinJobJar } from "../twin/jobJar";
import type { Secrets } from "../secrets";
import { shufflePartitionsFor, SparkMode, submitDetached, waitUntilStarted, yarnSizing } from "./localJobs";
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
    ...localJobControl(shell, o.master),
    describe: `spark-submit in ${o.master}${mode === "yarn" ? " on YARN" : ""}`,
    prepare: async (note) => { jar = await jarOnMaster(shell, note, o.building); },
    clear: clearJobDir(shell),
    async start(job, brokers, note) {
      const started = await submitDetached({ shell, name: job.name, appInNode: jar, className: WORD_COUNT_CLASS, mode, sparkArgs: mode === "yarn" ? yarnSizing(workers) : [], jobArgs: wordCountArgs(job, brokers) });
      note(`driver pid ${started.pid} in ${o.master}; waiting for its first micro-batch`);
      await waitUntilStarted(shell, job.name);
    },
    shufflePartitions: () => shufflePartitionsFor(shell, mode, workers),
    commandHint: o.commandHint,
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
  /** A dead batch's reason from its driver's own log in YARN (cluster mode; jobs/spark/yarnLogs.ts). */
  driverLog?: DriverLog;
}

export function livyRunner(o: LivyRunnerOptions): JobRunner {
  let file = "";
  return {
    ...livyJobControl(o.livy, o.ledger, o.commandHint, o.driverLog),
    prepare: async (note) => { file = await o.jar(note); },
    clear: o.clear,
    async start(job, brokers, note) {
      const batch = await o.livy.submit({ file, className: WORD_COUNT_CLASS, args: wordCountArgs(job, brokers), name: job.name, ...o.sizing });
      o.ledger.record(job.name, batch.id);
      note(`Livy batch ${batch.id} submitted (${batch.state})`);
      const running = await followingBatch(o.livy, job.name, o.commandHint,
        () => o.livy.follow(batch.id, { until: ["running"], timeoutMs: o.startTimeoutMs ?? 15 * 60_000, onState: (s) => note(`Livy batch ${batch.id}: ${s}`) }), o.driverLog);
      if (running.appId) note(`YARN application ${running.appId}`);
      if (running.appInfo?.sparkUiUrl) note(`Spark UI: ${running.appInfo.sparkUiUrl}`);
    },
    shufflePartitions: async () => o.shufflePartitions,
    commandHint: o.commandHint,
  };
}

export interface RunnerForStackOptions {
  /** Local stack: submit through this Livy instead of spark-submit (login from LIVY_USER / LIVY_PASSWORD). */
  livyUrl?: string;
  /** Azure path: a dead batch's driver log from YARN, over SSH on the Spark head node. */
  driverLog?: DriverLog;
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
  return new LivyClient({ baseUrl: sparkLivyUrl, user: clusterLoginUser, password: clusterLoginPassword, fetch: gatewayFetch(stack, outputs, "spark", o.fetch), onRetry: retryNote(o.note) });
}

/** Where the job runs on this stack: the Spark cluster's Livy on Azure; spark-submit in the master, or a Livy next to it, locally. */
export function runnerForStack(stack: string, outputs: StackOutputs, o: RunnerForStackOptions): JobRunner {
  if (onAzurePath(outputs)) {
    if (o.livyUrl !== undefined) throw new UsageError("--livy is for local stacks: an Azure stack uses its Spark cluster's Livy (output sparkLivyUrl)");
    const { sparkJobJarUrl: jarUrl } = parseOutputs(stack, outputs, "azure", ["sparkJobJarUrl"]);
    const livy = azureLivyOf(stack, outputs, o);
    const twinHead = twinHeadOf(stack, outputs, "spark");
    return livyRunner({
      livy,
      ledger: o.ledger(livy.baseUrl),
      jar: async (n) => {
        n(`the jar ${twinHead ? "the twin keeps" : "pulumi up put"} in the Spark cluster's storage: ${jarUrl}`);
        checkJobJarCurrent(jarUrl, n);
        if (twinHead) await ensureTwinJobJar(twinHead, jarUrl, n);
        return jarUrl;
      },
      shufflePartitions: o.shufflePartitions ?? 4,
      commandHint: o.commandHint,
      driverLog: o.driverLog,
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
