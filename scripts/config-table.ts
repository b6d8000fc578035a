// npm run docs:config: rewrites the configuration table in README.md from the config schema.
import { readFileSync, writeFileSync } from "fs";
import { join } from "path";
import { renderConfigTable, TABLE_END, TABLE_START } from "../stacks/configDocs";
import { EXIT, parseFlags, runCli, UsageError } from "./cli";

export const USAGE = `Usage: npm run docs:config

Rewrites the configuration table in README.md (between its two markers) from the config schema,
so the documented keys, defaults and rules are the ones the program checks.
Exit codes: 0 written, 2 usage or README.md without the markers.
`;

export async function main(argv: string[], write: (t: string) => unknown = (t) => process.stdout.write(t), root = join(__dirname, "..")): Promise<number> {
  if (parseFlags(argv, { help: { type: "boolean", short: "h" } }).help) { write(USAGE); return EXIT.OK; }
  const readmePath = join(root, "README.md");
  const readme = readFileSync(readmePath, "utf8");
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start) {
    throw new UsageError(`README.md has no config table markers; add these two lines where the table goes:\n${TABLE_START}\n${TABLE_END}`);
  }
  writeFileSync(readmePath, readme.slice(0, start) + renderConfigTable() + readme.slice(end + TABLE_END.length));
  write("README.md configuration table updated.\n");
  return EXIT.OK;
}

if (require.main === module) runCli("docs:config", () => main(process.argv.slice(2)));
