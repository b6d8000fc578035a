/** The README is the user's front door and docs/ the rest: their generated parts must match the code, their links must resolve. */
import { existsSync, readFileSync } from "fs";
import { dirname, join, normalize } from "path";
import { estimateCost } from "../stacks/azure/cost";
import { validateConfig } from "../stacks/config";
import { docFiles, regenerate, sections } from "../jobs/docs/sections";
import { USER_COMMANDS } from "../scripts/docs";
import { VALID_AZURE, AZURE_SECRET_KEYS } from "./support/fixtures";

const ROOT = join(__dirname, "..");
const read = (file: string) => readFileSync(join(ROOT, file), "utf8");
const readme = read("README.md");
const files = docFiles(ROOT);

test("the README is the front door: at most 200 lines, the rest in docs/", () => {
  expect(readme.split("\n").length).toBeLessThanOrEqual(200);
  expect(files.filter((f) => f.startsWith("docs/")).map((f) => f.slice(5)).sort()).toEqual(expect.arrayContaining([
    "azure.md", "benchmarks.md", "configuration.md", "costs-and-teardown.md", "local-cluster.md", "tests.md", "troubleshooting.md", "wordcount.md",
  ]));
});

test.each(files)("%s: every generated section is the one `npm run docs` writes now", (file) => {
  const text = read(file);
  expect(regenerate(text, file, sections(ROOT, USER_COMMANDS))).toBe(text);
});

test("the generated sections are where they belong", () => {
  expect(read("docs/configuration.md")).toContain("<!-- generated: config-table (npm run docs) -->");
  expect(read("docs/benchmarks.md")).toContain("<!-- generated: benchmarks (npm run docs) -->");
  expect(read("docs/troubleshooting.md")).toContain("<!-- generated: exit-codes (npm run docs) -->");
  expect(readme).toContain("<!-- generated: bench-summary (npm run docs) -->");
});

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
const slug = (heading: string) => heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/\s/g, "-");
const anchorsOf = (text: string) => new Set(text.split("\n").filter((l) => /^#{1,6} /.test(l)).map((l) => slug(l.replace(/^#+ /, ""))));

test.each(files)("%s: every relative link resolves, to a file and to a heading in it", (file) => {
  const text = read(file).replace(/```[\s\S]*?```/g, "");
  const links = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((l) => !/^[a-z]+:/.test(l));
  const broken = links.filter((link) => {
    const [path, anchor] = link.split("#");
    const target = path ? normalize(join(dirname(file), path)) : file;
    if (!existsSync(join(ROOT, target))) return true;
    return anchor !== undefined && target.endsWith(".md") && !anchorsOf(read(target)).has(anchor);
  });
  expect(broken).toEqual([]);
});

test("the cost warning quotes the estimate for the default sizes", () => {
  const { config } = validateConfig(VALID_AZURE, new Set(AZURE_SECRET_KEYS));
  expect(config?.target).toBe("azure");
  if (config?.target !== "azure") return;
  const cost = estimateCost(config);
  const vms = [...config.kafkaNodes, ...config.sparkNodes].reduce((n, r) => n + r.count, 0);
  for (const text of [readme, read("docs/azure.md")]) {
    expect(text).toContain(`default environment is ${vms} VMs (${cost.totalCores} vCPUs)`);
    expect(text).toContain(`US$ ${cost.usdPerHour} per hour, about US$ ${cost.usdPerDay} per day`);
  }
});

test("the test command CI runs is the README's", () => {
  const ci = read(".ci/run");
  expect(ci).toContain("<!-- test-command -->");
  expect(readme).toMatch(/<!-- test-command -->\n```bash\nnpm test\n```/);
});

test("every `npm run <script>` the README and docs show exists in package.json", () => {
  const scripts = Object.keys(JSON.parse(read("package.json")).scripts);
  const shown = [...new Set(files.flatMap((f) => [...read(f).matchAll(/npm run ([a-z:]+)/g)].map((m) => m[1])))];
  expect(shown).toEqual(expect.arrayContaining(["demo", "teardown", "cost", "load", "submit", "results", "bench", "wordcount", "docs"]));
  expect(shown.filter((s) => !scripts.includes(s))).toEqual([]);
});
