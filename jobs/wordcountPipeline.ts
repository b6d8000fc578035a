/**
 * The word count from start to finish on a deployed stack, as one function for both targets:
 * the jar where the job runs, fresh topics, the job started, the seeded sample loaded, the counts
 * waited for until they cover every word loaded, then the job stopped (or left running).
 *
 * What differs between targets is passed in: how this machine reaches Kafka (a `KafkaRoute`:
 * published ports locally, Ambari's brokers through the SSH gateway on Azure) and where the job
 * runs (a `JobRunner`: spark-submit in the master, or Livy). `npm run demo` and
 * `npm run wordcount` both call it.
 */
import { Kafka, KafkaConfig, Partitioners } from "kafkajs";
import { loadRecords, LoadProgress, LoadResult } from "./loader";
import { waitFor } from "./poll";
import { Counts, CountsTopicReader, ResultsError, totalOf } from "./results";
import { expectedCounts, sampleLines } from "./sampleText";
import { adminPerBroker, recreateTopics } from "./topics";
import { countsTopicOf, jobDir, WordCountJob } from "./wordcountJob";

/** How this machine reaches the stack's Kafka, and which broker names the job itself is given. */
export interface KafkaRoute {
  /** For kafkajs: brokers as dialled from here (through `socketFactory` when set). */
  config: KafkaConfig;
  /** The job's broker list: names the Spark cluster resolves (internal names). */
  jobBrokers: string;
  brokerCount: number;
  describe: string;
}

/** Where the Spark job runs: spark-submit in the local master, or a Livy server. */
export interface JobRunner {
  describe: string;
  /** Puts the jar where the job can read it; notes what it did. */
  prepare(note: (m: string) => void): Promise<void>;
  /** Stops every running job of this name; true when one ran. */
  stop(name: string, note: (m: string) => void): Promise<boolean>;
  /** Deletes the job's directory (earlier checkpoints), where this machine can reach the cluster's file system. */
  clear?(name: string): Promise<void>;
  /** Starts the job and resolves once it runs (its query started, or Livy says running). */
  start(job: WordCountJob, brokers: string, note: (m: string) => void): Promise<void>;
  /** Running jobs of this name, described for people ("driver pid 123", "Livy batch 4"). */
  status(name: string): Promise<string[]>;
  /** The shuffle partitions for the job where it runs. */
  shufflePartitions(): Promise<number>;
  /** The command that stops the job later, or shows whether it runs. */
  commandHint(action: "stop" | "status", name: string): string;
}

/** What the caller shows: one titled step at a time, notes inside a step, a load's progress. */
export interface StepReporter {
  step<T>(title: string, work: (note: (message: string) => void) => Promise<T>): Promise<T>;
  loadProgress(total: number): { update: (p: LoadProgress) => void; stop: () => void };
}

export interface WordCountRunOptions {
  /** Names the job, its topics (`<name>-lines`, `<name>-counts`) and its directory. */
  name: string;
  lines: number;
  seed: number;
  /** Leave the job running at the end (default: stop it, so nothing keeps using the cluster). */
  keepRunning: boolean;
  /** Seconds to wait for the counts after the load (default 300). */
  countsTimeoutSeconds?: number;
  /** Stamps this run's checkpoint directory (default: now). */
  runId?: string;
}

export interface WordCountRunResult {
  job: WordCountJob;
  counts: Counts;
  expected: Counts;
  load: LoadResult;
  /** Seconds from the end of the load until the counts covered every word loaded. */
  catchUpSeconds: number;
}

/** The steps runWordCount reports, for the caller's step counter. */
export const WORD_COUNT_STEPS = 6;

export const topicsOf = (name: string) => ({ lines: `${name}-lines`, counts: `${name}-counts` });

/**
 * The job of a run: its own topics, a 1 s trigger, from the earliest offset, and a checkpoint of
 * its own. A checkpoint per run, because on Azure the cluster's storage cannot be cleared from
 * here, and an old checkpoint would resume offsets of topics that were just recreated.
 */
export function pipelineJob(name: string, runId: string, shufflePartitions?: number): WordCountJob {
  const { lines, counts } = topicsOf(name);
  return { name, topic: lines, sink: "kafka", countsTopic: counts, trigger: 1, startingOffsets: "earliest", checkpoint: `${jobDir(name)}/checkpoints/${runId}`, shufflePartitions };
}

