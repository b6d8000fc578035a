/**
 * The two maintainer commands that regenerate files from one source (compose file from the
 * topology, README config table from the schema) run through the same CLI runner as the others:
 * output written where it belongs, failures as the documented exit codes, stray arguments refused.
 */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync, mkdirSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import type { CommandDeps } from "../scripts/cli";
import * as composeGenerate from "../scripts/compose-generate";
import * as configTable from "../scripts/config-table";
import { COMPOSE_FILE } from "../stacks/local/compose";
import { TABLE_END, TABLE_START } from "../stacks/configDocs";

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

describe("npm run docs:config", () => {
  test("rewrites the table between the markers and leaves the rest of the README as it was", async () => {
    const dir = workDir(["README.md"]);
    const before = readFileSync(join(dir, "README.md"), "utf8");
    const start = before.indexOf(TABLE_START);
    const end = before.indexOf(TABLE_END);
    expect([start > 0, end > start]).toEqual([true, true]);
    writeFileSync(join(dir, "README.md"), `${before.slice(0, start)}${TABLE_START}\nstale\n${before.slice(end)}`);
    const r = await run("docs:config", configTable.main, [], dir);
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, "README.md"), "utf8")).toBe(before);
  });

  test("a README without the markers: exit 2, saying which two lines to add", async () => {
    const dir = workDir([]);
    writeFileSync(join(dir, "README.md"), "# no table here\n");
    const r = await run("docs:config", configTable.main, [], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("README.md has no config table markers");
    expect(readFileSync(join(dir, "README.md"), "utf8")).toBe("# no table here\n");
  });
});
