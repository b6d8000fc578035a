/**
 * A Spark application of one's own on an Azure stack (`npm run submit -- --stack azure --jar|--py`):
 * uploaded over SSH to the Spark cluster's head node and from there into the cluster's default
 * storage (wasbs/abfs on HDInsight; HDFS on the local stand-in), then submitted as a Livy batch
 * with the project's Spark job jar for the Kafka source and the brokers in KAFKA_BROKERS. The batch
 * id goes into the ledger, so --status, --log and --stop find it later by the job's name.
 */
import { randomBytes, createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { SubmitError } from "../../lib/errors";
import { type BatchLedger, type CommandHint, type DriverLog, FINISHED, followingBatch, namedBatches } from "./control";
import type { Batch, BatchRequest, LivyClient } from "./livy";
import type { Step } from "./ownAppLocal";
import type { SparkApp } from "./ownAppFile";
import type { ExecResult } from "../kafka/sshGateway";

/** Where uploaded applications live in the cluster's default storage. */
export const STORAGE_JOBS_DIR = "/kafka-spark-lab/jobs";

export const AZURE_OWN_JOB_STEPS = [
  "ask Ambari for the Kafka brokers",
  "upload the application to the Spark cluster's storage",
  "submit it to Livy",
  "wait for its batch to run",
] as const;

/** What the upload needs of an SSH connection to the Spark head node (jobs/kafka/sshGateway.ts's SshGateway). */
export interface Uploader {
  /** `command` as given, each of `args` single-quoted. */
  exec(command: string, args?: readonly string[]): Promise<ExecResult>;
  putFile(localPath: string, remotePath: string): Promise<void>;
}

/** The head node's login shell runs each script, so its PATH has hdfs (HDInsight's and the lab image's alike). */
async function run(up: Uploader, what: string, script: string, args: string[]): Promise<string> {
  const r = await up.exec("bash -lc", [script, "bash", ...args]);
  if (r.code !== 0) {
    const why = (r.stderr || r.stdout).trim().split("\n").filter((l) => !/^\s+at /.test(l)).slice(-3).join(" / ");
    throw new SubmitError(`could not ${what} on the Spark head node: ${why || `exit status ${r.code}`}`);
  }
  return r.stdout;
}

/** The name an application gets in storage: its file's name, made fit for a URI (Livy parses `file` as one). */
export function storedName(localPath: string): string {
  return basename(localPath).replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^[-.]+/, "") || "app";
}

const sha256 = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

// One line each: the default file system, then the stored file's sha256 (or - when there is none).
const PROBE = 'hdfs getconf -confKey fs.defaultFS && { if hdfs dfs -test -f "$1"; then hdfs dfs -cat "$1" | sha256sum | cut -d" " -f1; else echo -; fi; }';
const PUT = 'hdfs dfs -mkdir -p "$1" && hdfs dfs -put -f "$2" "$3"; rc=$?; rm -f "$2"; exit $rc';

/**
 * Puts the application into the cluster's default storage under STORAGE_JOBS_DIR, unless the same
 * bytes are there already; resolves with its full URL there. The URL carries the default file
 * system's scheme and authority (`hdfs getconf -confKey fs.defaultFS`): Livy resolves a path
 * without one against its own fs.defaultFS, which is file:/// when Livy runs without the Hadoop
 * configuration (Session.resolveURI), and refuses a local path outside its whitelist.
 */
