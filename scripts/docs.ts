// npm run docs: rewrites every generated section of README.md and docs/*.md from its one source
// (jobs/docs/sections.ts), so the documented keys, codes, figures and files are the ones the code
// has. `--check` changes nothing and exits 2 when a section is stale.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { EXIT, UsageError } from "../lib/errors";
import { docFiles, regenerate, sections } from "../jobs/docs/sections";
import { defineCommand, runCli } from "../jobs/cli/command";

export const docs = defineCommand({
  name: "docs",
  usage: `Usage: npm run docs [-- --check]

Rewrites the generated sections of README.md and docs/*.md (between their markers) from the config
schema, the exit-code table and bench/results.json. --check: change nothing, list stale sections.
`,
  exits: ["USAGE"],
  options: { check: { type: "boolean" } },
  async run(f, c) {
    const root = c.deps.workDir;
    const render = sections(root);
    const stale: string[] = [];
    for (const file of docFiles(root)) {
      const path = join(root, file);
      const before = readFileSync(path, "utf8");
      const after = regenerate(before, file, render);
      if (after === before) continue;
      stale.push(file);
      if (!f.check) writeFileSync(path, after);
    }
    if (f.check && stale.length) throw new UsageError(`generated sections are stale in ${stale.join(", ")}: run npm run docs`);
    c.out(stale.length ? `${f.check ? "stale" : "updated"}: ${stale.join(", ")}\n` : "every generated section is current\n");
    return EXIT.OK;
  },
});

export const { main, USAGE } = docs;

if (require.main === module) runCli(docs, "docs");
