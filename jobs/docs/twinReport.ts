/**
 * What the HDInsight 5.1 twin showed: its live test's run (tests/results/twin.json: versions as the
 * services reported them, the commands run and their exit codes, counts, notebooks) and its
 * budgets as `npm run bench -- --only twin` measured them (bench/results.json), beside the local
 * stack's start from the same file.
 */
import { existsSync, readFileSync } from "node:fs";
import { markdownTable } from "../util/table";
import type { BenchResults } from "./benchReport";

interface TwinResults {
  date: string;
  healthySeconds: number;
  versions: Record<string, string>;
  commands: { command: string; exitCode: number; seconds: number }[];
  counts: { what: string; sent: number; inTopic: number; exact: boolean }[];
  notebooks: { notebook: string; kernel: string; seconds: number }[];
}

export interface TwinBench {
  date: string;
  machine: { cpus: number; memoryGiB: number };
  coldBuildSeconds: number;
  unchangedBuildSeconds: number;
  downToHealthySeconds: number;
  peakMemoryMiB: number;
  idleMemoryMiB: number;
  memoryLimitsMiB: number;
  steps: Record<string, number>;
}

const NOT_RUN = "_Not run yet: tests/twin.live.test.ts writes tests/results/twin.json._";
const read = <T>(path: string): T | undefined => (existsSync(path) ? JSON.parse(readFileSync(path, "utf8")) as T : undefined);
const gib = (mib: number) => `${(mib / 1024).toFixed(1)} GiB`;
const verdict = (value: number, budget: number) => (value <= budget ? "met" : "not met");

/** docs/azure.md's account of the twin: versions, commands, counts, notebooks, budgets. */
export function twinRun(testPath: string, benchPath: string): string {
  const r = read<TwinResults>(testPath);
  if (!r) return NOT_RUN;
  const versions = markdownTable(["component", "reported by the running twin"], Object.entries(r.versions).map(([k, v]) => [k, v]), ["left", "left"]);
  const commands = markdownTable(["command (the Azure path, `--stack twin`)", "exit"], r.commands.map((c) => [`\`${c.command.length > 110 ? `${c.command.slice(0, 107)}...` : c.command}\``, String(c.exitCode)]), ["left", "right"]);
  const counts = markdownTable(["what", "words or records sent", "counted or in the topic", "exact"], r.counts.map((c) => [c.what, c.sent.toLocaleString("en-US"), c.inTopic.toLocaleString("en-US"), c.exact ? "yes" : "NO"]), ["left", "right", "right", "left"]);
  const notebooks = markdownTable(["notebook", "kernel", "run headless"], r.notebooks.map((n) => [n.notebook, n.kernel, `${n.seconds.toFixed(1)} s`]), ["left", "left", "right"]);
  return [versions, commands, counts, `Notebooks, uploaded by \`npm run notebook -- --stack twin\` and executed through sparkmagic and Livy (nbconvert on the Spark head node):\n\n${notebooks}`,
    `Run of ${r.date} (tests/twin.live.test.ts).`, twinBudgets(benchPath)].join("\n\n");
}

/** The budgets, measured, beside the local stack's own start. */
export function twinBudgets(benchPath: string): string {
  const b = read<BenchResults & { twin?: TwinBench }>(benchPath);
  const t = b?.twin;
  if (!t) return "_Budgets not measured yet: npm run bench -- --only twin._";
  const lab = b?.warm ? Number.parseFloat(Object.values(b.warm.stackDown.steps)[0] ?? "NaN") : NaN;
  const rows: string[][] = [
    ["its image, from the base image alone", `${t.coldBuildSeconds} s`, "<= 360 s", verdict(t.coldBuildSeconds, 360)],
    ["`docker build` with nothing changed", `${t.unchangedBuildSeconds} s`, "<= 1 s", verdict(t.unchangedBuildSeconds, 1)],
    [`down -> healthy${Number.isNaN(lab) ? "" : ` (the local stack: ${lab} s)`}`, `${t.downToHealthySeconds} s`, "<= 60 s", verdict(t.downToHealthySeconds, 60)],
    ["memory of its containers, healthy and idle", gib(t.idleMemoryMiB), "", ""],
    ["memory at peak (the word count, the notebooks)", gib(t.peakMemoryMiB), "<= 10 GiB", verdict(t.peakMemoryMiB, 10240)],
  ];
  return `${markdownTable(["budget", "measured", "goal", ""], rows, ["left", "right", "right", "left"])}\n\nMeasured ${t.date} on ${t.machine.cpus} cores, ${t.machine.memoryGiB} GiB (npm run bench -- --only twin; the containers' limits add up to ${gib(t.memoryLimitsMiB)}).`;
}

/** The README's lines on the twin. */
export function twinSummary(testPath: string, benchPath: string): string {
  const r = read<TwinResults>(testPath);
  const t = read<BenchResults & { twin?: TwinBench }>(benchPath)?.twin;
  if (!r) return NOT_RUN;
  const exact = r.counts.every((c) => c.exact);
  const measured = t ? `healthy ${t.downToHealthySeconds} s after \`up\` (its image built), ${gib(t.peakMemoryMiB)} of memory at peak` : "its budgets not measured yet";
  return `Cost US$ 0; ${measured}. In CI (${r.date}) the Azure path ran on it: ${r.commands.length} commands, counts ${exact ? "exact" : "NOT exact"}, ${r.notebooks.length} notebooks through sparkmagic and Livy (kernel \`${r.notebooks[0]?.kernel ?? "?"}\`).`;
}
