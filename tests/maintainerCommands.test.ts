/**
 * The two maintainer commands that regenerate files from one source (compose file from the
 * topology, the docs' generated sections from their sources) run through the same CLI runner as the others:
 * output written where it belongs, failures as the documented exit codes, stray arguments refused.
 */
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync, mkdirSync } from "fs";
import { tmpdir } from "os";
import execa from "execa";
import { join } from "path";
import type { CommandDeps } from "../jobs/cli/command";
import * as composeGenerate from "../scripts/compose-generate";
import * as configTable from "../jobs/docs/sections";
import { main as docsMain } from "../scripts/docs";
import { markers } from "../jobs/docs/sections";
import { COMPOSE_FILE } from "../stacks/local/compose";
import { TWIN_COMPOSE_FILE } from "../stacks/twin/compose";
import { runMain } from "./support/commands";

const ROOT = join(__dirname, "..");

async function run(_name: string, main: (argv: string[], overrides: Partial<CommandDeps>) => Promise<number>, argv: string[], root: string) {
  const { exitCode: code, stdout, stderr } = await runMain(main, argv, { workDir: root });
  return { code, stdout, stderr };
}

function workDir(files: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), "maintainer-"));
  mkdirSync(join(dir, "stacks", "local"), { recursive: true });
  mkdirSync(join(dir, "stacks", "twin"), { recursive: true });
  for (const f of files) copyFileSync(join(ROOT, f), join(dir, f));
  return dir;
}

describe("npm run compose:generate", () => {
  test("writes the same compose files as the repository's, from Pulumi.dev.yaml and Pulumi.twin.yaml", async () => {
    const dir = workDir(["Pulumi.dev.yaml", "Pulumi.twin.yaml"]);
    const r = await run("compose:generate", composeGenerate.main, [], dir);
    expect(r).toMatchObject({ code: 0, stdout: `${COMPOSE_FILE} written.\n${TWIN_COMPOSE_FILE} written.\n` });
    expect(readFileSync(join(dir, COMPOSE_FILE), "utf8")).toBe(readFileSync(join(ROOT, COMPOSE_FILE), "utf8"));
    expect(readFileSync(join(dir, TWIN_COMPOSE_FILE), "utf8")).toBe(readFileSync(join(ROOT, TWIN_COMPOSE_FILE), "utf8"));
  });

  test("without a local Pulumi.dev.yaml: exit 9, nothing written", async () => {
    const dir = workDir([]);
    const r = await run("compose:generate", composeGenerate.main, [], dir);
    expect(r.code).toBe(9);
    expect(r.stderr).toContain("compose:generate: error: Pulumi.dev.yaml is missing or is not a local stack");
    expect(() => readFileSync(join(dir, COMPOSE_FILE))).toThrow();
  });

  test("a stray argument is refused without being echoed: exit 2", async () => {
    const r = await run("compose:generate", composeGenerate.main, ["hunter2"], workDir(["Pulumi.dev.yaml"]));
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain("hunter2");
    expect(r.stderr).toContain("See: npm run compose:generate -- --help");
  });
});

