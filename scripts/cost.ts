// npm run cost: what a stack costs while it exists, from its config file alone (no deployment,
// no credentials): nodes by cluster, role and VM size, cores, $/h per row, totals per hour and day.
import { azureSizing } from "../stacks/config";
import { CostEstimate, estimateCost } from "../stacks/azure/cost";
import { EXIT, UsageError } from "../lib/errors";
import { requireStackFile } from "../jobs/pulumiStack";
import { markdownTable } from "../jobs/util/table";
import { defineCommand, runCli } from "../jobs/cli/command";

const usage = `Usage: npm run cost -- [--stack azure] [--json]

Prints the estimated cost of a stack from Pulumi.<stack>.yaml: every node group with its VM size,
cores and US$ per hour, and the totals per hour and per day. Nothing is deployed or asked of Azure.
  --stack <name>   default azure
  --json           the estimate as JSON
`;

const usd = (n: number) => `$${n.toFixed(2)}`;

/** The estimate as a Markdown table, its total row equal to the sum of the rows above it. */
export function costTable(c: CostEstimate): string {
  const rows = c.lines.map((l) => [l.cluster, l.role, String(l.count), l.vmSize, String(l.cores), l.usdPerHour === undefined ? "not priced" : usd(l.usdPerHour)]);
  const total = ["total", "", String(c.lines.reduce((n, l) => n + l.count, 0)), "", String(c.totalCores), usd(c.usdPerHour)];
  return markdownTable(["cluster", "role", "nodes", "VM size", "cores", "US$/hour"], [...rows, total], ["plain", "plain", "right", "plain", "right", "right"]);
}

export const cost = defineCommand({
  name: "cost",
  summary: { usage: "`npm run cost -- --stack <name>`", does: "what an Azure stack costs per hour, from its config alone" },
  usage,
  exits: ["USAGE", "STACK_OUTPUTS"],
  options: { stack: { type: "string" }, json: { type: "boolean" } },
  async run(f, c) {
    // Priced from the file alone: the default is the example Azure stack, not the local default.
    const stack = f.stack ?? "azure";
    const stackFile = requireStackFile(stack, c.deps.workDir, `create the stack (pulumi stack init ${stack}) or pass --stack <name>`);
    if (stackFile.raw.target !== "azure") {
      const what = stackFile.raw.target === "local" ? "the local Docker stack" : stackFile.raw.target === "twin" ? "an HDInsight 5.1 twin on the local Docker engine" : undefined;
      c.out(`Stack "${stack}" is ${what ? `${what}: it runs on your machine, no cloud cost` : `not an Azure stack (target ${stackFile.raw.target ?? "unset"})`}.\n`);
      return EXIT.OK;
    }
    const { sizing, issues } = azureSizing(stackFile.raw);
    if (!sizing) {
      throw new UsageError(`${stackFile.file}:\n${issues.map((i) => `  ${i.key}: ${i.message} (fix: ${i.fix})`).join("\n")}`);
    }
    const estimate = estimateCost(sizing);
    if (f.json) { c.out(`${JSON.stringify(estimate, null, 2)}\n`); return EXIT.OK; }
    c.out(`Estimated cost of stack "${stack}" in ${sizing.location} (prices: ${estimate.pricesFrom})\n\n${costTable(estimate)}\n\n`);
    c.out(`Total: US$ ${estimate.usdPerHour.toFixed(2)} per hour, about US$ ${estimate.usdPerDay.toFixed(2)} per day, from creation until deletion.\n${estimate.note}\n`);
    return EXIT.OK;
  },
});

export const { main, USAGE } = cost;

if (require.main === module) runCli(cost, "cost");
