/**
 * The house rules of docs/development.md, checked on the sources: arrows one way between the
 * layers, no import circle, jobs/ by concern (at most 10 files at its top, each folder opening with
 * a README that says what it owns).
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { dirname, join } from "path";
import { importCircles, importGraph, layerViolations } from "./support/importGraph";

const ROOT = join(__dirname, "..");
const graph = importGraph(ROOT);

test("the graph is read: every layer's files, and the arrows the commands are known to have", () => {
  const files = [...graph.keys()];
  for (const layer of ["lib/", "stacks/", "jobs/", "scripts/", "bench/"]) expect(files.some((f) => f.startsWith(layer))).toBe(true);
  expect(graph.get("index.ts")).toEqual(expect.arrayContaining(["stacks/loadConfig.ts", "stacks/local/index.ts"]));
  expect(graph.get("scripts/demo.ts")).toEqual(expect.arrayContaining(["jobs/wordcount/demo.ts", "jobs/cli/command.ts"]));
  expect(graph.get("jobs/kafka/loader/index.ts")).toEqual(expect.arrayContaining(["jobs/kafka/loader/pool.ts", "lib/errors.ts"]));
  expect(graph.get("jobs/kafka/loader/pool.ts")).toContain("jobs/kafka/loader/worker.js");
});

test("arrows run one way: index.ts -> stacks/ -> lib/; scripts/, bench/ -> jobs/ -> stacks/ -> lib/", () => {
  expect(layerViolations(graph)).toEqual([]);
});

test("no import circle (type imports included)", () => {
  expect(importCircles(graph)).toEqual([]);
});

test("the checks find what they look for, on a tree that breaks each rule", () => {
  const root = mkdtempSync(join(tmpdir(), "layers-"));
  try {
    const put = (path: string, text: string) => {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    };
    put("lib/base.ts", 'import type { X } from "../jobs/x";\n');
    put("jobs/x.ts", 'export type X = 1;\nimport { y } from "./y";\n');
    put("jobs/y.ts", 'export const y = 1;\nimport "./x";\nconst c = () => import("../scripts/cli");\n');
    put("scripts/cli.ts", 'import { run } from "../bench/run";\n');
    put("bench/run.ts", 'export const run = require("../jobs/y");\n');
    put("stacks/s.ts", 'export { X } from "../jobs/x";\n');
    const g = importGraph(root);
    expect(layerViolations(g).sort()).toEqual([
      "jobs/y.ts -> scripts/cli.ts (jobs may not import scripts)",
      "lib/base.ts -> jobs/x.ts (lib may not import jobs)",
      "scripts/cli.ts -> bench/run.ts (scripts may not import bench)",
      "stacks/s.ts -> jobs/x.ts (stacks may not import jobs)",
    ]);
    expect(importCircles(g)).toEqual([["bench/run.ts", "jobs/x.ts", "jobs/y.ts", "scripts/cli.ts"]]);
    put("jobs/z.ts", 'import { gone } from "./missing";\n');
    expect(() => importGraph(root)).toThrow("jobs/z.ts: import ./missing resolves to no source file");
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

/** The folders of jobs/ and lib/, down to the Spark application's own project (its Maven layout is its own). */
function folders(dir: string): string[] {
  const below = readdirSync(join(ROOT, dir)).filter((e) => statSync(join(ROOT, dir, e)).isDirectory() && e !== "target");
  return [dir, ...(dir === "jobs/spark-app" ? [] : below.flatMap((e) => folders(`${dir}/${e}`)))];
}

test("jobs/ is grouped by concern: at most 10 files at its top", () => {
  const top = readdirSync(join(ROOT, "jobs")).filter((e) => /\.(ts|js)$/.test(e));
  expect(top.length).toBeGreaterThan(0);
  expect(top.length).toBeLessThanOrEqual(10);
});

test.each([...folders("lib"), ...folders("jobs")])("%s/ opens with a README that says what it owns", (dir) => {
  const readme = join(ROOT, dir, "README.md");
  expect(existsSync(readme)).toBe(true);
  const [title, blank, ...body] = readFileSync(readme, "utf8").split("\n");
  expect(title).toBe(`# ${dir}/`);
  expect(blank).toBe("");
  expect(body.join(" ").trim().length).toBeGreaterThan(60);
});

test("no source file over 400 lines outside tests", () => {
  const sources = (dir: string): string[] => readdirSync(join(ROOT, dir)).flatMap((e) => {
    const path = `${dir}/${e}`;
    if (["node_modules", "target", ".git"].includes(e)) return [];
    if (statSync(join(ROOT, path)).isDirectory()) return sources(path);
    return /\.(ts|js|mjs|sh|py|java)$/.test(e) ? [path] : [];
  });
  const lines = [...["index.ts"], ...["lib", "stacks", "jobs", "scripts", "bench", ".ci"].flatMap(sources)]
    .map((f) => ({ f, n: readFileSync(join(ROOT, f), "utf8").split("\n").length - 1 }));
  expect(lines.length).toBeGreaterThan(100);
  expect(lines.filter(({ n }) => n > 400).map(({ f, n }) => `${f}: ${n} lines`)).toEqual([]);
});

test("comments and messages name only files that exist, and cite a URL or a doc in the repo (no list outside it)", () => {
  const walk = (d: string): string[] => readdirSync(join(ROOT, d)).flatMap((e) =>
    ["node_modules", "target", ".git", "out"].includes(e) ? [] : statSync(join(ROOT, d, e)).isDirectory() ? walk(`${d}/${e}`) : [`${d}/${e}`]);
  // This file's own rule checks run on a made-up tree, whose paths exist only there.
  const files = ["index.ts", ...["lib", "stacks", "jobs", "scripts", "bench", "tests", ".ci"].flatMap(walk)]
    .filter((f) => /\.(ts|js|sh|py|java|xml)$|\/run$/.test(f) && f !== "tests/architecture.test.ts");
  expect(files.length).toBeGreaterThan(150);
  const named = files.flatMap((f) => [...readFileSync(join(ROOT, f), "utf8").matchAll(/(?<![\w./-])((?:lib|stacks|jobs|scripts|bench|tests|docs|notebooks)\/[\w./-]*[A-Za-z0-9])/g)]
    .map((m) => ({ f, path: m[1] })));
  expect(named.length).toBeGreaterThan(100);
  expect(named.filter(({ path }) => !existsSync(join(ROOT, path))).map(({ f, path }) => `${f}: ${path}`)).toEqual([]);
  expect(files.filter((f) => /\bREFERENCE\b/.test(readFileSync(join(ROOT, f), "utf8")))).toEqual([]);
});
