/**
 * The generated sections of README.md and docs/*.md: each rendered from its one source (the config
 * schema, the exit-code table, bench/results.json, tests/results/*.json, the source tree), between
 * markers `<!-- generated: NAME (npm run docs) -->` and `<!-- end: NAME -->`.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderConfigTable } from "../../stacks/configDocs";
import { NODE_MEMORY } from "../../stacks/local/topology";
import { exitCodesLine, exitCodesTable, UsageError } from "../../lib/errors";
import type { Command } from "../cli/command";
import { markdownTable } from "../util/table";
import { benchmarksTable, benchSummary, type BenchResults } from "./benchReport";
import { layoutTable } from "./layout";
import { twinRun, twinSummary } from "./twinReport";
import { nodeEnvTable, nodePortsTable } from "./nodeImage";

/** A section's markers: `<!-- generated: NAME (npm run docs) -->` ... `<!-- end: NAME -->`. */
export const markers = (name: string) => ({ start: `<!-- generated: ${name} (npm run docs) -->`, end: `<!-- end: ${name} -->` });

/** What a command's spec gives the docs (jobs/cli/command.ts `Command["spec"]`). */
export type CommandDoc = Command["spec"];

/** The README's command table: one row per user command, from each command's own summary. */
export function commandTable(commands: readonly CommandDoc[]): string {
  const rows = commands.filter((c) => c.summary).map((c) => `| ${c.summary!.usage} | ${c.summary!.does} |`);
  return ["| command | what it does |", "|---|---|", ...rows].join("\n");
}

/** Every generated section by name, rendered from the repository at `root` and the commands' specs. */
export function sections(root: string, commands: readonly CommandDoc[] = []): Record<string, () => string> {
  const bench = (): BenchResults => JSON.parse(readFileSync(join(root, "bench", "results.json"), "utf8"));
  return {
    "config-table": renderConfigTable,
    "exit-codes": exitCodesTable,
    benchmarks: () => benchmarksTable(bench()),
    "bench-summary": () => benchSummary(bench()),
    faults: () => faultsTable(join(root, "tests", "results", "faults.json")),
    "notebooks-run": () => notebooksRun(join(root, "tests", "results", "notebooks.json")),
    "notebooks-picture": () => notebooksPicture(join(root, "tests", "results", "notebooks.json")),
    "ci-time": () => ciTimeTable(join(root, "tests", "results", "ci-time.json")),
    "ci-summary": () => ciTimeSummary(join(root, "tests", "results", "ci-time.json")),
    "twin-run": () => twinRun(join(root, "tests", "results", "twin.json"), join(root, "bench", "results.json")),
    "twin-summary": () => twinSummary(join(root, "tests", "results", "twin.json"), join(root, "bench", "results.json")),
    layout: () => layoutTable(),
    "node-env": nodeEnvTable,
    "node-ports": nodePortsTable,
    commands: () => commandTable(commands),
    ...Object.fromEntries(commands.map((c) => [`exits-${c.name}`, () => exitCodesLine(c.exits).replace(/\s*\n\s*/g, " ")])),
  };
}

interface CiTimeRun {
  date: string;
  machine: { cpus: number; memoryGiB: number; node: string };
  ciSeconds: number;
  npmCiSeconds: number;
  dockerSeconds: number;
  testCommandSeconds: number;
  jestSeconds: number;
  files: { name: string; seconds: number }[];
  passed: number;
  failed: number;
}

/** The last CI run on a machine that had the node image, and the last one that built it (.ci/summary.js). */
interface CiTimeResults {
  imageCached?: CiTimeRun;
  imageBuilt?: CiTimeRun;
}

const minutes = (s: number) => `${Math.floor(s / 60)} min ${s % 60} s`;

/** README's one line on the last full CI runs. */
export function ciTimeSummary(path: string): string {
  if (!existsSync(path)) return "_Not run yet: bash .ci/run writes tests/results/ci-time.json._";
  const { imageCached: cached, imageBuilt: built } = JSON.parse(readFileSync(path, "utf8")) as CiTimeResults;
  const r = (cached ?? built)!;
  const first = cached && built ? `; ${minutes(built.ciSeconds)} on a machine that had never built the node image` : "";
  return `Its last full run: ${r.passed} passed, ${r.failed} failed, in ${minutes(r.ciSeconds)} on ${r.machine.cpus} cores (${r.date}${first}; [where the time goes](docs/tests.md#where-cis-time-goes)).`;
}

/** docs/tests.md's "where CI's time goes", from what .ci/summary.js wrote at the end of the last full CI runs. */
export function ciTimeTable(path: string): string {
  if (!existsSync(path)) return "_Not run yet: bash .ci/run writes tests/results/ci-time.json._";
  const r = JSON.parse(readFileSync(path, "utf8")) as CiTimeResults;
  const runs = ([["imageCached", "node image already built"], ["imageBuilt", "node image built in the run"]] as const).flatMap(([key, label]) => (r[key] ? [{ run: r[key]!, label }] : []));
  const said = runs.map(({ run, label }) => `With the ${label}: CI took ${run.ciSeconds} s (${minutes(run.ciSeconds)}) on a fresh clone, ${run.date}, ${run.machine.cpus} cores, ${run.machine.memoryGiB} GiB, Node ${run.machine.node}: \`npm ci\` ${run.npmCiSeconds} s and, at the same time, the Docker engine and base image ${run.dockerSeconds} s, the test command ${run.testCommandSeconds} s (jest ${run.jestSeconds} s; ${run.passed} passed, ${run.failed} failed).`);
  const names = [...new Set(runs.flatMap(({ run }) => run.files.map((f) => f.name)))];
  const rows = names.map((name) => [name, ...runs.map(({ run }) => String(run.files.find((f) => f.name === name)?.seconds ?? "-"))]);
  const table = markdownTable(["files", ...runs.map(({ label }) => `seconds, ${label}`)], rows, ["left", ...runs.map(() => "right" as const)]);
  return `${said.join("\n\n")}\n\nIn jest, wall-clock time per file: the chain's files one after another, the rest beside them.\n\n${table}`;
}

