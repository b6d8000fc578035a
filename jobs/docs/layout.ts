/**
 * docs/development.md's "where things are", from the tree itself: each folder that opens with a
 * README, the first paragraph of that README, and the files the folder holds now. A new folder
 * appears there once it has its README (tests/architecture.test.ts asks one of every folder in
 * jobs/ and lib/).
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

/** This repository: the layout describes the code it is part of. */
const REPO = join(__dirname, "..", "..");

/** The folders described, in reading order, and folders whose contents are their own (not walked). */
const TOPS = ["lib", "stacks", "jobs", "scripts", "bench", "tests", "notebooks"];
const NOT_WALKED = new Set(["stacks/local/image", "jobs/spark-app", "tests/results", "tests/fixtures", "node_modules"]);

const isDir = (p: string) => statSync(p).isDirectory();

function walk(root: string, dir: string): string[] {
  if (NOT_WALKED.has(dir)) return [dir];
  const below = readdirSync(join(root, dir)).sort().filter((e) => isDir(join(root, dir, e)) && !e.startsWith(".") && e !== "target");
  return [dir, ...below.flatMap((e) => walk(root, `${dir}/${e}`))];
}

/** A README's first paragraph after its title, on one line. */
export function firstParagraph(text: string): string {
  const lines = text.split("\n");
  const start = lines.findIndex((l, i) => i > 0 && l.trim() !== "" && !l.startsWith("#"));
  if (start === -1) return "";
  const end = lines.findIndex((l, i) => i > start && l.trim() === "");
  return lines.slice(start, end === -1 ? undefined : end).join(" ").replace(/\s+/g, " ").trim();
}

/** The layout of the repository at `root` (default: this one): a list, one item a folder, readable raw. */
export function layoutTable(root = REPO): string {
  return TOPS.flatMap((top) => walk(root, top))
    .filter((dir) => existsSync(join(root, dir, "README.md")))
    .map((dir) => {
      const entries = readdirSync(join(root, dir)).sort().filter((e) => e !== "README.md" && e !== "target");
      const listed = entries.map((e) => (isDir(join(root, dir, e)) ? `${e}/` : e)).filter((e) => NOT_WALKED.has(dir) || !e.endsWith("/"));
      const depth = dir.split("/").length - 1;
      return `${"  ".repeat(depth)}- **\`${dir}/\`** ${firstParagraph(readFileSync(join(root, dir, "README.md"), "utf8"))}\n${"  ".repeat(depth + 1)}${listed.map((f) => `\`${f}\``).join(" ")}`;
    })
    .join("\n");
}
