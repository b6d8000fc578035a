// npm run extend: moves the time at which Azure deletes a stack's resource group.
import { join } from "node:path";
import { durationMinutes } from "../stacks/config";
import { automationDeadlineStack, extendDeadline, type Extension } from "../jobs/deadline";
import { markdownTable } from "../jobs/table";
import { EXIT, parseFlags, runCli, UsageError } from "./cli";
import { steps } from "./console";

export const USAGE = `Usage: npm run extend -- --stack <name> (--by <duration> | --until <UTC time>)

Moves the deadline at which the Logic App in an Azure stack's resource group deletes the group
(autoDeleteAfter, expiresAt): writes the new time as expiresAt in the stack's config and runs
pulumi up, which changes only the Logic App's trigger and the group's expires-at tag.
  --by 4h        from the current deadline (from now, if it has passed); m, h or d
  --until 2026-12-03T18:00:00Z
The new deadline must be at least 1 hour and at most 7 days from now.
Exit codes: 0 moved, 2 usage or a deadline out of bounds, 9 no such stack or no deadline.
`;

const OPTIONS = {
  stack: { type: "string" },
  by: { type: "string" },
  until: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

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

export async function main(argv: string[], workDir = join(__dirname, "..")): Promise<number> {
  const f = parseFlags(argv, OPTIONS);
  if (f.help) { process.stdout.write(USAGE); return EXIT.OK; }
  if (typeof f.stack !== "string") throw new UsageError("--stack <name> is required (the Azure stack whose deadline moves)");
  const ext = parseExtension(f.by, f.until);
  const stack = await automationDeadlineStack(f.stack, workDir);
  const result = await steps(1).run(`move the deadline of stack "${f.stack}"`, (note) => extendDeadline(stack, ext, new Date(), note));
  process.stdout.write(`${markdownTable(["deadline", "UTC"], [["was", result.from], ["now", result.to]], ["plain", "plain"])}\n`);
  return EXIT.OK;
}

if (require.main === module) runCli("extend", () => main(process.argv.slice(2)));
