/**
 * The word count from start to finish on a deployed stack, as one function for both targets:
 * the jar where the job runs, fresh topics, the job started while the text loads, the counts
 * waited for until they cover every word loaded, then the job stopped (or left running).
 *
 * What differs between targets is passed in: how this machine reaches Kafka (a `KafkaRoute`:
 * published ports locally, Ambari's brokers through the SSH gateway on Azure) and where the job
 * runs (a `JobRunner`: spark-submit in the master, or Livy). `npm run demo` and
 * `npm run wordcount` both call it.
 */
import { Kafka } from "kafkajs";
import { ResultsError } from "../../lib/errors";
import type { KafkaRoute } from "../kafka/route";
import { loadIntoTopic, type LoadProgress, type LoadResult } from "../kafka/loader";
import { waitFor } from "../util/poll";
import { type Counts, CountsTopicReader, totalOf } from "./results";
import { tokenize } from "./tokenize";
import type { TextSource } from "../text/source";
import { adminPerBroker, jobTopicSpec, recreateTopics } from "../kafka/topics";
import { countsTopicOf, jobDir, topicsOf, type WordCountJob } from "./job";
import type { CommandHint, JobControl } from "../spark/control";
import { acquireRunLock } from "../util/runLock";

export { topicsOf };

/** Where the Spark job runs: spark-submit in the local master, or a Livy server. */
/** Where the word count runs: a job control (its state, log, stop), plus what starting the job needs. */
export interface JobRunner extends JobControl {
  /** Puts the jar where the job can read it; notes what it did. */
  prepare(note: (m: string) => void): Promise<void>;
  /** Deletes the job's directory (earlier checkpoints), where this machine can reach the cluster's file system. */
  clear?(name: string): Promise<void>;
  /** Starts the job and resolves once it runs (its query started, or Livy says running). */
  start(job: WordCountJob, brokers: string, note: (m: string) => void): Promise<void>;
  /** The shuffle partitions for the job where it runs. */
  shufflePartitions(): Promise<number>;
  /** The command that stops the job later, shows whether it runs, or its log. */
  commandHint: CommandHint;
}

/** What the caller shows: one titled step at a time, notes inside a step, a load's progress. */
export interface StepReporter {
  step<T>(title: string, work: (note: (message: string) => void) => Promise<T>): Promise<T>;
  loadProgress(total: number | undefined): { update: (p: LoadProgress) => void; stop: () => void };
}