export async function uploadApp(up: Uploader, localPath: string, note: (m: string) => void): Promise<{ url: string; uploaded: boolean }> {
  const path = `${STORAGE_JOBS_DIR}/${storedName(localPath)}`;
  const lines = (await run(up, "read the cluster's default storage", PROBE, [path])).trim().split("\n").map((l) => l.trim());
  const [defaultFs, there] = lines.slice(-2);
  if (lines.length < 2 || !/^[a-z][a-z0-9+.-]*:\/\//i.test(defaultFs)) throw new SubmitError(`could not read the Spark cluster's default file system (hdfs getconf -confKey fs.defaultFS answered: ${lines.join(" / ").slice(0, 200)})`);
  const url = `${defaultFs.replace(/\/+$/, "")}${path}`;
  if (there === sha256(localPath)) {
    note(`${url} already holds these bytes`);
    return { url, uploaded: false };
  }
  const tmp = `/tmp/kafka-spark-lab-${randomBytes(6).toString("hex")}-${storedName(localPath)}`;
  await up.putFile(localPath, tmp);
  await run(up, `put ${basename(localPath)} into the cluster's storage`, PUT, [STORAGE_JOBS_DIR, tmp, path]);
  note(`uploaded to ${url}`);
  return { url, uploaded: true };
}

export interface OwnBatchOptions {
  app: SparkApp;
  /** The application's URL in the cluster's storage. */
  fileUrl: string;
  name: string;
  args: string[];
  /** The project's Spark job jar in the cluster's storage (stack output sparkJobJarUrl): the Kafka source with kafka-clients and commons-pool2. */
  jobJarUrl: string;
  /** Brokers as the cluster's nodes reach them. */
  brokers: string;
}

const lastSegment = (url: string) => url.replace(/[?#].*$/, "").split("/").pop() ?? "";

/**
 * The Livy batch for a job of one's own: the project's jar beside it for `format("kafka")` (unless
 * the application is that jar), the brokers in KAFKA_BROKERS for the driver (YARN cluster mode: the
 * application master's environment) and the executors, one attempt (YARN would otherwise start a
 * failed driver again, and the batch would say dead only after the second failure).
 */
export function ownBatchRequest(o: OwnBatchOptions): BatchRequest {
  const isJobJar = o.app.kind === "jar" && lastSegment(o.fileUrl) === lastSegment(o.jobJarUrl);
  return {
    file: o.fileUrl,
    ...(o.app.kind === "jar" && o.app.className !== undefined ? { className: o.app.className } : {}),
    args: o.args,
    name: o.name,
    ...(isJobJar ? {} : { jars: [o.jobJarUrl] }),
    conf: {
      "spark.executorEnv.KAFKA_BROKERS": o.brokers,
      "spark.yarn.appMasterEnv.KAFKA_BROKERS": o.brokers,
      "spark.yarn.maxAppAttempts": "1",
    },
  };
}

export type { CommandHint };

export interface AzureOwnJobOptions {
  livy: LivyClient;
  ledger: BatchLedger;
  app: SparkApp;
  name: string;
  args: string[];
  jobJarUrl: string;
  /** The brokers (host:port,...), from Ambari. */
  brokers: (note: (m: string) => void) => Promise<string>;
  /** An SSH connection to the Spark head node; closed after the upload. */
  openUploader: () => Promise<Uploader & { close(): Promise<void> }>;
  hint: CommandHint;
  /** How long the batch may take to run (YARN may queue it); default 15 minutes. */
  startTimeoutMs?: number;
  /** The driver's own log in YARN, for a batch that dies (jobs/spark/yarnLogs.ts). */
  driverLog?: DriverLog;
}

/**
 * Uploads and submits the application; resolves with its batch once it runs (or already
 * finished). A batch that ends dead first fails with its error lines; a name whose batch still
 * runs is refused. A finished batch of the same name is deleted first: Livy refuses a name it
 * still remembers.
 */
export async function submitAzureOwnJob(o: AzureOwnJobOptions, step: Step): Promise<Batch> {
  const brokers = await step(AZURE_OWN_JOB_STEPS[0], (note) => o.brokers(note));
  const fileUrl = await step(AZURE_OWN_JOB_STEPS[1], async (note) => {
    const up = await o.openUploader();
    try {
      return (await uploadApp(up, o.app.path, note)).url;
    } finally {
      await up.close();
    }
  });
  const submitted = await step(AZURE_OWN_JOB_STEPS[2], async (note) => {
    for (const b of await namedBatches(o.livy, o.ledger, o.name)) {
      if (!FINISHED.includes(b.state)) throw new SubmitError(`job "${o.name}" is already running (Livy batch ${b.id} ${b.state}): stop it first (${o.hint("stop", o.name)})`);
      await o.livy.kill(b.id);
      o.ledger.forget(o.name, b.id);
      note(`the earlier batch of that name (${b.id}, ${b.state}) deleted from Livy`);
    }
    const batch = await o.livy.submit(ownBatchRequest({ app: o.app, fileUrl, name: o.name, args: o.args, jobJarUrl: o.jobJarUrl, brokers }));
    o.ledger.record(o.name, batch.id);
    note(`Livy batch ${batch.id} (${batch.state})`);
    return batch;
  });
  return step(AZURE_OWN_JOB_STEPS[3], async (note) => {
    const batch = await followingBatch(o.livy, o.name, o.hint, () => o.livy.follow(submitted.id, {
      until: ["running", "success"], timeoutMs: o.startTimeoutMs ?? 15 * 60_000, onState: (s) => note(`Livy batch ${submitted.id}: ${s}`),
    }), o.driverLog);
    if (batch.appId) note(`YARN application ${batch.appId}`);
    return batch;
  });
}

/** --follow: the batch's log as it grows, until it ends; resolves when it succeeded, fails dead (22) or killed (23). */
export function followAzureOwnJob(livy: LivyClient, name: string, id: number, onLine: (line: string) => void, hint: CommandHint, driverLog?: DriverLog): Promise<Batch> {
  return followingBatch(livy, name, hint, () => livy.follow(id, { until: ["success"], timeoutMs: Number.POSITIVE_INFINITY, onLog: onLine }), driverLog);
}
