// npm run status: a stack's nodes or clusters, web UIs, topics, running jobs (with their lag) and,
// on Azure, cost and deadline, as tables or JSON (jobs/status/ gathers and renders).
import { EXIT } from "../lib/errors";
import { renderStatus, stackStatus, statusJson } from "../jobs/status";
import { defineCommand, runCli, SSH_HELP } from "../jobs/cli/command";

const usage = `Usage: npm run status -- [--stack <name>] [--json]

What a stack is doing now, as tables: each node (local: container state, health, memory) or
cluster (Azure: its state in Azure Resource Manager), the web UIs and whether they answer, the
topics with their partitions and records, the running jobs with how many records each has not
counted yet (from its last progress line), and on Azure the cost per hour, so far, and when Azure
deletes it. A part that cannot be read is named at the end with why; the rest is still shown.

  --stack <name>   default dev
  --json           the same as JSON
  -h, --help

Azure: Resource Manager with your Azure login (az login, or AZURE_CLIENT_ID/AZURE_TENANT_ID/
AZURE_CLIENT_SECRET); Kafka through the SSH gateway; Livy with the cluster login of the stack.
${SSH_HELP}
`;

export const status = defineCommand({
  name: "status",
  summary: { usage: "`npm run status -- --stack <name>`", does: "nodes, web UIs, topics, running jobs and their lag; on Azure cost so far and deadline" },
  usage,
  exits: ["USAGE", "STACK_OUTPUTS"],
  options: { stack: { type: "string" }, json: { type: "boolean" } },
  async run(f, c) {
    const stack = c.stackName(f.stack);
    const outputs = await c.readStack(stack);
    const result = await stackStatus(stack, outputs, { route: c.route("kafka-spark-lab-status"), fetch: c.deps.fetch, arm: c.deps.arm, ledger: c.deps.ledger, note: c.note });
    c.out(f.json ? statusJson(result) : renderStatus(result));
    return EXIT.OK;
  },
});

export const { main, USAGE } = status;

if (require.main === module) runCli(status, "status");
