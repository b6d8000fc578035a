/**
 * The word-count job as data: what to count, where the counts go, where its checkpoint lives;
 * and the job's command line derived from it (one place, for spark-submit and for Livy).
 */
import { UsageError } from "../../lib/errors";

/** A job's name: it names the job's topics, its HDFS directory and its pid file, and goes into shell commands. */
export const JOB_NAME = /^[A-Za-z0-9_-]{1,64}$/;

export interface WordCountJob {
  /** Job name; also names its default HDFS directories and its Kafka consumer group. */
  name: string;
  /** Topic of text lines. */
  topic: string;
  sink: "kafka" | "parquet" | "console";
  /** Kafka sink: topic of counts (default: `countsTopicFor(topic)`). */
  countsTopic?: string;
  /** Parquet sink: output directory (default `/kafka-spark-lab/<name>/output` on the cluster's file system). */
  output?: string;
  /** Default `/kafka-spark-lab/<name>/checkpoint`; none for the console sink (as in the lab). */
  checkpoint?: string;
  /** Seconds between micro-batches (fractions allowed, to the millisecond), or drain what is there and stop. */
  trigger: number | "available-now";
  startingOffsets: "earliest" | "latest";
  maxOffsetsPerTrigger?: number;
  shufflePartitions?: number;
}

export const jobDir = (name: string) => `/kafka-spark-lab/${name}`;

/** `--trigger`: seconds (1 to 86400), milliseconds ("500ms", from 100), or available-now; default 1 s. */
export function parseTrigger(flag: string | undefined): WordCountJob["trigger"] {
  if (flag === undefined) return 1;
  if (flag === "available-now") return flag;
  const ms = /^\d+ms$/.test(flag) ? Number(flag.slice(0, -2)) : /^\d+$/.test(flag) ? 1000 * Number(flag) : NaN;
  if (!(ms >= 100 && ms <= 86_400_000)) throw new UsageError(`--trigger ${flag}: expected seconds from 1 to 86400, milliseconds from 100ms, or available-now`);
  return ms / 1000;
}

/**
 * The one naming rule for a word count's counts topic: beside a lines topic `<name>-lines` it is
 * `<name>-counts` (the pipeline's pair, e.g. demo-lines / demo-counts); beside any other topic
 * `<topic>-counts` (lines -> lines-counts).
 */
export const countsTopicFor = (linesTopic: string) => `${linesTopic.replace(/-lines$/, "")}-counts`;
/** The topics of a job that owns them (`npm run demo`, `npm run wordcount`): `<name>-lines` and `<name>-counts`. */
export const topicsOf = (name: string) => ({ lines: `${name}-lines`, counts: countsTopicFor(`${name}-lines`) });
export const countsTopicOf = (job: WordCountJob) => job.countsTopic ?? countsTopicFor(job.topic);
export const outputOf = (job: WordCountJob) => job.output ?? `${jobDir(job.name)}/output`;
export const checkpointOf = (job: WordCountJob) => job.checkpoint ?? `${jobDir(job.name)}/checkpoint`;

/** The job's arguments: the lab's three positional ones, then options (see JobOptions.java). */
export function wordCountArgs(job: WordCountJob, bootstrapServers: string): string[] {
  const args = [bootstrapServers, job.topic, `kafka-spark-lab-${job.name}`, "--sink", job.sink];
  if (job.sink === "kafka") args.push("--counts-topic", countsTopicOf(job));
  if (job.sink === "parquet") args.push("--output", outputOf(job));
  if (job.sink !== "console" || job.checkpoint) args.push("--checkpoint", checkpointOf(job));
  // Whole seconds as the lab's job always took them; a fraction in milliseconds ("500ms").
  const trigger = job.trigger === "available-now" || Number.isInteger(job.trigger) ? String(job.trigger) : `${Math.round(job.trigger * 1000)}ms`;
  args.push("--trigger", trigger, "--starting-offsets", job.startingOffsets);
  if (job.maxOffsetsPerTrigger !== undefined) args.push("--max-offsets-per-trigger", String(job.maxOffsetsPerTrigger));
  if (job.shufflePartitions !== undefined) args.push("--shuffle-partitions", String(job.shufflePartitions));
  return args;
}