export async function runWordCount(route: KafkaRoute, runner: JobRunner, o: WordCountRunOptions, report: StepReporter): Promise<WordCountRunResult> {
  const kafka = new Kafka(route.config);
  const runId = o.runId ?? new Date().toISOString().replace(/[-:]/g, "").replace(/\..*$/, "");
  const { lines: linesTopic, counts: countsTopic } = topicsOf(o.name);

  await report.step(`put the word-count jar where the job runs (${runner.describe})`, (note) => runner.prepare(note));

  await report.step(`start afresh: stop an earlier "${o.name}" job, recreate topics ${linesTopic} and ${countsTopic}`, async (note) => {
    if (await runner.stop(o.name, note)) note(`stopped the earlier "${o.name}" job`);
    await runner.clear?.(o.name);
    const admin = kafka.admin();
    await admin.connect();
    try {
      const replication = Math.min(3, route.brokerCount);
      await recreateTopics(admin, [linesTopic, countsTopic].map((topic) => ({ topic, partitions: 3, replicationFactor: replication })), route.config.brokers as string[], adminPerBroker(route.config));
      note(`${linesTopic}, ${countsTopic}: 3 partitions, replication factor ${replication}, on ${route.describe}`);
    } finally {
      await admin.disconnect();
    }
  });

  const job = pipelineJob(o.name, runId, await runner.shufflePartitions());
  await report.step(`start the job (${linesTopic} -> ${countsTopic}, 1 s trigger)`, (note) => runner.start(job, route.jobBrokers, note));

  const lines = [...sampleLines({ seed: o.seed, lines: o.lines })];
  const expected = expectedCounts(lines);
  const expectedTotal = totalOf(expected);
  const reader = new CountsTopicReader(kafka, countsTopicOf(job));
  await reader.start();
  try {
    const load = await report.step(`load ${o.lines.toLocaleString("en-US")} lines of sample text (seed ${o.seed})`, async (note) => {
      const producer = kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
      await producer.connect();
      const bar = report.loadProgress(lines.length);
      try {
        const result = await loadRecords({ producer, topic: linesTopic, lines, onProgress: bar.update });
        bar.stop();
        note(`${result.records.toLocaleString("en-US")} records, ${Math.round(result.recordsPerSecond).toLocaleString("en-US")} records/s`);
        return result;
      } finally {
        bar.stop();
        await producer.disconnect();
      }
    });
    const start = Date.now();
    const timeoutMs = (o.countsTimeoutSeconds ?? 300) * 1000;
    await report.step(`wait until the counts cover all ${expectedTotal.toLocaleString("en-US")} words loaded`, async (note) => {
      let lastNote = 0;
      try {
        await waitFor("the counts to cover every word loaded", async () => {
          const total = totalOf(reader.counts);
          if (Date.now() - lastNote > 3000) { lastNote = Date.now(); note(`${total.toLocaleString("en-US")} of ${expectedTotal.toLocaleString("en-US")} words counted`); }
          return total >= expectedTotal ? true : undefined;
        }, timeoutMs, 250);
      } catch (e) {
        const running = await runner.status(o.name).catch(() => []);
        throw new ResultsError(`after ${timeoutMs / 1000} s the counts in ${countsTopic} cover ${totalOf(reader.counts).toLocaleString("en-US")} of ${expectedTotal.toLocaleString("en-US")} words; ` +
          `the job ${running.length ? `still runs (${running.join(", ")})` : "no longer runs"}. Its log: ${runner.commandHint("status", o.name)}`, { cause: e });
      }
    });
    const catchUpSeconds = (Date.now() - start) / 1000;
    const counts = new Map(reader.counts);
    await report.step(o.keepRunning ? "leave the job running (--keep-running)" : "stop the job", async (note) => {
      if (!o.keepRunning) await runner.stop(o.name, note);
      note(o.keepRunning ? `stop it with: ${runner.commandHint("stop", o.name)}` : "stopped");
    });
    return { job, counts, expected, load, catchUpSeconds };
  } finally {
    await reader.stop();
  }
}