export interface WordCountRunOptions {
  /** The stack it runs on: one run per stack and job name at a time on this machine (jobs/util/runLock.ts). */
  stack: string;
  /** Names the job, its topics (`<name>-lines`, `<name>-counts`) and its directory. */
  name: string;
  /** What is counted: the real text, a file, or the seeded sample (jobs/text/source.ts). */
  source: TextSource;
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

/**
 * The job of a run: its own topics, a 1 s trigger, from the earliest offset, and a checkpoint of
 * its own. A checkpoint per run, because on Azure the cluster's storage cannot be cleared from
 * here, and an old checkpoint would resume offsets of topics that were just recreated.
 */
export function pipelineJob(name: string, runId: string, shufflePartitions?: number): WordCountJob {
  const { lines, counts } = topicsOf(name);
  return { name, topic: lines, sink: "kafka", countsTopic: counts, trigger: 1, startingOffsets: "earliest", checkpoint: `${jobDir(name)}/checkpoints/${runId}`, shufflePartitions };
}

/** What the steps share while the pipeline runs: each step reads what earlier ones left. */
interface RunState {
  route: KafkaRoute;
  runner: JobRunner;
  o: WordCountRunOptions;
  kafka: Kafka;
  topics: { lines: string; counts: string };
  /** The words of what was loaded, counted as it was loaded (tokenize: the job's rule). */
  expected: Counts;
  job?: WordCountJob;
  reader?: CountsTopicReader;
  load?: LoadResult;
  catchUpSeconds?: number;
  counts?: Counts;
}

interface PipelineStep {
  /** Runs at the same time as the step after it (both must end before the one after that starts). */
  withNext?: true;
  title(s: RunState): string;
  run(s: RunState, note: (m: string) => void, report: StepReporter): Promise<void>;
}

/** The pipeline, one step after the other; the callers' step counters count this list. */
export const WORD_COUNT_STEPS: readonly PipelineStep[] = [
  {
    title: (s) => `put the word-count jar where the job runs (${s.runner.describe})`,
    run: (s, note) => s.runner.prepare(note),
  },
  {
    title: (s) => `start afresh: stop an earlier "${s.o.name}" job, recreate topics ${s.topics.lines} and ${s.topics.counts}`,
    async run(s, note) {
      if ((await s.runner.stop(s.o.name, note)).wasRunning) note(`stopped the earlier "${s.o.name}" job`);
      await s.runner.clear?.(s.o.name);
      const admin = s.kafka.admin();
      await admin.connect();
      try {
        const brokers = s.route.brokerCount ?? (await admin.describeCluster()).brokers.length;
        const specs = [s.topics.lines, s.topics.counts].map((topic) => jobTopicSpec(topic, brokers));
        await recreateTopics(admin, specs, s.route.config.brokers as string[], adminPerBroker(s.route.config));
        note(`${s.topics.lines}, ${s.topics.counts}: ${specs[0].partitions} partitions, replication factor ${specs[0].replicationFactor}, on ${s.route.describe}`);
      } finally {
        await admin.disconnect();
      }
    },
  },
  {
    // The JVM's start (seconds on 2 cores) and the load overlap: the job counts what it finds.
    withNext: true,
    title: (s) => `start the job (${s.topics.lines} -> ${s.topics.counts}, 1 s trigger)`,
    async run(s, note) {
      const runId = s.o.runId ?? new Date().toISOString().replace(/[-:]/g, "").replace(/\..*$/, "");
      s.job = pipelineJob(s.o.name, runId, await s.runner.shufflePartitions());
      await s.runner.start(s.job, s.route.jobBrokers, note);
      s.reader = new CountsTopicReader(s.kafka, countsTopicOf(s.job));
      await s.reader.start();
    },
  },
  {
    title: (s) => `load ${s.o.source.describe}`,
    async run(s, note, report) {
      const bar = report.loadProgress(s.o.source.lineCount);
      const expected = s.expected;
      async function* counted() {
        for await (const line of s.o.source.lines()) {
          for (const w of tokenize(line)) expected.set(w, (expected.get(w) ?? 0) + 1);
          yield line;
        }
      }
      try {
        s.load = await loadIntoTopic(s.route, { topic: s.topics.lines, lines: counted(), onProgress: bar.update });
        bar.stop();
        note(`${s.load.records.toLocaleString("en-US")} records, ${Math.round(s.load.recordsPerSecond).toLocaleString("en-US")} records/s`);
      } finally {
        bar.stop();
      }
    },
  },
  {
    title: (s) => `wait until the counts cover all ${totalOf(s.expected).toLocaleString("en-US")} words loaded`,
    async run(s, note) {
      const reader = s.reader!;
      const expectedTotal = totalOf(s.expected);
      const start = Date.now();
      const timeoutMs = (s.o.countsTimeoutSeconds ?? 300) * 1000;
      let lastNote = 0;
      try {
        await waitFor("the counts to cover every word loaded", async () => {
          const total = totalOf(reader.counts);
          if (Date.now() - lastNote > 3000) { lastNote = Date.now(); note(`${total.toLocaleString("en-US")} of ${expectedTotal.toLocaleString("en-US")} words counted`); }
          return total >= expectedTotal ? true : undefined;
        }, timeoutMs, 250);
      } catch (e) {
        const state = await s.runner.state(s.o.name).catch(() => undefined);
        throw new ResultsError(`after ${timeoutMs / 1000} s the counts in ${s.topics.counts} cover ${totalOf(reader.counts).toLocaleString("en-US")} of ${expectedTotal.toLocaleString("en-US")} words; ` +
          `${state?.said.split("\n")[0] ?? `the job's state could not be read`}. Its state: ${s.runner.commandHint("status", s.o.name)}`, { cause: e });
      }
      s.catchUpSeconds = (Date.now() - start) / 1000;
      s.counts = new Map(reader.counts);
    },
  },
  {
    title: (s) => (s.o.keepRunning ? "leave the job running (--keep-running)" : "stop the job"),
    async run(s, note) {
      if (!s.o.keepRunning) await s.runner.stop(s.o.name, note);
      note(s.o.keepRunning ? `stop it with: ${s.runner.commandHint("stop", s.o.name)}` : "stopped");
    },
  },
];

export async function runWordCount(route: KafkaRoute, runner: JobRunner, o: WordCountRunOptions, report: StepReporter): Promise<WordCountRunResult> {
  // Before anything is touched: a second run of the same job would load into the same topic.
  const lock = acquireRunLock(o.stack, o.name);
  const s: RunState = { route, runner, o, kafka: new Kafka(route.config), topics: topicsOf(o.name), expected: new Map() };
  const run = (step: PipelineStep) => report.step(step.title(s), (note) => step.run(s, note, report));
  try {
    for (let i = 0; i < WORD_COUNT_STEPS.length; i++) {
      const step = WORD_COUNT_STEPS[i];
      if (!step.withNext) { await run(step); continue; }
      const both = await Promise.allSettled([run(step), run(WORD_COUNT_STEPS[++i])]);
      const failed = both.find((r): r is PromiseRejectedResult => r.status === "rejected");
      if (failed) throw failed.reason;
    }
  } finally {
    await s.reader?.stop();
    lock.release();
  }
  return { job: s.job!, counts: s.counts!, expected: s.expected, load: s.load!, catchUpSeconds: s.catchUpSeconds! };
}
