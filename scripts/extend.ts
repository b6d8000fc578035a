// npm run extend: moves the time at which Azure deletes a stack's resource group.
import { durationMinutes } from "../stacks/config";
import { extendDeadline, twinHasNoDeadline, type Extension } from "../jobs/azure/deadline";
import { readStackFile } from "../jobs/pulumiStack";
import { EXIT, UsageError } from "../lib/errors";
import { markdownTable } from "../jobs/util/table";
import { defineCommand, runCli } from "../jobs/cli/command";
import { steps } from "../jobs/cli/console";

const usage = `Usage: npm run extend -- --stack <name> (--by <duration> | --until <UTC time>)

Moves the deadline at which the Logic App in an Azure stack's resource group deletes the group
(autoDeleteAfter, expiresAt): writes the new time as expiresAt in the stack's config and runs
pulumi up, which changes only the Logic App's trigger and the group's expires-at tag.
  --by 4h        from the current deadline (from now, if it has passed); m, h or d
  --until 2026-12-03T18:00:00Z
The new deadline must be at least 1 hour and at most 7 days from now.
`;

export function parseExtension(by: unknown, until: unknown): Extension {
  if ((by === undefined) === (until === undefined)) throw new UsageError("give one of --by <duration> or --until <UTC time>");
  if (by !== undefined) {
    const minutes = durationMinutes(String(by));
    if (minutes === undefined) throw new UsageError(`--by ${String(by)}: expected a duration such as 4h, 90m or 1d`);
    return { byMinutes: minutes };
  }
  const text = String(until);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?Z$/.test(text)) throw new UsageError(`--until ${text}: expected a UTC time such as 2026-12-03T18:00:00Z`);
  return { until: new Date(text) };
}

export const extend = defineCommand({
  name: "extend",
  summary: { usage: "`npm run extend -- --by 4h`", does: "move an Azure stack's deadline" },
  usage,
  exits: ["USAGE", "STACK_OUTPUTS", "PULUMI", "AZURE_ONLY"],
  options: { stack: { type: "string" }, by: { type: "string" }, until: { type: "string" } },
  async run(f, c) {
    if (f.stack === undefined) throw new UsageError("--stack <name> is required (the Azure stack whose deadline moves)");
    const ext = parseExtension(f.by, f.until);
    // A twin is known by its stack file: refused before Pulumi is asked (a compose-started twin has no Pulumi stack).
    if (readStackFile(f.stack, c.deps.workDir)?.raw.target === "twin") throw twinHasNoDeadline(f.stack);
    const opened = await c.deps.openDeadlineStack(f.stack, c.deps.workDir);
    const stack = { ...opened, outputs: async () => c.knowSecretOutputs(await opened.outputs()) };
    const result = await steps(1, c.line).run(`move the deadline of stack "${f.stack}"`, (note) => extendDeadline(stack, ext, new Date(), note));
    c.out(`${markdownTable(["deadline", "UTC"], [["was", result.from], ["now", result.to]], ["plain", "plain"])}\n`);
    return EXIT.OK;
  },
});

export const { main, USAGE } = extend;

if (require.main === module) runCli(extend, "extend");
