// npm run teardown: shows what a stack has and costs, asks, deletes it, and checks that it is gone
// (jobs/teardown.ts holds both targets' ways).
import { createInterface } from "node:readline/promises";
import { EXIT, UsageError } from "../lib/errors";
import { markdownTable } from "../jobs/util/table";
import { prepareTeardown, removalHint, type StackItem, type TeardownOutcome, type TeardownPlan } from "../jobs/teardown";
import { type CommandContext, defineCommand, runCli } from "../jobs/cli/command";
import { steps } from "../jobs/cli/console";

const usage = `Usage: npm run teardown -- [--stack dev] [--yes] [--volumes] [--images]

Deletes a stack and checks that nothing of it is left:
  1. shows what will be deleted and kept, and what the stack costs per hour;
  2. asks for confirmation (--yes: do not ask, for scripts);
  3. deletes it: pulumi destroy where Pulumi deployed it, docker-compose for a local stack
     started without Pulumi;
  4. checks again, independently: local: no container or network with the stack's labels is
     left; Azure: the resource group no longer exists (asked of Azure Resource Manager with
     your own login: az login).
Local data volumes and the node image are kept (sizes shown) unless --volumes / --images; a twin
(the HDInsight 5.1 rehearsal on Docker) goes with its data volumes, its image kept unless --images.
Safe to re-run.
`;

export function planTable(plan: TeardownPlan): string {
  const rows = [
    ...plan.remove.map((i) => ["delete", i.kind, i.name, i.size ?? ""]),
    ...plan.keep.map((i) => ["keep", i.kind, i.name, i.size ?? ""]),
  ];
  return markdownTable(["action", "kind", "name", "size"], rows, ["plain", "plain", "plain", "right"]);
}

const perHour = (usd: number) => (Number.isFinite(usd) ? `US$ ${usd.toFixed(2)}/hour` : "unknown per hour");

export function outcomeTable(plan: TeardownPlan, outcome: TeardownOutcome): string {
  const describe = (i: StackItem) => `${i.kind} ${i.name}${i.size ? ` (${i.size})` : ""}${i.state ? ` [${i.state}]` : ""}`;
  return markdownTable(["teardown", "result"], [
    ["stack", `${plan.stack} (${plan.target})`],
    ["deleted", String(Math.max(0, plan.remove.length - outcome.leftovers.length))],
    ["left over", outcome.leftovers.map(describe).join(", ") || "none"],
    ...outcome.kept.map((i): [string, string] => ["kept", describe(i)]),
    ["cost stopped", perHour(plan.usdPerHour)],
    ["seconds", outcome.seconds.toFixed(1)],
  ], ["plain", "plain"]);
}

async function confirm(question: string, c: CommandContext): Promise<boolean> {
  const rl = createInterface({ input: c.deps.stdin as unknown as NodeJS.ReadableStream, output: c.progressStream });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

export const teardown = defineCommand({
  name: "teardown",
  summary: { usage: "`npm run teardown`", does: "delete a stack and check nothing is left" },
  usage,
  exits: ["USAGE", "LOGIN_REFUSED", "FORBIDDEN", "UNAVAILABLE", "STACK_OUTPUTS", "DOCKER", "LEFTOVERS", "NOT_CONFIRMED", "PULUMI"],
  options: { stack: { type: "string" }, yes: { type: "boolean", short: "y" }, volumes: { type: "boolean" }, images: { type: "boolean" } },
  async run(f, c) {
    const stack = c.stackName(f.stack);
    const { plan, run } = await prepareTeardown({ stack, workDir: c.deps.workDir, volumes: f.volumes === true, images: f.images === true }, { onConfigIssue: (m) => c.note(m) });

    if (plan.remove.length === 0) {
      c.out(`Nothing of stack "${stack}" to delete.\n`);
    } else {
      c.out(`Stack "${stack}" (${plan.target}):\n\n${planTable(plan)}\n\n`);
      c.out(`Deleting it stops ${Number.isFinite(plan.usdPerHour) ? `about US$ ${plan.usdPerHour.toFixed(2)} per hour` : "an unknown cost per hour"} (${plan.costNote}).\n`);
      if (!f.yes && !c.deps.stdin.isTTY) throw new UsageError("nobody can confirm (stdin is not a terminal), so nothing was deleted: pass --yes to delete without asking");
      if (!f.yes && !(await confirm(`Delete these ${plan.remove.length} items of stack "${stack}"? [y/N] `, c))) {
        c.out("Not confirmed: nothing was deleted.\n");
        return EXIT.NOT_CONFIRMED;
      }
    }
    const start = Date.now();
    const s = steps(1, c.line);
    const result = await s.run(plan.remove.length ? `delete stack "${stack}" and check that nothing is left` : `check that nothing of stack "${stack}" is left`, run);
    const outcome: TeardownOutcome = { ...result, seconds: (Date.now() - start) / 1000 };
    c.out(`\n${outcomeTable(plan, outcome)}\n`);
    if (outcome.leftovers.length) {
      c.line(`Still there:\n${outcome.leftovers.map((i) => `  ${i.kind} ${i.name}${i.state ? ` [${i.state}]` : ""}: ${removalHint(i)}`).join("\n")}`);
      return EXIT.LEFTOVERS;
    }
    c.out(outcome.kept.length ? `Nothing of stack "${stack}" is left but what you keep (--volumes / --images delete it).\n` : `Nothing of stack "${stack}" is left.\n`);
    return EXIT.OK;
  },
});

export const { main, USAGE } = teardown;

if (require.main === module) runCli(teardown, "teardown");
