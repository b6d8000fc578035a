// Builds the word-count jar (cached), puts it on the local stack's master and runs it with
// spark-submit there, detached; or follows, stops, or shows a running job (jobs/wordcount/submit.ts).
// With --jar or --py, the same for an application of one's own (jobs/spark/ownAppLocal.ts); on an Azure
// stack, a Livy batch of the application uploaded to the Spark cluster's storage (jobs/spark/ownAppAzure.ts).
import { EXIT, UsageError } from "../lib/errors";
import { azureLivyOf, sparkSubmitRunner } from "../jobs/spark/runners";
import { type JobAction, jobAction, livyJobControl, localJobControl } from "../jobs/spark/control";
import { ambariBrokers, clusterSshOptions, openKafkaRoute } from "../jobs/kafka/route";
import { driverLogOver } from "../jobs/spark/yarnLogs";
import { AZURE_OWN_JOB_STEPS, type CommandHint, followAzureOwnJob, submitAzureOwnJob } from "../jobs/spark/ownAppAzure";
import { localNodesOf } from "../jobs/local/stack";
import { appState, followJob } from "../jobs/spark/localJobs";
import { dockerShell } from "../jobs/local/shell";
import { describeAppState, failIfEndedBadly, OWN_JOB_STEPS, submitOwnJob } from "../jobs/spark/ownAppLocal";
import { checkSparkApp, defaultJobName, type SparkApp } from "../jobs/spark/ownAppFile";
import { onAzurePath, parseOutputs, type StackOutputs } from "../jobs/pulumiStack";
import { twinHeadOf } from "../jobs/twin/access";
import { ensureTwinJobJar } from "../jobs/twin/jobJar";
import { SUBMIT_STEPS, submitWordCount } from "../jobs/wordcount/submit";
import { parseTrigger, type WordCountJob } from "../jobs/wordcount/job";
import { choiceFlag, type CommandContext, defineCommand, type Flags, intFlag, jobNameFlag, runCli, SSH_HELP, VERBOSE_FLAG, VERBOSE_HELP } from "../jobs/cli/command";
import { steps } from "../jobs/cli/console";

const usage = `Usage: npm run submit -- [options]
       npm run submit -- --jar <file.jar> --class <main class> [options] [-- <job arguments>]
       npm run submit -- --py <file.py> [options] [-- <job arguments>]

Runs the word-count job on the local stack's master (spark-submit inside hadoop-master, as in
the lab), detached: the job keeps running after this command ends. Its log stays on the master.
Before it starts, the counts topic is created when missing (3 partitions, replication factor 3) and
a missing input topic is refused; it returns once the job's first micro-batch is done, or says why
the job died.

  --stack <name>            the stack (default dev); the word count needs a local one, a job of one's own runs on either
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
  --status | --log | --stop   show whether it runs | print its log's last lines (--logs too) | stop it cleanly

A job of one's own (instead of the word count): --jar with --class (optional when the jar's
manifest names a Main-Class), or --py; both are checked here before anything is copied. It runs
like the word count (--name, default the file's name; --yarn, --follow, --status, --log, --stop),
with the Kafka source on its class path and the brokers as the cluster reaches them in the
environment variable KAFKA_BROKERS. Arguments after a lone -- go to the job unchanged. The word
count's options (--topic, --sink, ...) do not apply. A job that fails before its SparkContext is
up, or while --follow follows it, ends this command with exit 22 and its last error lines.
  --jar <file.jar> --class <main class>   a Spark application jar
  --py <file.py>            a PySpark application (jobs/spark-app/python/wordcount.py is the word count)

On an Azure stack (--stack <azure stack>) a job of one's own goes through the Spark cluster: the
file is uploaded over SSH to its head node (output sparkSshHost) and put into the cluster's default
storage under /kafka-spark-lab/jobs (skipped when the same bytes are there), then submitted as a
Livy batch with the project's Spark job jar (output sparkJobJarUrl: the Kafka source) and the
brokers from Ambari in KAFKA_BROKERS; it always runs on YARN (--yarn is refused). The command
returns once the batch runs; --follow streams its log until it ends (exit 0 success, 22 dead,
23 killed). --status, --log and --stop find the batch by its name (the ids are kept on this machine).
${SSH_HELP}
${VERBOSE_HELP}
  -h, --help
`;

