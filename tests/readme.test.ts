/** The README is the user's front door: its generated parts must match the code. */
import { readFileSync } from "fs";
import { join } from "path";
import { renderConfigTable } from "../stacks/configDocs";
import { estimateCost } from "../stacks/azure/cost";
import { validateConfig } from "../stacks/config";
import { VALID_AZURE, AZURE_SECRET_KEYS } from "./support/fixtures";

const readme = readFileSync(join(__dirname, "..", "README.md"), "utf8");

test("the configuration table is the one generated from the schema (npm run docs:config)", () => {
  expect(readme).toContain(renderConfigTable());
});

test("the cost warning quotes the estimate for the default sizes", () => {
  const { config } = validateConfig(VALID_AZURE, new Set(AZURE_SECRET_KEYS));
  expect(config?.target).toBe("azure");
  if (config?.target !== "azure") return;
  const cost = estimateCost(config);
  const vms = [...config.kafkaNodes, ...config.sparkNodes].reduce((n, r) => n + r.count, 0);
  expect(readme).toContain(`default environment is ${vms} VMs (${cost.totalCores} vCPUs)`);
  expect(readme).toContain(`US$ ${cost.usdPerHour} per hour, about US$ ${cost.usdPerDay} per day`);
});

test("the test command CI runs is the README's", () => {
  const ci = readFileSync(join(__dirname, "..", ".ci", "run"), "utf8");
  expect(ci).toContain("<!-- test-command -->");
  expect(readme).toMatch(/<!-- test-command -->\n```bash\nnpm test\n```/);
});

test("every `npm run <script>` the README shows exists in package.json", () => {
  const scripts = Object.keys(JSON.parse(readFileSync(join(__dirname, "..", "package.json"), "utf8")).scripts);
  const shown = [...new Set([...readme.matchAll(/npm run ([a-z:]+)/g)].map((m) => m[1]))];
  expect(shown).toEqual(expect.arrayContaining(["demo", "teardown", "cost", "load", "submit", "results", "bench"]));
  expect(shown.filter((s) => !scripts.includes(s))).toEqual([]);
});
