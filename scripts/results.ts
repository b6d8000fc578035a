// Prints the top words a word-count job has counted, from its counts topic (on any stack; through
// the SSH gateway on Azure) or its Parquet output (local stack), as a table; with --follow, redraws
// it while the job runs.
import { UsageError } from "../lib/errors";
import { openKafkaRoute } from "../jobs/kafka/route";
import { localNodesOf } from "../jobs/local/stack";
import { dockerShell } from "../jobs/local/shell";
import { type Counts, type CountsSource, followCounts, parquetCounts, topicCounts, topWords, totalOf, wordTable } from "../jobs/wordcount/results";
import { defineCommand, intFlag, kafkaWhereOf, runCli, SSH_HELP, VERBOSE_FLAG, VERBOSE_HELP, VIA_SSH_FLAGS, VIA_SSH_HELP } from "../jobs/cli/command";

const usage = `Usage: npm run results -- [options]

Prints the most frequent words a word-count job has counted, as a table.

  --stack <name>        the stack (default dev); a local one, or Azure through the SSH gateway
${VIA_SSH_HELP}
  --topic <name>        read a counts topic (key word, value count; default lines-counts;
                        npm run wordcount's job writes <name>-counts, e.g. wordcount-counts)
  --parquet <hdfs dir>  read a Parquet output instead, local stack only
                        (e.g. /kafka-spark-lab/wordcount/output)
  --top <n>             rows (default 20)
  --follow              redraw every 2 s while the job runs (Ctrl-C to quit)
  --json                print {"distinct", "total", "top": [{word, count}]} instead
${VERBOSE_HELP}
  -h, --help
${SSH_HELP}
`;

export const results = defineCommand({
  name: "results",
  summary: { usage: "`npm run results`", does: "the counts a job wrote, as a top-words table" },
  usage,
  exits: ["USAGE", "LOGIN_REFUSED", "UNAVAILABLE", "STACK_OUTPUTS", "SSH_GATEWAY", "KAFKA", "OUTPUT_UNREADABLE", "TOPIC_MISSING", "NO_COUNTS"],
  options: { stack: { type: "string" }, topic: { type: "string" }, parquet: { type: "string" }, top: { type: "string" }, follow: { type: "boolean" }, json: { type: "boolean" }, ...VIA_SSH_FLAGS, ...VERBOSE_FLAG },
  async run(f, c) {
    if (f.topic !== undefined && f.parquet !== undefined) throw new UsageError("give --topic or --parquet, not both");
    const top = intFlag("top", f.top, 20, 1, 10_000);
    if (f.parquet !== undefined && (f["via-ssh"] || f["insecure-accept-any-host-key"])) throw new UsageError("--via-ssh is for the counts topic (--topic), not --parquet");
    const where = await kafkaWhereOf(c, f);
    if (!("stack" in where)) throw new Error("results: a stack is always named");
    const { stack, outputs } = where;
    const render = (counts: Counts) => (f.json
      ? `${JSON.stringify({ distinct: counts.size, total: totalOf(counts), top: topWords(counts, top) })}\n`
      : `${wordTable(counts, top)}\n`);

    let source: CountsSource;
    if (f.parquet !== undefined) {
      if (outputs.target !== "local") throw new UsageError(`--parquet reads the HDFS of a local stack; stack "${stack}" is on Azure: read its counts topic (--topic)`);
      source = parquetCounts(dockerShell(localNodesOf(stack, outputs).master), f.parquet);
    } else {
      // Progress only where finding the brokers takes time (Ambari, the gateway); a local stack's are in its outputs.
      const options = c.route("kafka-spark-lab-results", f.verbose);
      const route = await openKafkaRoute(where, outputs.target === "local" && !where.viaSsh ? { ...options, note: () => undefined } : options);
      const whoWrites = outputs.target === "local" ? "npm run submit -- --status [--name <job>]" : `npm run wordcount -- --stack ${stack} --status [--name <job>]`;
      source = await topicCounts(route, f.topic ?? "lines-counts", { follow: f.follow === true, whoWrites, onEmpty: c.note });
    }
    try {
      if (!f.follow) {
        c.out(render(await source.read()));
        return 0;
      }
      const tty = c.deps.stdout.isTTY === true;
      // Ctrl-C ends the loop at once and cleanly (every SIGINT: tsx relays one, the terminal sends one).
      // The handler stays: a late Ctrl-C while the process exits must not turn a clean end into 130.
      const interrupted = new AbortController();
      process.on("SIGINT", () => interrupted.abort());
      await followCounts(source, {
        render,
        show: (text) => c.out(`${tty ? "\x1b[H\x1b[2J" : ""}${new Date().toISOString().slice(11, 19)}\n${text}`),
        intervalMs: f.parquet !== undefined ? 5000 : 2000,
        signal: interrupted.signal,
      });
      return 0;
    } finally {
      await source.close();
    }
  },
});

export const { main, USAGE } = results;

if (require.main === module) runCli(results, "results");
