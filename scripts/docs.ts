// npm run docs: rewrites every generated section of README.md and docs/*.md from its one source
// (jobs/docs/sections.ts: the config schema, the exit codes, the commands' specs, measured results,
// the tree), so the documented keys, codes, commands, figures and files are the ones the code has.
// `--check` changes nothing and exits 2 when a section is stale.
import { EXIT, UsageError } from "../lib/errors";
import { type CommandDoc, regenerateDocs } from "../jobs/docs/sections";
import { defineCommand, runCli } from "../jobs/cli/command";
import { brokers } from "./brokers";
import { cost } from "./cost";
import { demo } from "./demo";
import { extend } from "./extend";
import { load } from "./load";
import { notebook } from "./notebook";
import { results } from "./results";
import { status } from "./status";
import { submit } from "./submit";
import { teardown } from "./teardown";
import { topics } from "./topics";
import { wordcount } from "./wordcount";

/** The user's commands, in the README table's order. */
export const USER_COMMANDS: readonly CommandDoc[] = [demo, wordcount, topics, load, submit, results, notebook, brokers, status, cost, teardown, extend].map((c) => c.spec);

export const docs = defineCommand({
  name: "docs",
  usage: `Usage: npm run docs [-- --check]

Rewrites the generated sections of README.md and docs/*.md (between their markers) from the config
schema, the exit-code table, the commands' specs, bench/results.json, the tests' results and the
source tree. --check: change nothing, list stale sections.
`,
  exits: ["USAGE"],
  options: { check: { type: "boolean" } },
  async run(f, c) {
    const stale = regenerateDocs(c.deps.workDir, USER_COMMANDS, { check: f.check === true });
    if (f.check && stale.length) throw new UsageError(`generated sections are stale in ${stale.join(", ")}: run npm run docs`);
    c.out(stale.length ? `${f.check ? "stale" : "updated"}: ${stale.join(", ")}\n` : "every generated section is current\n");
    return EXIT.OK;
  },
});

export const { main, USAGE } = docs;

if (require.main === module) runCli(docs, "docs");