describe("npm run docs", () => {
  function docsRoot(): string {
    const dir = workDir(["README.md"]);
    for (const d of ["docs", "bench", join("tests", "results")]) mkdirSync(join(dir, d), { recursive: true });
    for (const f of readdirSync(join(ROOT, "docs"))) copyFileSync(join(ROOT, "docs", f), join(dir, "docs", f));
    // The sources of the generated figures: the benchmarks', the fault, notebook and twin tests', and the last CI run's results.
    for (const f of [join("bench", "results.json"), ...["faults", "notebooks", "ci-time", "twin"].map((r) => join("tests", "results", `${r}.json`))]) copyFileSync(join(ROOT, f), join(dir, f));
    return dir;
  }
  const staleConfigTable = (dir: string) => {
    const file = join(dir, "docs", "configuration.md");
    const before = readFileSync(file, "utf8");
    const { start, end } = markers("config-table");
    writeFileSync(file, `${before.slice(0, before.indexOf(start) + start.length)}\nstale\n${before.slice(before.indexOf(end))}`);
    return { file, before };
  };

  test("rewrites a stale section between its markers and leaves the rest of the file as it was", async () => {
    const dir = docsRoot();
    const { file, before } = staleConfigTable(dir);
    const r = await run("docs", docsMain, [], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("updated: docs/configuration.md\n");
    expect(readFileSync(file, "utf8")).toBe(before);
  });

  test("--check lists a stale section, exits 2 and writes nothing", async () => {
    const dir = docsRoot();
    const { file } = staleConfigTable(dir);
    const stale = readFileSync(file, "utf8");
    const r = await run("docs", docsMain, ["--check"], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("generated sections are stale in docs/configuration.md: run npm run docs");
    expect(readFileSync(file, "utf8")).toBe(stale);
  });

  test("a section of a name nobody generates: exit 2, naming it, nothing written", async () => {
    const dir = docsRoot();
    const { start, end } = markers("no-such-table");
    writeFileSync(join(dir, "README.md"), `# x\n${start}\nold\n${end}\n`);
    const r = await run("docs", docsMain, [], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('README.md: no generated section is called "no-such-table"');
    expect(readFileSync(join(dir, "README.md"), "utf8")).toContain("old");
  });
});

describe("CI's time, as .ci/summary.js records it and npm run docs renders it", () => {
  const JEST = { startTime: 0, success: true, numTotalTests: 2, numPassedTests: 2, numFailedTests: 0, numRuntimeErrorTestSuites: 0, numPendingTests: 0, numTodoTests: 0,
    testResults: [{ name: "/x/tests/a.test.ts", startTime: 0, endTime: 5000 }, { name: "/x/tests/gateway.live.test.ts", startTime: 0, endTime: 60000 }] };

  /** Runs .ci/summary.js from a copy of .ci in `dir` (it writes ../tests/results/ci-time.json there). */
  async function summary(dir: string, phases: object): Promise<Record<string, { ciSeconds: number; files: { name: string }[] } | undefined>> {
    writeFileSync(join(dir, "jest.json"), JSON.stringify(JEST));
    await execa("node", [join(dir, ".ci", "summary.js"), join(dir, "jest.json")], { env: { CI_PHASES: JSON.stringify(phases) } });
    return JSON.parse(readFileSync(join(dir, "tests", "results", "ci-time.json"), "utf8"));
  }

  test("a run that built the node image and one that had it are kept apart; each replaces only its own kind; both are rendered", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ci-time-"));
    mkdirSync(join(dir, ".ci"));
    mkdirSync(join(dir, "tests", "support"), { recursive: true });
    copyFileSync(join(ROOT, ".ci", "summary.js"), join(dir, ".ci", "summary.js"));
    copyFileSync(join(ROOT, "tests", "support", "sequencer.js"), join(dir, "tests", "support", "sequencer.js"));
    symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
    const phases = { npmCiSeconds: 20, dockerSeconds: 0, testCommandSeconds: 900 };
    expect(Object.keys(await summary(dir, { nodeImageCached: false, ciSeconds: 1300, ...phases }))).toEqual(["imageBuilt"]);
    const both = await summary(dir, { nodeImageCached: true, ciSeconds: 1000, ...phases });
    expect([both.imageCached?.ciSeconds, both.imageBuilt?.ciSeconds]).toEqual([1000, 1300]);
    expect(both.imageCached?.files.map((f) => f.name)).toEqual(["gateway.live.test.ts", "the 1 unit and program files (beside the chain)"]);
    expect((await summary(dir, { nodeImageCached: true, ciSeconds: 990, ...phases })).imageBuilt?.ciSeconds).toBe(1300);

    const path = join(dir, "tests", "results", "ci-time.json");
    expect(configTable.ciTimeSummary(path)).toMatch(/in 16 min 30 s on \d+ cores \(\d{4}-\d\d-\d\d; 21 min 40 s on a machine that had never built the node image;/);
    const table = configTable.ciTimeTable(path);
    expect(table).toContain("With the node image already built: CI took 990 s (16 min 30 s)");
    expect(table).toContain("With the node image built in the run: CI took 1300 s (21 min 40 s)");
    expect(table).toMatch(/\| files +\| seconds, node image already built \| seconds, node image built in the run \|/);
    expect(table).toMatch(/\| gateway\.live\.test\.ts +\| +60 \| +60 \|/);
  });
});
