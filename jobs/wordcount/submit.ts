/**
 * `npm run submit`: one word-count job started on a stack and left running. Before the job starts,
 * its topics must be there (the brokers do not create topics on demand, and a sink topic that is
 * missing kills the job a minute after it "runs"); after, the job must really run (its first
 * micro-batch done), or the command says why it died. The same runner and jar step as the pipeline.
 */
import { Kafka } from "kafkajs";
import { TopicMissingError } from "../../lib/errors";
import type { KafkaRoute } from "../kafka/route";
import { ensureTopicsVia, jobTopicSpec, type TopicSpec } from "../kafka/topics";
import type { JobRunner, StepReporter } from "./pipeline";
import { countsTopicOf, type WordCountJob } from "./job";

export interface SubmitRequest {
  runner: JobRunner;
  route: Pick<KafkaRoute, "config" | "jobBrokers" | "brokerCount" | "describe">;
  job: WordCountJob;
  /** Create the input topic when it is missing (the counts topic is always created). */
  createTopics: boolean;
}

/** What the job reads and writes, for people: "lines -> lines-counts", "lines -> parquet". */
export const jobFlow = (job: WordCountJob) => `${job.topic} -> ${job.sink === "kafka" ? countsTopicOf(job) : job.sink}`;

/**
 * The job's topics on the route's cluster: the counts topic (Kafka sink) created when missing,
 * the input topic created only when asked, else refused with the command that creates it.
 */
export async function ensureJobTopics(r: Pick<SubmitRequest, "route" | "job" | "createTopics">, note: (m: string) => void): Promise<void> {
  const admin = new Kafka(r.route.config).admin();
  await admin.connect();
  let existing: string[];
  let brokers: number;
  try {
    existing = await admin.listTopics();
    brokers = r.route.brokerCount ?? (await admin.describeCluster()).brokers.length;
  } finally {
    await admin.disconnect();
  }
  const missing: TopicSpec[] = [];
  const input = jobTopicSpec(r.job.topic, brokers);
  if (!existing.includes(r.job.topic)) {
    if (!r.createTopics) {
      throw new TopicMissingError(`topic "${r.job.topic}" does not exist, so the job would have nothing to read: create it (npm run topics -- --topic ${input.topic}:${input.partitions}:${input.replicationFactor}), or pass --create-topics`);
    }
    missing.push(input);
  }
  if (r.job.sink === "kafka" && !existing.includes(countsTopicOf(r.job))) missing.push(jobTopicSpec(countsTopicOf(r.job), brokers));
  if (!missing.length) { note(`topics there: ${[r.job.topic, ...(r.job.sink === "kafka" ? [countsTopicOf(r.job)] : [])].join(", ")}`); return; }
  await ensureTopicsVia(r.route, missing);
  note(`created ${missing.map((t) => `${t.topic} (${t.partitions} partitions, replication factor ${t.replicationFactor})`).join(", ")} on ${r.route.describe}`);
}

interface SubmitStep {
  title(r: SubmitRequest): string;
  run(r: SubmitRequest, job: WordCountJob, note: (m: string) => void): Promise<void>;
}

/** Puts the jar where the job runs, makes sure of its topics, sizes the shuffle where the job did not say, starts the job; the callers' step counters count this list. */
export const SUBMIT_STEPS: readonly SubmitStep[] = [
  {
    title: (r) => `build the word-count jar (cached) and put it where the job runs (${r.runner.describe})`,
    run: (r, _job, note) => r.runner.prepare(note),
  },
  {
    title: (r) => `check the job's topics (${[r.job.topic, ...(r.job.sink === "kafka" ? [countsTopicOf(r.job)] : [])].join(", ")})`,
    run: (r, _job, note) => ensureJobTopics(r, note),
  },
  {
    title: (r) => `start the job and wait for its first micro-batch: ${jobFlow(r.job)} (${r.runner.describe})`,
    async run(r, job, note) {
      if (job.shufflePartitions === undefined && job.sink !== "console") job.shufflePartitions = await r.runner.shufflePartitions();
      await r.runner.start(job, r.route.jobBrokers, note);
    },
  },
];

export async function submitWordCount(r: SubmitRequest, step: StepReporter["step"]): Promise<WordCountJob> {
  const job = { ...r.job };
  for (const s of SUBMIT_STEPS) await step(s.title(r), (note) => s.run(r, job, note));
  return job;
}