const OPTIONS = {
  stack: { type: "string" }, name: { type: "string" }, topic: { type: "string" }, sink: { type: "string" },
  "counts-topic": { type: "string" }, output: { type: "string" }, checkpoint: { type: "string" }, trigger: { type: "string" },
  "starting-offsets": { type: "string" }, "max-offsets-per-trigger": { type: "string" }, "shuffle-partitions": { type: "string" }, yarn: { type: "boolean" },
  follow: { type: "boolean" }, status: { type: "boolean" }, log: { type: "boolean" }, logs: { type: "boolean" }, stop: { type: "boolean" }, "create-topics": { type: "boolean" },
  jar: { type: "string" }, class: { type: "string" }, py: { type: "string" }, ...VERBOSE_FLAG,
} as const;

export const submit = defineCommand({
  name: "submit",
  summary: { usage: "`npm run submit`, or `-- --jar <jar> --class <main>` or `--py <file.py>`", does: "the word-count job, or a Spark job of your own with the Kafka source, on the local stack or through Livy on Azure ([how](docs/wordcount.md#a-job-of-your-own))" },
  usage,
  exits: ["USAGE", "LOGIN_REFUSED", "UNAVAILABLE", "STACK_OUTPUTS", "SSH_GATEWAY", "KAFKA", "JAR_BUILD", "SUBMIT", "DOCKER", "BATCH_NOT_FOUND", "JOB_DEAD", "JOB_KILLED", "TOPIC_MISSING", "LIVY"],
  passThrough: true,
  options: OPTIONS,
  async run(f, c, rest) {
    const actions = (["status", "log", "stop"] as const).filter((a) => f[a] || (a === "log" && f.logs));
    if (actions.length > 1) throw new UsageError(`give one of --${actions.join(", --")}`);
    const own = f.jar !== undefined || f.py !== undefined || f.class !== undefined;
    if (own) return submitOwn(f, c, rest, actions[0]);
    if (rest.length) throw new UsageError("arguments after -- are for a job of one's own (--jar or --py); the word count takes options");
    const name = jobNameFlag(f.name);
    const job: WordCountJob = {
      name,
      topic: f.topic ?? "lines",
      sink: choiceFlag("sink", f.sink, ["kafka", "parquet", "console"], "kafka"),
      countsTopic: f["counts-topic"],
      output: f.output,
      checkpoint: f.checkpoint,
      trigger: parseTrigger(f.trigger),
      startingOffsets: choiceFlag("starting-offsets", f["starting-offsets"], ["earliest", "latest"], "earliest"),
      maxOffsetsPerTrigger: f["max-offsets-per-trigger"] === undefined ? undefined : intFlag("max-offsets-per-trigger", f["max-offsets-per-trigger"], 1),
      shufflePartitions: f["shuffle-partitions"] === undefined ? undefined : intFlag("shuffle-partitions", f["shuffle-partitions"], 4, 1, 10_000),
    };

    const stack = c.stackName(f.stack);
    const outputs = await c.readStack(stack);
    if (onAzurePath(outputs)) {
      // On Azure this command runs jobs of one's own (Livy batches): --status, --log, --stop find them by name.
      if (actions[0]) return submitOwnOnAzure(f, c, { stack, outputs, name, args: [], action: actions[0] });
      throw new UsageError(`the word count on an Azure stack runs through its Livy: npm run wordcount -- --stack ${stack}. Here, --jar or --py runs a job of your own there`);
    }
    const nodes = localNodesOf(stack, outputs);
    const shell = dockerShell(nodes.master);
    const runner = sparkSubmitRunner({ master: nodes.master, shell, mode: f.yarn ? "yarn" : "local", workers: nodes.containers.length - 1, commandHint: (action, n) => `npm run submit -- --${action} --name ${n}` });
    const out = (line: string) => c.out(`${line}\n`);
    if (actions[0]) { (await jobAction(runner, actions[0], name, c.note)).forEach(out); return EXIT.OK; }

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

/** --jar/--py: checked before the stack is read, then copied and started like the word count. */
async function submitOwn(f: Flags<typeof OPTIONS>, c: CommandContext, rest: string[], action: JobAction | undefined): Promise<number> {
  const wordCountOnly = (["topic", "sink", "counts-topic", "output", "checkpoint", "trigger", "starting-offsets", "max-offsets-per-trigger", "shuffle-partitions", "create-topics"] as const).filter((k) => f[k] !== undefined);
  if (wordCountOnly.length) throw new UsageError(`--${wordCountOnly[0]} is an option of the word count, not of a job of one's own: give your job its arguments after --`);
  const app: SparkApp = await checkSparkApp({ jar: f.jar, className: f.class, py: f.py });
  const name = f.name === undefined ? defaultJobName(app) : jobNameFlag(f.name);
  const stack = c.stackName(f.stack);
  const outputs = await c.readStack(stack);
  if (onAzurePath(outputs)) return submitOwnOnAzure(f, c, { stack, outputs, app, name, args: rest, action });
  const nodes = localNodesOf(stack, outputs);
  const { bootstrapServersInternal } = parseOutputs(stack, outputs, "local", ["bootstrapServersInternal"]);
  const shell = dockerShell(nodes.master);
  const out = (line: string) => c.out(`${line}\n`);
  if (action) { (await jobAction(localJobControl(shell, nodes.master), action, name, c.note)).forEach(out); return EXIT.OK; }

  const s = steps(OWN_JOB_STEPS.length, c.line);
  const state = await submitOwnJob({ shell, master: nodes.master, app, name, args: rest, mode: f.yarn ? "yarn" : "local", workers: nodes.containers.length - 1, brokers: bootstrapServersInternal }, (title, work) => s.run(title, work));
  out(state.state === "running"
    ? `job "${name}" runs. Its log: npm run submit -- --log --name ${name}; its state: npm run submit -- --status --name ${name}; stop it: npm run submit -- --stop --name ${name}`
    : `job "${name}" finished (exit status 0). Its log: npm run submit -- --log --name ${name}`);
  if (f.follow && state.state === "running") {
    await followJob(shell, name, out);
    const ended = await appState(shell, name);
    failIfEndedBadly(name, ended);
    out(describeAppState(name, ended));
  }
  return EXIT.OK;
}

/** --jar/--py on an Azure stack: uploaded over SSH to the Spark head node, run as a Livy batch (jobs/spark/ownAppAzure.ts). */
async function submitOwnOnAzure(f: Flags<typeof OPTIONS>, c: CommandContext, o: { stack: string; outputs: StackOutputs; app?: SparkApp; name: string; args: string[]; action: JobAction | undefined }): Promise<number> {
  const { stack, outputs, name } = o;
  if (f.yarn) throw new UsageError(`--yarn is for a local stack: stack "${stack}" is on Azure, where a job always runs on the Spark cluster's YARN (through Livy)`);
  const livy = azureLivyOf(stack, outputs, { secrets: c.secrets, fetch: c.deps.fetch, note: c.note });
  const ledger = c.deps.ledger(livy.baseUrl);
  const hint: CommandHint = (action, n) => `npm run submit -- --stack ${stack} --${action} --name ${n}`;
  const out = (line: string) => c.out(`${line}\n`);
  // A dead job's own lines are in YARN's log (cluster mode), read over SSH on the Spark head node when asked for.
  const driverLog = driverLogOver(async () => c.deps.openGateway(await clusterSshOptions(stack, outputs, "spark", c.route("kafka-spark-lab-submit"))));
  if (o.action) { (await jobAction(livyJobControl(livy, ledger, hint, driverLog), o.action, name, c.note)).forEach(out); return EXIT.OK; }

  if (!o.app) throw new UsageError("expected --jar <file.jar> --class <main class>, or --py <file.py>");
  const { sparkJobJarUrl } = parseOutputs(stack, outputs, "azure", ["sparkJobJarUrl"]);
  // Before any connection: a missing SSH credential is a usage error.
  const ssh = await clusterSshOptions(stack, outputs, "spark", c.route("kafka-spark-lab-submit"));
  // A twin has the project's jar (the Kafka source for your job) in its storage once a command put it there.
  const twinHead = twinHeadOf(stack, outputs, "spark");
  if (twinHead) await ensureTwinJobJar(twinHead, sparkJobJarUrl, c.note);
  const s = steps(AZURE_OWN_JOB_STEPS.length, c.line);
  const batch = await submitAzureOwnJob({
    livy, ledger, app: o.app, name, args: o.args, jobJarUrl: sparkJobJarUrl, hint,
    brokers: async (note) => (await ambariBrokers(stack, outputs, { ...c.route("kafka-spark-lab-submit"), note })).join(","),
    openUploader: () => c.deps.openGateway(ssh),
    driverLog,
  }, (title, work) => s.run(title, work));
  out(batch.state === "success"
    ? `job "${name}" finished (Livy batch ${batch.id} success). Its log: ${hint("log", name)}`
    : `job "${name}" runs (Livy batch ${batch.id}). Its log: ${hint("log", name)}; its state: ${hint("status", name)}; stop it: ${hint("stop", name)}`);
  if (f.follow) {
    await followAzureOwnJob(livy, name, batch.id, out, hint, driverLog);
    out(`job "${name}" is not running: it finished (Livy batch ${batch.id} success)`);
  }
  return EXIT.OK;
}

export const { main, USAGE } = submit;

if (require.main === module) runCli(submit, "submit");
