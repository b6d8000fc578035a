// npm run demo: the word count end to end on the local stack, one command (see jobs/demo.ts).
import { join } from "node:path";
import { DEMO_NAME, DEMO_STEPS, runDemo } from "../jobs/demo";
import { topicsOf } from "../jobs/wordcountPipeline";
import type { UpVia } from "../jobs/localStack";
import { sameCounts, wordTable } from "../jobs/results";
import { EXIT, intFlag, parseFlags, runCli, UsageError } from "./cli";
import { loadBar, steps, table } from "./console";

export const USAGE = `Usage: npm run demo -- [options]

Brings the local stack up (Pulumi when its CLI is installed and logged in, else docker-compose),
creates the demo topics, submits the word-count job, loads seeded sample text, waits until the
counts cover every word loaded and prints the top words. Safe to re-run: it starts afresh.

  --stack <name>         local stack (default dev)
  --via auto|pulumi|compose   how to bring the stack up (default auto)
  --lines <n>            sample lines to load (default 20000)
  --seed <n>             sample seed (default 42)
  --top <n>              rows of the table (default 15)
  --keep-running         leave the job running at the end (default: stop it)
  -h, --help
Tear the stack down afterwards: npm run teardown
`;

const OPTIONS = {
  stack: { type: "string" }, via: { type: "string" }, lines: { type: "string" }, seed: { type: "string" },
  top: { type: "string" }, "keep-running": { type: "boolean" }, help: { type: "boolean", short: "h" },
} as const;

export async function main(argv: string[]): Promise<number> {
  const f = parseFlags(argv, OPTIONS);
  if (f.help) { process.stdout.write(USAGE); return EXIT.OK; }
  const via = ((f.via as string | undefined) ?? "auto") as UpVia;
  if (!["auto", "pulumi", "compose"].includes(via)) throw new UsageError(`--via ${via}: expected auto, pulumi or compose`);
  const top = intFlag("top", f.top, 15, 1, 1000);
  const started = Date.now();
  const s = steps(DEMO_STEPS);
  const result = await runDemo(
    { stack: (f.stack as string | undefined) ?? "dev", workDir: join(__dirname, ".."), via, lines: intFlag("lines", f.lines, 20_000, 1, 10_000_000), seed: intFlag("seed", f.seed, 42, 0), keepRunning: f["keep-running"] === true },
    { step: (title, work) => s.run(title, work), loadProgress: loadBar },
  );
  const exact = sameCounts(result.counts, result.expected);
  const topics = topicsOf(DEMO_NAME);
  process.stdout.write(`\nTop ${top} words of ${topics.lines}, as counted by Spark (topic ${topics.counts}):\n${wordTable(result.counts, top)}\n\n`);
  process.stdout.write(`${table(["demo", "result"], [
    ["records loaded", result.load.records.toLocaleString("en-US")],
    ["load records/s", Math.round(result.load.recordsPerSecond).toLocaleString("en-US")],
    ["counts complete after the load", `${result.catchUpSeconds.toFixed(1)} s`],
    ["words counted = words loaded", exact ? "yes" : "NO"],
    ["demo wall time", `${((Date.now() - started) / 1000).toFixed(1)} s`],
  ])}\n\n`);
  process.stdout.write("More: npm run results -- --topic demo-counts --follow | npm run load -- --topic demo-lines --file <text> | tear down: npm run teardown\n");
  return exact ? EXIT.OK : EXIT.RESULTS;
}

if (require.main === module) runCli("demo", () => main(process.argv.slice(2)));
