/**
 * The project's shell scripts, read as files: each executed script parses and runs with `set -u`,
 * and none of them gives a variable the topology sets a default of its own (the topology,
 * stacks/local/topology.ts, is the one description of the cluster; the image refuses to guess).
 */
import execa from "execa";
import { readdirSync, readFileSync } from "fs";
import { join } from "path";
import { describeTopology } from "../stacks/local/topology";
const ROOT = join(__dirname, "..");

/** The repository's files, as a fresh clone has them (no git needed: test:unit runs on Node alone). */
const IGNORED = new Set([".git", "node_modules", "target", "./bin", "./coverage", ".ci/out"]);
const filesUnder = (dir: string): string[] => readdirSync(join(ROOT, dir), { withFileTypes: true })
  .filter((e) => !IGNORED.has(e.name) && !IGNORED.has(`${dir}/${e.name}`) && !IGNORED.has(join(dir, e.name)))
  .flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
const tracked = filesUnder(".").map((f) => f.replace(/^\.\//, ""));
const read = (f: string) => readFileSync(join(ROOT, f), "utf8");
/** Files run as programs: a bash or sh shebang (sourced files such as lab-env.sh have none). */
const scripts = tracked.filter((f) => /^#!.*\b(bash|sh)\b/.test(read(f).split("\n", 1)[0]));
const imageFiles = tracked.filter((f) => f.startsWith("stacks/local/image/") && !f.endsWith(".xml") && !f.endsWith(".md"));

test("the repository's shell scripts are found (the checks below are not run on nothing)", () => {
  expect(scripts).toEqual(expect.arrayContaining([".ci/run", "stacks/local/image/entrypoint.sh", "stacks/local/image/rootfs/usr/local/hadoop/bin/hdfs"]));
  expect(scripts.length).toBeGreaterThan(30);
});

test.each(scripts)("%s parses and runs with set -u", (file) => {
  expect(execa.sync("bash", ["-n", join(ROOT, file)], { reject: false }).stderr).toBe("");
  const options = read(file).split("\n").filter((l) => /^\s*set\s+(-[a-z]+|-o\s+\w+)/.test(l));
  expect(options.some((l) => /^\s*set\s+-[a-z]*u|-o\s+nounset/.test(l))).toBe(true);
});

test("no file of the image gives a variable the topology sets a default of its own", () => {
  const topology = describeTopology({ project: "kafka-spark-lab", stack: "dev" });
  const names = [...new Set(topology.nodes.flatMap((n) => Object.keys(n.env)))];
  expect(names).toEqual(expect.arrayContaining(["MASTER_HOST", "KAFKA_HEAP_MB", "NAMENODE_HEAP_MB", "YARN_NODEMANAGER_VCORES"]));
  const defaults = imageFiles.flatMap((file) =>
    read(file).split("\n").flatMap((line, i) =>
      names.filter((n) => new RegExp(`\\$\\{${n}:?[-=][^}]`).test(line)).map((n) => `${file}:${i + 1} ${n}: ${line.trim()}`)));
  expect(defaults).toEqual([]);
});
