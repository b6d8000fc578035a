// npm run demo: the word count end to end on the local stack, one command (see jobs/wordcount/demo.ts).
import { DEMO_NAME, DEMO_STEPS, runDemo } from "../jobs/wordcount/demo";
import { EXIT } from "../lib/errors";
import type { UpVia } from "../jobs/local/stack";
import { sameCounts, wordTable } from "../jobs/wordcount/results";
import { topicsOf } from "../jobs/wordcount/job";
import { choiceFlag, defineCommand, intFlag, runCli, TEXT_FLAGS, textSourceOf, VERBOSE_FLAG, VERBOSE_HELP } from "../jobs/cli/command";
import { loadBar, steps, table } from "../jobs/cli/console";
import { TEXT_FLAGS_HELP } from "../jobs/text/source";

const usage = `Usage: npm run demo -- [options]

Brings the local stack up (Pulumi when its CLI is installed and logged in, else docker-compose),
creates the demo topics, starts the word-count job while it loads a real text, waits until the
counts cover every word loaded and prints the top words. Safe to re-run: it starts afresh.

  --stack <name>         local stack (default dev)
  --via auto|pulumi|compose   how to bring the stack up (default auto)
${TEXT_FLAGS_HELP}
  --top <n>              rows of the table (default 15)
  --keep-running         leave the job running at the end (default: stop it)
${VERBOSE_HELP}
  -h, --help
Tear the stack down afterwards: npm run teardown
`;

export const demo = defineCommand({
  name: "demo",
  summary: { usage: "`npm run demo`", does: "the local stack up, then the whole word count ([the word count](docs/wordcount.md))" },
  usage,
  exits: ["USAGE", "STACK_OUTPUTS", "KAFKA", "JAR_BUILD", "SUBMIT", "LOAD", "RESULTS", "DOCKER", "PULUMI", "BUSY"],
  options: {
    stack: { type: "string" }, via: { type: "string" }, ...TEXT_FLAGS,
    top: { type: "string" }, "keep-running": { type: "boolean" }, ...VERBOSE_FLAG,
  },
  async run(f, c) {
    const via = choiceFlag<UpVia>("via", f.via, ["auto", "pulumi", "compose"], "auto");
    const top = intFlag("top", f.top, 15, 1, 1000);
    const source = await textSourceOf(f);
    const started = Date.now();
    const s = steps(DEMO_STEPS, c.line);
    const result = await runDemo(
      { stack: c.stackName(f.stack), workDir: c.deps.workDir, via, source, keepRunning: f["keep-running"] === true },
      { step: (title, work) => s.run(title, work), loadProgress: (total) => loadBar(total, c.progressStream) },
      c.route("kafka-spark-lab-demo", f.verbose),
      c.deps.readStackOutputs,
    );
    const exact = sameCounts(result.counts, result.expected);
    const topics = topicsOf(DEMO_NAME);
    c.out(`\nTop ${top} words of ${topics.lines}, as counted by Spark (topic ${topics.counts}):\n${wordTable(result.counts, top)}\n\n`);
    c.out(`${table(["demo", "result"], [
      ["text", source.describe],
    ["records loaded", result.load.records.toLocaleString("en-US")],
      ["load records/s", Math.round(result.load.recordsPerSecond).toLocaleString("en-US")],
      ["counts complete after the load", `${result.catchUpSeconds.toFixed(1)} s`],
      ["words counted = words loaded", exact ? "yes" : "NO"],
      ["demo wall time", `${((Date.now() - started) / 1000).toFixed(1)} s`],
    ])}\n\n`);
    c.out("More: npm run results -- --topic demo-counts --follow | npm run load -- --topic demo-lines --file <text> | tear down: npm run teardown\n");
    return exact ? EXIT.OK : EXIT.RESULTS;
  },
});

export const { main, USAGE } = demo;

if (require.main === module) runCli(demo, "demo");