interface FaultsResults {
  date: string;
  machine: { cpus: number; memoryGiB: number; node: string };
  outcomes: { scenario: string; checked: string; result: string; recoverySeconds: number | null }[];
}

/** docs/faults.md's table, from what tests/faults.live.test.ts wrote in its last run. */
export function faultsTable(path: string): string {
  if (!existsSync(path)) return "_Not run yet: npm run test:faults writes tests/results/faults.json._";
  const r = JSON.parse(readFileSync(path, "utf8")) as FaultsResults;
  const rows = r.outcomes.map((o) => [o.scenario, o.checked, o.result, o.recoverySeconds === null ? "-" : `${o.recoverySeconds.toFixed(1)} s`]);
  return `${markdownTable(["scenario", "what was checked", "result", "time to recover"], rows, ["left", "left", "left", "right"])}\n\nRun of ${r.date} on ${r.machine.cpus} cores, ${r.machine.memoryGiB} GiB, Node ${r.machine.node} (tests/faults.live.test.ts).`;
}

interface NotebooksResults {
  date: string;
  machine: { cpus: number; memoryGiB: number; node: string };
  runs: { notebook: string; input: string; shown: string; seconds: number }[];
  table: string;
  memory?: { serverMb: number; kernelPeakMb: number };
}

/** What the notebooks showed in tests/notebooks.live.test.ts's last run: a table, and notebook 2's final table as it printed it. */
const NOTEBOOKS_NOT_RUN = "_Not run yet: npm run test:live writes tests/results/notebooks.json._";
const readNotebooksResults = (path: string): NotebooksResults | undefined => (existsSync(path) ? JSON.parse(readFileSync(path, "utf8")) as NotebooksResults : undefined);

export function notebooksRun(path: string): string {
  const r = readNotebooksResults(path);
  if (!r) return NOTEBOOKS_NOT_RUN;
  const rows = r.runs.map((n) => [n.notebook, n.input, n.shown, `${n.seconds.toFixed(1)} s`]);
  const top = r.table.split("\n").slice(0, 9).join("\n");
  const limits = `Memory limits (stacks/local/topology.ts): the master ${NODE_MEMORY.master.limitMb} MB, each worker ${NODE_MEMORY.worker.limitMb} MB, ${((NODE_MEMORY.master.limitMb + 2 * NODE_MEMORY.worker.limitMb) / 1024).toFixed(1)} GiB for the default three nodes.`;
  const memory = r.memory ? `\n\nMemory measured while notebook 2 ran (resident, peak): the kernel ${r.memory.kernelPeakMb} MB (ipykernel and its Spark driver JVM), the Jupyter server ${r.memory.serverMb} MB. ${limits}` : `\n\n${limits}`;
  return `${markdownTable(["notebook", "input", "shown", "run headless"], rows, ["left", "left", "left", "right"])}${memory}\n\nNotebook 2's last table (top words), as it printed it:\n\n\`\`\`text\n${top}\n...\n\`\`\`\n\nRun of ${r.date} on ${r.machine.cpus} cores, ${r.machine.memoryGiB} GiB (tests/notebooks.live.test.ts, nbconvert in the master).`;
}

/** The README's picture of a run: notebook 2's last table, cut, and what it was checked against. */
export function notebooksPicture(path: string): string {
  const r = readNotebooksResults(path);
  if (!r) return NOTEBOOKS_NOT_RUN;
  const wordcount = r.runs.find((n) => n.notebook === "02-wordcount");
  return `\`\`\`text\n${r.table.split("\n").slice(0, 7).join("\n")}\n...\n\`\`\`\n\n02-wordcount's last table in a headless run of ${r.date}: ${wordcount?.shown ?? ""}.`;
}

/** The files that may hold generated sections. */
export const docFiles = (root: string) => ["README.md", ...readdirSync(join(root, "docs")).filter((f) => f.endsWith(".md")).map((f) => join("docs", f))];

/** The text with each generated section it holds replaced by the current rendering; an unknown section name is refused. */
export function regenerate(text: string, file: string, render: Record<string, () => string>): string {
  return text.replace(/<!-- generated: ([a-z:-]+) \(npm run docs\) -->\n[\s\S]*?<!-- end: \1 -->/g, (_m, name: string) => {
    if (!render[name]) throw new UsageError(`${file}: no generated section is called "${name}" (known: ${Object.keys(render).join(", ")})`);
    const { start, end } = markers(name);
    return `${start}\n${render[name]()}\n${end}`;
  });
}

/** Rewrites every stale generated section of the docs under `root` (unless `check`); the files that were stale. */
export function regenerateDocs(root: string, commands: readonly CommandDoc[], o: { check: boolean }): string[] {
  const render = sections(root, commands);
  const stale: string[] = [];
  for (const file of docFiles(root)) {
    const path = join(root, file);
    const before = readFileSync(path, "utf8");
    const after = regenerate(before, file, render);
    if (after === before) continue;
    stale.push(file);
    if (!o.check) writeFileSync(path, after);
  }
  return stale;
}
