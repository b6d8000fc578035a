/**
 * `npm run submit`: one word-count job started on a stack and left running, its jar put where the
 * job runs first. The same runner and jar step as the pipeline (jobs/jobRunners.ts).
 */
import type { JobRunner, StepReporter } from "./wordcountPipeline";
import { countsTopicOf, type WordCountJob } from "./wordcountJob";

export interface SubmitRequest {
  runner: JobRunner;
  /** Brokers as the job names them (the route's jobBrokers). */
  jobBrokers: string;
  job: WordCountJob;
}

/** What the job reads and writes, for people: "lines -> lines-counts", "lines -> parquet". */
export const jobFlow = (job: WordCountJob) => `${job.topic} -> ${job.sink === "kafka" ? countsTopicOf(job) : job.sink}`;

/** Puts the jar where the job runs, sizes the shuffle where the job did not say, and starts the job. */
export async function submitWordCount(r: SubmitRequest, step: StepReporter["step"]): Promise<WordCountJob> {
  await step(`build the word-count jar (cached) and put it where the job runs (${r.runner.describe})`, (note) => r.runner.prepare(note));
  const job = { ...r.job };
  if (job.shufflePartitions === undefined && job.sink !== "console") job.shufflePartitions = await r.runner.shufflePartitions();
  await step(`start the job: ${jobFlow(job)} (${r.runner.describe})`, (note) => r.runner.start(job, r.jobBrokers, note));
  return job;
}
