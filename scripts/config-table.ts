// Rewrites the configuration table in README.md from the schema (stacks/config.ts).
import { readFileSync, writeFileSync } from "fs";
import { join } from "path";
import { renderConfigTable, TABLE_END, TABLE_START } from "../stacks/configDocs";

const readmePath = join(__dirname, "..", "README.md");
const readme = readFileSync(readmePath, "utf8");
const start = readme.indexOf(TABLE_START);
const end = readme.indexOf(TABLE_END);
if (start < 0 || end < start) {
  console.error(`README.md has no config table markers; add these two lines where the table goes:\n${TABLE_START}\n${TABLE_END}`);
  process.exit(1);
}
writeFileSync(readmePath, readme.slice(0, start) + renderConfigTable() + readme.slice(end + TABLE_END.length));
console.log("README.md configuration table updated.");
