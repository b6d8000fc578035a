// Builds the word-count jar (cached), puts it on the local stack's master and runs it with
// spark-submit there, detached; or follows, stops, or shows a running job. `main` is exported for tests.
import { join } from "node:path";
import { followJob, jobLog, jobStatus, dockerShell, shufflePartitionsFor, stopJob, submitDetached, waitUntilStarted, yarnSizing } from "../jobs/localSubmit";
import { jarOnMaster, WORD_COUNT_CLASS } from "../jobs/jobRunners";
import { resolveLocalStack } from "../jobs/localStack";
import { readStackOutputs } from "../jobs/stackOutputs";
import { wordCountArgs, WordCountJob } from "../jobs/wordcountJob";
import { EXIT, intFlag, parseFlags, runCli, UsageError } from "./cli";
import { steps } from "./console";

export const USAGE = `Usage: npm run submit -- [options]

Runs the word-count job on the local stack's master (spark-submit inside hadoop-master, as in
the lab), detached: the job keeps running after this command ends. Its log stays on the master.

  --stack <name>            local stack (default dev)
  --name <job>              the job's name (default wordcount); one running job per name
  --topic <name>            topic of text lines to count (default lines)
  --sink kafka|parquet|console   default kafka: a topic of counts, key word, value count
  --counts-topic <name>     kafka sink (default <topic>-counts)
  --output <hdfs dir>       parquet sink (default /kafka-spark-lab/<job>/output)
  --checkpoint <hdfs dir>   default /kafka-spark-lab/<job>/checkpoint; a restarted job continues from it
  --trigger <s>|available-now   micro-batch every <s> seconds (default 1), or drain the topic and stop
  --starting-offsets earliest|latest   for a new checkpoint (default earliest: count what is there)
  --max-offsets-per-trigger <n>
  --shuffle-partitions <n>  default: one per core the job can use (local: the master's; YARN: the workers')
  --yarn                    run on YARN across the workers (default: local[*] on the master, as the lab)
  --follow                  then stream the job's log until it ends (Ctrl-C stops following, not the job)
  --status | --log | --stop   show whether it runs | print its log's last lines | stop it cleanly
  -h, --help
Exit codes: 0 done, 2 usage, 9 stack unknown, 13 jar build failed, 14 submission or job failed, 17 Docker unavailable.
`;

const OPTIONS = {
  stack: { type: "string" }, name: { type: "string" }, topic: { type: "string" }, sink: { type: "string" },
  "counts-topic": { type: "string" }, output: { type: "string" }, checkpoint: { type: "string" }, trigger: { type: "string" },
  "starting-offsets": { type: "string" }, "max-offsets-per-trigger": { type: "string" }, "shuffle-partitions": { type: "string" }, yarn: { type: "boolean" },
  follow: { type: "boolean" }, status: { type: "boolean" }, log: { type: "boolean" }, stop: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

export async function main(argv: string[]): Promise<number> {
  const f = parseFlags(argv, OPTIONS);
  if (f.help) { process.stdout.write(USAGE); return EXIT.OK; }
  const name = (f.name as string | undefined) ?? "wordcount";
  const actions = ["status", "log", "stop"].filter((a) => f[a as "status"]);
  if (actions.length > 1) throw new UsageError(`give one of --${actions.join(", --")}`);
  const trigger = f.trigger as string | undefined;
  if (trigger !== undefined && trigger !== "available-now") intFlag("trigger", trigger, 1, 1, 86_400);
  const job: WordCountJob = {
    name,
    topic: (f.topic as string | undefined) ?? "lines",
    sink: ((f.sink as string | undefined) ?? "kafka") as WordCountJob["sink"],
    countsTopic: f["counts-topic"] as string | undefined,
    output: f.output as string | undefined,
    checkpoint: f.checkpoint as string | undefined,
    trigger: trigger === undefined ? 1 : trigger === "available-now" ? "available-now" : Number(trigger),
    startingOffsets: ((f["starting-offsets"] as string | undefined) ?? "earliest") as WordCountJob["startingOffsets"],
    maxOffsetsPerTrigger: f["max-offsets-per-trigger"] === undefined ? undefined : intFlag("max-offsets-per-trigger", f["max-offsets-per-trigger"], 1),
  };
  if (!["kafka", "parquet", "console"].includes(job.sink)) throw new UsageError(`--sink ${job.sink}: expected kafka, parquet or console`);
  if (!["earliest", "latest"].includes(job.startingOffsets)) throw new UsageError(`--starting-offsets ${job.startingOffsets}: expected earliest or latest`);

  const stack = await resolveLocalStack((f.stack as string | undefined) ?? "dev", join(__dirname, ".."), readStackOutputs);
  const shell = dockerShell(stack.master);
  const out = (line: string) => process.stdout.write(`${line}\n`);

  if (f.status) {
    const s = await jobStatus(shell, name);
    out(s.running ? `job "${name}" is running (driver pid ${s.pid} in ${stack.master})` : `job "${name}" is not running`);
    return EXIT.OK;
  }
  if (f.log) { (await jobLog(shell, name, 60)).forEach(out); return EXIT.OK; }
  if (f.stop) {
    out((await stopJob(shell, name)) ? `job "${name}" stopped; its checkpoint is kept, so a new submit continues where it stopped` : `job "${name}" was not running`);
    return EXIT.OK;
  }

  const s = steps(2);
  // The same jar step as npm run wordcount and the demo: built when its sources changed, copied when the master's differs.
  const inNode = await s.run(`build the word-count jar (Spark 3.5, cached) and put it on ${stack.master}`, (note) => jarOnMaster(shell, note));
  if (job.sink !== "console" && f["shuffle-partitions"] === undefined) {
    job.shufflePartitions = await shufflePartitionsFor(shell, f.yarn ? "yarn" : "local", stack.containers.length - 1);
  } else if (f["shuffle-partitions"] !== undefined) {
    job.shufflePartitions = intFlag("shuffle-partitions", f["shuffle-partitions"], 4, 1, 10_000);
  }
  await s.run(`spark-submit ${job.sink === "kafka" ? `${job.topic} -> ${job.countsTopic ?? `${job.topic}-counts`}` : `${job.topic} -> ${job.sink}`}${f.yarn ? " on YARN" : ""}`, async (note) => {
    const workers = stack.containers.length - 1;
    const sparkArgs = f.yarn ? yarnSizing(workers) : [];
    const started = await submitDetached({ shell, name, jarInNode: inNode, className: WORD_COUNT_CLASS, mode: f.yarn ? "yarn" : "local", sparkArgs, jobArgs: wordCountArgs(job, stack.bootstrapServersInternal) });
    note(`driver pid ${started.pid}; waiting for its query to start`);
    await waitUntilStarted(shell, name);
  });
  out(`job "${name}" runs. Its log: npm run submit -- --log --name ${name}; stop it: npm run submit -- --stop --name ${name}`);
  if (f.follow) await followJob(shell, name, out);
  return EXIT.OK;
}

if (require.main === module) runCli("submit", () => main(process.argv.slice(2)));
