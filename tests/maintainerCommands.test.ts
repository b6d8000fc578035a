/**
 * The two maintainer commands that regenerate files from one source (compose file from the
 * topology, the docs' generated sections from their sources) run through the same CLI runner as the others:
 * output written where it belongs, failures as the documented exit codes, stray arguments refused.
 */
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import type { CommandDeps } from "../scripts/cli";
import * as composeGenerate from "../scripts/compose-generate";
import * as configTable from "../scripts/docs";
import { markers } from "../scripts/docs";
import { COMPOSE_FILE } from "../stacks/local/compose";

const ROOT = join(__dirname, "..");

async function run(_name: string, main: (argv: string[], overrides: Partial<CommandDeps>) => Promise<number>, argv: string[], root: string) {
  let stdout = "", stderr = "";
  const code = await main(argv, { stdout: { write: (t: string) => { stdout += t; } }, stderr: { write: (t: string) => { stderr += t; } }, workDir: root });
  return { code, stdout, stderr };
}

function workDir(files: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), "maintainer-"));
  mkdirSync(join(dir, "stacks", "local"), { recursive: true });
  for (const f of files) copyFileSync(join(ROOT, f), join(dir, f));
  return dir;
}

describe("npm run compose:generate", () => {
  test("writes the same compose file as the repository's, from Pulumi.dev.yaml", async () => {
    const dir = workDir(["Pulumi.dev.yaml"]);
    const r = await run("compose:generate", composeGenerate.main, [], dir);
    expect(r).toMatchObject({ code: 0, stdout: `${COMPOSE_FILE} written.\n` });
    expect(readFileSync(join(dir, COMPOSE_FILE), "utf8")).toBe(readFileSync(join(ROOT, COMPOSE_FILE), "utf8"));
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
    // The sources of the generated figures: the benchmarks', the fault and notebook tests', and the last CI run's results.
    for (const f of [join("bench", "results.json"), ...["faults", "notebooks", "ci-time"].map((r) => join("tests", "results", `${r}.json`))]) copyFileSync(join(ROOT, f), join(dir, f));
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
    const r = await run("docs", configTable.main, [], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("updated: docs/configuration.md\n");
    expect(readFileSync(file, "utf8")).toBe(before);
  });

  test("--check lists a stale section, exits 2 and writes nothing", async () => {
    const dir = docsRoot();
    const { file } = staleConfigTable(dir);
    const stale = readFileSync(file, "utf8");
    const r = await run("docs", configTable.main, ["--check"], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("generated sections are stale in docs/configuration.md: run npm run docs");
    expect(readFileSync(file, "utf8")).toBe(stale);
  });

  test("a section of a name nobody generates: exit 2, naming it, nothing written", async () => {
    const dir = docsRoot();
    const { start, end } = markers("no-such-table");
    writeFileSync(join(dir, "README.md"), `# x\n${start}\nold\n${end}\n`);
    const r = await run("docs", configTable.main, [], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('README.md: no generated section is called "no-such-table"');
    expect(readFileSync(join(dir, "README.md"), "utf8")).toContain("old");
  });
});
