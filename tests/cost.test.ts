/** npm run cost: a stack's estimated cost from its config file, as a table whose total is the sum of its rows. */
import { mkdtempSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { costTable, main } from "../scripts/cost";
import { estimateCost } from "../stacks/azure/cost";
import { azureSizing } from "../stacks/config";
import { runMain } from "./support/commands";

const ROOT = join(__dirname, "..");

async function run(argv: string[], workDir = ROOT) {
  const { exitCode: code, stdout: out, stderr: err } = await runMain(main, argv, { workDir });
  return { code, out, err };
}

test("the default Azure stack: one row per node group, the total row is the sum of the rows", async () => {
  const { code, out } = await run(["--stack", "azure"]);
  expect(code).toBe(0);
  const rows = out.split("\n").filter((l) => /^\| (kafka|spark) /.test(l)).map((l) => l.split("|").map((c) => c.trim()));
  expect(rows.map((r) => [r[1], r[2]])).toEqual([["kafka", "headnode"], ["kafka", "workernode"], ["kafka", "zookeepernode"], ["spark", "headnode"], ["spark", "workernode"]]);
  const total = out.split("\n").find((l) => l.startsWith("| total"))!.split("|").map((c) => c.trim());
  const dollars = (s: string) => Math.round(Number(s.replace("$", "")) * 100);
  expect(dollars(total[6])).toBe(rows.reduce((n, r) => n + dollars(r[6]), 0));
  expect(Number(total[5])).toBe(rows.reduce((n, r) => n + Number(r[5]), 0));
  expect(Number(total[3])).toBe(rows.reduce((n, r) => n + Number(r[3]), 0));
  expect(out).toMatch(/Total: US\$ \d+\.\d\d per hour, about US\$ \d+\.\d\d per day/);
  expect(out).toMatch(/Billing runs from creation until deletion/);
});

test("docs/azure.md shows the table npm run cost prints for the default Azure stack", () => {
  const readme = readFileSync(join(ROOT, "docs", "azure.md"), "utf8");
  const raw = { target: "azure", location: "eastus", baseName: "mylab42" };
  expect(readme).toContain(costTable(estimateCost(azureSizing(raw).sizing!)));
});

test("a stack without passwords yet can already be priced; changed sizes change the price", async () => {
  const dir = mkdtempSync(join(tmpdir(), "cost-"));
  writeFileSync(join(dir, "Pulumi.big.yaml"), "config:\n  kafka-spark-lab:target: azure\n  kafka-spark-lab:location: westeurope\n  kafka-spark-lab:sparkWorkerNodeCount: \"8\"\n");
  const big = await run(["--stack", "big", "--json"], dir);
  const base = await run(["--stack", "azure", "--json"]);
  expect(big.code).toBe(0);
  const [b, a] = [JSON.parse(big.out), JSON.parse(base.out)];
  expect(b.totalCores - a.totalCores).toBe(32);
  expect(b.usdPerHour).toBeGreaterThan(a.usdPerHour);
});

test("an invalid sizing key is refused, naming the key and the fix", async () => {
  const dir = mkdtempSync(join(tmpdir(), "cost-"));
  writeFileSync(join(dir, "Pulumi.bad.yaml"), "config:\n  kafka-spark-lab:target: azure\n  kafka-spark-lab:kafkaWorkerNodeCount: \"0\"\n");
  const r = await run(["--stack", "bad"], dir);
  expect(r.code).toBe(2);
  expect(r.err).toMatch(/kafka-spark-lab:kafkaWorkerNodeCount: .*fix:/);
});

test("the local stack costs nothing in the cloud; a missing stack file is named", async () => {
  expect((await run(["--stack", "dev"])).out).toContain("the local Docker stack: it runs on your machine, no cloud cost");
  const r = await run(["--stack", "nosuch"]);
  expect(r.code).toBe(9);
  expect(r.err).toMatch(/Pulumi\.nosuch\.yaml/);
});

test("a VM size the table does not know (or a retired one) is refused, not priced at zero", async () => {
  const dir = mkdtempSync(join(tmpdir(), "cost-"));
  writeFileSync(join(dir, "Pulumi.odd.yaml"), "config:\n  kafka-spark-lab:target: azure\n  kafka-spark-lab:location: eastus\n  kafka-spark-lab:sparkWorkerNodeSize: Standard_X99_v9\n  kafka-spark-lab:kafkaHeadNodeSize: Standard_D3_v2\n");
  const r = await run(["--stack", "odd"], dir);
  expect(r.code).toBe(2);
  expect(r.err).toMatch(/sparkWorkerNodeSize: Standard_X99_v9 is not a size HDInsight offers for worker nodes/);
  expect(r.err).toMatch(/kafkaHeadNodeSize: Standard_D3_v2 belongs to the retired Dv2-series/);
  expect(r.out).toBe("");
});
