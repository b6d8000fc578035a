// Builds the word-count jar (cached), puts it on the local stack's master and runs it with
// spark-submit there, detached; or follows, stops, or shows a running job (jobs/wordcountSubmit.ts).
import { EXIT, UsageError } from "../jobs/errors";
import { sparkSubmitRunner } from "../jobs/jobRunners";
import { openKafkaRoute } from "../jobs/kafkaRoute";
import { localNodesOf } from "../jobs/localStack";
import { dockerShell, followJob, jobEnding, jobLog, stopJob } from "../jobs/localSubmit";
import { SUBMIT_STEPS, submitWordCount } from "../jobs/wordcountSubmit";
import type { WordCountJob } from "../jobs/wordcountJob";
import { choiceFlag, defineCommand, intFlag, jobNameFlag, runCli, VERBOSE_FLAG, VERBOSE_HELP } from "./cli";
import { steps } from "./console";

const usage = `Usage: npm run submit -- [options]

Runs the word-count job on the local stack's master (spark-submit inside hadoop-master, as in
the lab), detached: the job keeps running after this command ends. Its log stays on the master.
Before it starts, the counts topic is created when missing (3 partitions, replication factor 3) and
a missing input topic is refused; it returns once the job's first micro-batch is done, or says why
the job died.

  --stack <name>            local stack (default dev)
  --name <job>              the job's name (default wordcount); one running job per name
  --topic <name>            topic of text lines to count (default lines)
  --sink kafka|parquet|console   default kafka: a topic of counts, key word, value count
  --counts-topic <name>     kafka sink (default <topic>-counts; for <name>-lines, <name>-counts)
  --output <hdfs dir>       parquet sink (default /kafka-spark-lab/<job>/output)
  --checkpoint <hdfs dir>   default /kafka-spark-lab/<job>/checkpoint; a restarted job continues from it
  --trigger <s>|<n>ms|available-now   micro-batch every <s> seconds or <n> ms (default 1 s), or drain the topic and stop
  --starting-offsets earliest|latest   for a new checkpoint (default earliest: count what is there)
  --max-offsets-per-trigger <n>
  --shuffle-partitions <n>  default: one per core the job can use (local: the master's; YARN: the workers')
  --yarn                    run on YARN across the workers (default: local[*] on the master, as the lab)
  --create-topics           create the input topic when it is missing (the counts topic always is)
  --follow                  then stream the job's log until it ends (Ctrl-C stops following, not the job)
  --status | --log | --stop   show whether it runs | print its log's last lines | stop it cleanly
${VERBOSE_HELP}
  -h, --help
`;

export const submit = defineCommand({
  name: "submit",
  usage,
  exits: ["USAGE", "STACK_OUTPUTS", "KAFKA", "JAR_BUILD", "SUBMIT", "DOCKER", "TOPIC_MISSING"],
  options: {
    stack: { type: "string" }, name: { type: "string" }, topic: { type: "string" }, sink: { type: "string" },
    "counts-topic": { type: "string" }, output: { type: "string" }, checkpoint: { type: "string" }, trigger: { type: "string" },
    "starting-offsets": { type: "string" }, "max-offsets-per-trigger": { type: "string" }, "shuffle-partitions": { type: "string" }, yarn: { type: "boolean" },
    follow: { type: "boolean" }, status: { type: "boolean" }, log: { type: "boolean" }, stop: { type: "boolean" }, "create-topics": { type: "boolean" }, ...VERBOSE_FLAG,
  },
  async run(f, c) {
    const name = jobNameFlag(f.name);
    const actions = (["status", "log", "stop"] as const).filter((a) => f[a]);
    if (actions.length > 1) throw new UsageError(`give one of --${actions.join(", --")}`);
    const trigger = f.trigger;
    const triggerMs = trigger === undefined || trigger === "available-now" ? undefined : /^\d+ms$/.test(trigger) ? Number(trigger.slice(0, -2)) : /^\d+$/.test(trigger) ? 1000 * Number(trigger) : NaN;
    if (triggerMs !== undefined && !(triggerMs >= 100 && triggerMs <= 86_400_000)) throw new UsageError(`--trigger ${trigger}: expected seconds from 1 to 86400, milliseconds from 100ms, or available-now`);
    const job: WordCountJob = {
      name,
      topic: f.topic ?? "lines",
      sink: choiceFlag("sink", f.sink, ["kafka", "parquet", "console"], "kafka"),
      countsTopic: f["counts-topic"],
      output: f.output,
      checkpoint: f.checkpoint,
      trigger: trigger === "available-now" ? "available-now" : triggerMs === undefined ? 1 : triggerMs / 1000,
      startingOffsets: choiceFlag("starting-offsets", f["starting-offsets"], ["earliest", "latest"], "earliest"),
      maxOffsetsPerTrigger: f["max-offsets-per-trigger"] === undefined ? undefined : intFlag("max-offsets-per-trigger", f["max-offsets-per-trigger"], 1),
      shufflePartitions: f["shuffle-partitions"] === undefined ? undefined : intFlag("shuffle-partitions", f["shuffle-partitions"], 4, 1, 10_000),
    };

    const stack = c.stackName(f.stack);
    const outputs = await c.readStack(stack);
    const nodes = localNodesOf(stack, outputs);
    const shell = dockerShell(nodes.master);
    const runner = sparkSubmitRunner({ master: nodes.master, shell, mode: f.yarn ? "yarn" : "local", workers: nodes.containers.length - 1, commandHint: (action, n) => `npm run submit -- --${action} --name ${n}` });
    const out = (line: string) => c.out(`${line}\n`);

    if (f.status) {
      const running = await runner.status(name);
      if (running.length) { out(`job "${name}" is running (${running.join(", ")})`); return EXIT.OK; }
      const { ended, why } = await jobEnding(shell, name);
      out(ended === "died" ? `job "${name}" is not running: it died; the end of its log says:\n  ${why.join("\n  ")}`
        : `job "${name}" is not running${ended === "finished" ? " (it drained its topic and finished)" : ended === "stopped" ? " (it was stopped; its checkpoint is kept)" : ""}`);
      return EXIT.OK;
    }
    if (f.log) { (await jobLog(shell, name, 60)).forEach(out); return EXIT.OK; }
    if (f.stop) {
      out((await stopJob(shell, name)) ? `job "${name}" stopped; its checkpoint is kept, so a new submit continues where it stopped` : `job "${name}" was not running`);
      return EXIT.OK;
    }

    const route = await openKafkaRoute({ stack, outputs }, { ...c.route("kafka-spark-lab-submit", f.verbose), note: () => undefined });
    const s = steps(SUBMIT_STEPS.length, c.line);
    try {
      await submitWordCount({ runner, route, job, createTopics: f["create-topics"] === true }, (title, work) => s.run(title, work));
    } finally {
      await route.close();
    }
    out(`job "${name}" runs. Its log: npm run submit -- --log --name ${name}; stop it: npm run submit -- --stop --name ${name}`);
    if (f.follow) await followJob(shell, name, out);
    return EXIT.OK;
  },
});

export const { main, USAGE } = submit;

if (require.main === module) runCli(submit, "submit");
