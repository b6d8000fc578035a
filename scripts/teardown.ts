// npm run teardown: shows what a stack has and costs, asks, deletes it, and checks that it is gone.
import { join } from "node:path";
import { createInterface } from "node:readline/promises";
import { PROJECT, azureSizing } from "../stacks/config";
import { estimateCost } from "../stacks/azure/cost";
import { topologyFor } from "../stacks/local/topology";
import { requireDocker } from "../jobs/localStack";
import { localConfigFromStackFile, readStackFile, StackOutputsError } from "../jobs/stackOutputs";
import { markdownTable } from "../jobs/table";
import { defaultAzureCredential, resourceGroupState } from "../jobs/azureResourceGroup";
import {
  automationStack, destroyLocalStack, planAzureTeardown, planLocalTeardown, removalHint, teardownAzure,
  verifyLocalTeardown, type StackItem, type TeardownOutcome, type TeardownPlan,
} from "../jobs/teardown";
import { EXIT, parseFlags, runCli, UsageError } from "./cli";
import { steps } from "./console";

export const USAGE = `Usage: npm run teardown -- [--stack dev] [--yes] [--volumes] [--images]

Deletes a stack and checks that nothing of it is left:
  1. shows what will be deleted and kept, and what the stack costs per hour;
  2. asks for confirmation (--yes: do not ask, for scripts);
  3. deletes it: pulumi destroy where Pulumi deployed it, docker-compose for a local stack
     started without Pulumi;
  4. checks again, independently: local: no container or network with the stack's labels is
     left; Azure: the resource group no longer exists (asked of Azure Resource Manager with
     your own login: az login).
Local data volumes and the node image are kept (sizes shown) unless --volumes / --images.
Safe to re-run.
Exit codes: 0 nothing left, 2 usage, 9 no such stack, 17 Docker unavailable,
            18 something is left (listed, with how to remove it), 19 not confirmed (nothing deleted).
`;

const OPTIONS = {
  stack: { type: "string" },
  yes: { type: "boolean", short: "y" },
  volumes: { type: "boolean" },
  images: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

export function planTable(plan: TeardownPlan): string {
  const rows = [
    ...plan.remove.map((i) => ["delete", i.kind, i.name, i.size ?? ""]),
    ...plan.keep.map((i) => ["keep", i.kind, i.name, i.size ?? ""]),
  ];
  return markdownTable(["action", "kind", "name", "size"], rows, ["plain", "plain", "plain", "right"]);
}

export function outcomeTable(plan: TeardownPlan, outcome: TeardownOutcome): string {
  const describe = (i: StackItem) => `${i.kind} ${i.name}${i.size ? ` (${i.size})` : ""}${i.state ? ` [${i.state}]` : ""}`;
  return markdownTable(["teardown", "result"], [
    ["stack", `${plan.stack} (${plan.target})`],
    ["deleted", String(Math.max(0, plan.remove.length - outcome.leftovers.length))],
    ["left over", outcome.leftovers.map(describe).join(", ") || "none"],
    ...outcome.kept.map((i): [string, string] => ["kept", describe(i)]),
    ["cost stopped", `US$ ${plan.usdPerHour.toFixed(2)}/hour`],
    ["seconds", outcome.seconds.toFixed(1)],
  ], ["plain", "plain"]);
}

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

export async function main(argv: string[], workDir = join(__dirname, "..")): Promise<number> {
  const f = parseFlags(argv, OPTIONS);
  if (f.help) { process.stdout.write(USAGE); return EXIT.OK; }
  const stack = (f.stack as string | undefined) ?? "dev";
  const stackFile = readStackFile(stack, workDir);
  if (!stackFile) throw new StackOutputsError(`no stack file Pulumi.${stack}.yaml here: pass --stack <name> (pulumi stack ls lists them)`);
  const azure = stackFile.raw.target === "azure";
  if (azure && (f.volumes || f.images)) throw new UsageError("--volumes and --images are for a local stack: an Azure teardown deletes the whole resource group, storage included");

  let plan: TeardownPlan;
  let run: (note: (m: string) => void) => Promise<Omit<TeardownOutcome, "seconds">>;
  if (azure) {
    const { sizing, issues } = azureSizing(stackFile.raw);
    if (!sizing) throw new UsageError(`${stackFile.file}: ${issues.map((i) => `${i.key}: ${i.message}`).join("; ")}`);
    const handle = await automationStack(stack, workDir);
    // Without Pulumi's record of the stack there is nothing to destroy or check: say so, never "nothing left".
    if (!handle) throw new StackOutputsError(`Pulumi has no stack "${stack}" here: log in to the backend that holds it (pulumi login) and check pulumi stack ls`);
    const credential = await defaultAzureCredential();
    const o = {
      stack,
      handle,
      usdPerHour: estimateCost(sizing).usdPerHour,
      resourceGroupState: (id: string) => resourceGroupState(id, { credential }),
    };
    const azurePlan = await planAzureTeardown(o);
    plan = azurePlan;
    run = (note) => teardownAzure(o, azurePlan, note);
  } else {
    const config = localConfigFromStackFile(stack, workDir);
    if (!config) throw new StackOutputsError(`${stackFile.file} is not a local or Azure stack (target ${stackFile.raw.target ?? "unset"})`);
    await requireDocker();
    const o = { stack, workDir, topology: topologyFor(config, PROJECT, stack), volumes: f.volumes === true, images: f.images === true };
    plan = await planLocalTeardown(o);
    run = async (note) => { await destroyLocalStack(o, note); return verifyLocalTeardown(o); };
  }

  const out = (t: string) => process.stdout.write(t);
  if (plan.remove.length === 0) {
    out(`Nothing of stack "${stack}" to delete.\n`);
  } else {
    out(`Stack "${stack}" (${plan.target}):\n\n${planTable(plan)}\n\n`);
    out(`Deleting it stops about US$ ${plan.usdPerHour.toFixed(2)} per hour (${plan.costNote}).\n`);
    if (!f.yes && !process.stdin.isTTY) throw new UsageError("nobody can confirm (stdin is not a terminal), so nothing was deleted: pass --yes to delete without asking");
    if (!f.yes && !(await confirm(`Delete these ${plan.remove.length} items of stack "${stack}"? [y/N] `))) {
      out("Not confirmed: nothing was deleted.\n");
      return EXIT.NOT_CONFIRMED;
    }
  }
  const start = Date.now();
  const s = steps(1);
  const result = await s.run(plan.remove.length ? `delete stack "${stack}" and check that nothing is left` : `check that nothing of stack "${stack}" is left`, run);
  const outcome: TeardownOutcome = { ...result, seconds: (Date.now() - start) / 1000 };
  out(`\n${outcomeTable(plan, outcome)}\n`);
  if (outcome.leftovers.length) {
    process.stderr.write(`Still there:\n${outcome.leftovers.map((i) => `  ${i.kind} ${i.name}${i.state ? ` [${i.state}]` : ""}: ${removalHint(i)}`).join("\n")}\n`);
    return EXIT.LEFTOVERS;
  }
  out(outcome.kept.length ? `Nothing of stack "${stack}" is left but what you keep (--volumes / --images delete it).\n` : `Nothing of stack "${stack}" is left.\n`);
  return EXIT.OK;
}

if (require.main === module) runCli("teardown", () => main(process.argv.slice(2)));
