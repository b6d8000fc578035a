// npm run wordcount: the word count end to end on a deployed stack, local or Azure (see
// jobs/wordcount/pipeline.ts); or the status of its job, or a stop.
import { EXIT, UsageError } from "../lib/errors";
import { runnerForStack } from "../jobs/spark/runners";
import { clusterSshOptions, openKafkaRoute, type KafkaRoute } from "../jobs/kafka/route";
import { driverLogOver } from "../jobs/spark/yarnLogs";
import { sameCounts, totalOf, wordTable } from "../jobs/wordcount/results";
import { topicsOf } from "../jobs/wordcount/job";
import { runWordCount, WORD_COUNT_STEPS } from "../jobs/wordcount/pipeline";
import { defineCommand, intFlag, jobNameFlag, runCli, serviceUrlFlag, SSH_HELP, TEXT_FLAGS, textSourceOf, VERBOSE_FLAG, VERBOSE_HELP } from "../jobs/cli/command";
import { loadBar, steps, table } from "../jobs/cli/console";
import { TEXT_FLAGS_HELP } from "../jobs/text/source";
import { jobAction } from "../jobs/spark/control";

const usage = `Usage: npm run wordcount -- --stack <name> [options]

The word count end to end on a deployed stack: finds the brokers (Ambari on Azure), recreates
the job's topics <name>-lines and <name>-counts (through the SSH gateway on Azure), starts the
Spark job (spark-submit in the local master; Livy on Azure) while it loads a real text, waits
until the counts cover every word loaded and prints the top words. Safe to re-run: it starts afresh.

  --stack <name>         a deployed stack (default dev)
  --livy <url>           local stack: submit through this Livy server instead of spark-submit
                         (a login, if it asks for one, from LIVY_USER and LIVY_PASSWORD;
                         with a login, https:// unless --insecure-http)
  --name <job>           the job's name (default wordcount)
${TEXT_FLAGS_HELP}
  --top <n>              rows of the table (default 15)
  --shuffle-partitions <n>   default: the master's cores (spark-submit), 4 (Livy)
  --timeout <s>          how long to wait for the counts after the load (default 300)
  --keep-running         leave the job running at the end (default: stop it)
  --status | --stop      say whether the job runs | stop it (and, on Livy, forget its batches)
${VERBOSE_HELP}
  -h, --help

${SSH_HELP}
`;

export const wordcount = defineCommand({
  name: "wordcount",
  summary: { usage: "`npm run wordcount -- --stack <name>`", does: "the same word count on any deployed stack, local or Azure" },
  usage,
  exits: ["USAGE", "LOGIN_REFUSED", "UNAVAILABLE", "STACK_OUTPUTS", "SSH_GATEWAY", "KAFKA", "JAR_BUILD", "SUBMIT", "RESULTS", "DOCKER", "LIVY_CSRF", "BATCH_NOT_FOUND", "JOB_DEAD", "JOB_KILLED", "LIVY", "TOPIC_MISSING", "OUTPUT_UNREADABLE", "STALE_JAR", "BUSY"],
  options: {
    stack: { type: "string" }, livy: { type: "string" }, name: { type: "string" }, ...TEXT_FLAGS,
    top: { type: "string" }, "shuffle-partitions": { type: "string" }, timeout: { type: "string" }, "keep-running": { type: "boolean" },
    status: { type: "boolean" }, stop: { type: "boolean" }, "insecure-http": { type: "boolean" }, ...VERBOSE_FLAG,
  },
  async run(f, c) {
    const stack = c.stackName(f.stack);
    const name = jobNameFlag(f.name);
    if (f.status && f.stop) throw new UsageError("give --status or --stop, not both");
    const source = await textSourceOf(f);
    const top = intFlag("top", f.top, 15, 1, 1000);
    const timeout = intFlag("timeout", f.timeout, 300, 10, 86_400);
    const shufflePartitions = f["shuffle-partitions"] === undefined ? undefined : intFlag("shuffle-partitions", f["shuffle-partitions"], 4, 1, 10_000);
    const livyUrl = f.livy === undefined ? undefined
      : serviceUrlFlag("livy", f.livy, { insecureHttp: f["insecure-http"] === true, hasLogin: c.deps.env.LIVY_PASSWORD !== undefined, credentialsFrom: "LIVY_USER and LIVY_PASSWORD" });

    const outputs = await c.readStack(stack);
    const runner = runnerForStack(stack, outputs, {
      livyUrl, shufflePartitions, env: c.deps.env, fetch: c.deps.fetch, ledger: c.deps.ledger, secrets: c.secrets, note: c.note,
      driverLog: driverLogOver(async () => c.deps.openGateway(await clusterSshOptions(stack, outputs, "spark", c.route("kafka-spark-lab-wordcount")))),
      // wordcount has no --log: submit's reads the same job's log (the same Livy and ledger, or lab-job).
      commandHint: (action, job) => action === "log" && !f.livy
        ? `npm run submit -- --stack ${stack} --log --name ${job}`
        : `npm run wordcount -- --stack ${stack}${f.livy ? " --livy <url>" : ""} --${action}${job === "wordcount" ? "" : ` --name ${job}`}`,
    });
    const action = f.status ? "status" : f.stop ? "stop" : undefined;
    if (action) { c.out((await jobAction(runner, action, name, c.note)).map((l) => `${l}\n`).join("")); return EXIT.OK; }

    const started = Date.now();
    const s = steps(WORD_COUNT_STEPS.length + 1, c.line);
    let route: KafkaRoute | undefined;
    try {
      route = await s.run(outputs.target === "local" ? "find the brokers" : "find the brokers (Ambari) and open the SSH gateway",
        (note) => openKafkaRoute({ stack, outputs }, { ...c.route("kafka-spark-lab-wordcount", f.verbose), note }));
      const result = await runWordCount(route, runner, { stack, name, source, keepRunning: f["keep-running"] === true, countsTimeoutSeconds: timeout }, {
        step: (title, work) => s.run(title, work),
        loadProgress: (total) => loadBar(total, c.progressStream),
      });
      const exact = sameCounts(result.counts, result.expected);
      const topics = topicsOf(name);
      c.out(`\nTop ${top} words of ${topics.lines}, as counted by Spark (topic ${topics.counts}):\n${wordTable(result.counts, top)}\n\n`);
      c.out(`${table(["word count", "result"], [
        ["stack", `${stack} (${String(outputs.target)})`],
        ["job ran with", runner.describe],
        ["text", source.describe],
        ["records loaded", result.load.records.toLocaleString("en-US")],
        ["load records/s", Math.round(result.load.recordsPerSecond).toLocaleString("en-US")],
        ["counts complete after the load", `${result.catchUpSeconds.toFixed(1)} s`],
        ["words counted = words loaded", exact ? `yes (${totalOf(result.expected).toLocaleString("en-US")})` : "NO"],
        ["wall time", `${((Date.now() - started) / 1000).toFixed(1)} s`],
      ])}\n`);
      return exact ? EXIT.OK : EXIT.RESULTS;
    } finally {
      await route?.close();
    }
  },
});

export const { main, USAGE } = wordcount;

if (require.main === module) runCli(wordcount, "wordcount");
