// npm run docs:config: rewrites the configuration table in README.md from the config schema.
import { readFileSync, writeFileSync } from "fs";
import { join } from "path";
import { renderConfigTable, TABLE_END, TABLE_START } from "../stacks/configDocs";
import { EXIT, UsageError } from "../jobs/errors";
import { defineCommand, runCli } from "./cli";

const usage = `Usage: npm run docs:config

Rewrites the configuration table in README.md (between its two markers) from the config schema,
so the documented keys, defaults and rules are the ones the program checks.
`;

export const configTable = defineCommand({
  name: "docs:config",
  usage,
  exits: ["USAGE"],
  options: {},
  async run(_f, c) {
    const readmePath = join(c.deps.workDir, "README.md");
    const readme = readFileSync(readmePath, "utf8");
    const start = readme.indexOf(TABLE_START);
    const end = readme.indexOf(TABLE_END);
    if (start < 0 || end < start) {
      throw new UsageError(`README.md has no config table markers; add these two lines where the table goes:\n${TABLE_START}\n${TABLE_END}`);
    }
    writeFileSync(readmePath, readme.slice(0, start) + renderConfigTable() + readme.slice(end + TABLE_END.length));
    c.out("README.md configuration table updated.\n");
    return EXIT.OK;
  },
});

export const { main, USAGE } = configTable;

if (require.main === module) runCli(configTable, "docs:config");
