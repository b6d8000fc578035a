/**
 * Moving an Azure stack's deadline: the new time goes into the stack's config as `expiresAt`,
 * and `pulumi up` applies it (the Logic App's trigger and the group's `expires-at` tag change,
 * nothing else). A failed update puts the previous config back.
 */
import { AUTO_DELETE_MAX_MINUTES, AUTO_DELETE_MIN_MINUTES } from "../../stacks/config";
import { AzureOnlyError, DeadlineError, LabError } from "../../lib/errors";
import { openPulumiStack } from "../pulumiStack";

/** What extending needs of a Pulumi stack (the Automation API's, or a test's). */
export interface DeadlineStack {
  outputs(): Promise<Record<string, unknown>>;
  getExpiresAt(): Promise<string | undefined>;
  setExpiresAt(value: string | undefined): Promise<void>;
  up(onOutput: (text: string) => void): Promise<void>;
}

export type Extension = { byMinutes: number } | { until: Date };

/**
 * The new deadline: `until` as given, or `by` added to the current deadline (to now when that
 * has passed), on a whole minute; within the same bounds as the config's.
 */
export function newDeadline(current: string | undefined, ext: Extension, now: Date): Date {
  let next: Date;
  if ("until" in ext) {
    next = ext.until;
  } else {
    const from = Math.max(now.getTime(), current ? Date.parse(current) : now.getTime());
    next = new Date(Math.ceil((from + ext.byMinutes * 60_000) / 60_000) * 60_000);
  }
  const ahead = (next.getTime() - now.getTime()) / 60_000;
  if (!Number.isFinite(ahead)) throw new DeadlineError("--until: expected a UTC time such as 2026-12-03T18:00:00Z", "bounds");
  if (ahead < AUTO_DELETE_MIN_MINUTES) throw new DeadlineError(`the new deadline ${next.toISOString()} is less than an hour away: give a later time (or tear the stack down now: npm run teardown)`, "bounds");
  if (ahead > AUTO_DELETE_MAX_MINUTES) throw new DeadlineError(`the new deadline ${next.toISOString()} is more than 7 days away: extend by less, and again later if you still need it`, "bounds");
  return next;
}

export interface ExtendResult {
  from: string;
  to: string;
}

/** What `extend` says of a twin: it has no deadline to move. */
export const twinHasNoDeadline = (stack: string) => new AzureOnlyError(`${stack === "this" ? "this stack" : `stack "${stack}"`} is a twin (HDInsight 5.1 on the local Docker engine): only Azure stacks have a deadline (a Logic App that deletes the resource group); \`npm run teardown -- --stack ${stack === "this" ? "<twin>" : stack}\` removes a twin`);

export async function extendDeadline(stack: DeadlineStack, ext: Extension, now: Date, note: (m: string) => void): Promise<ExtendResult> {
  const outputs = await stack.outputs();
  if (outputs.target === "twin") throw twinHasNoDeadline("this");
  if (outputs.target !== "azure") throw new DeadlineError("this stack is not a deployed Azure stack: only Azure stacks have a deadline (pulumi up first)", "stack");
  const current = outputs.autoDeleteAt;
  if (typeof current !== "string" || current === "off") {
    throw new DeadlineError("this stack has no deadline (autoDeleteAfter is off): turn it on with pulumi config set autoDeleteAfter 8h && pulumi up", "stack");
  }
  const to = newDeadline(current, ext, now).toISOString();
  const previous = await stack.getExpiresAt();
  note(`expiresAt ${to} in the stack's config (was ${previous ?? "unset: deadline from autoDeleteAfter"})`);
  await stack.setExpiresAt(to);
  try {
    note("pulumi up: updates the Logic App's trigger and the resource group's expires-at tag");
    await stack.up((text) => {
      const line = text.split("\n").map((l) => l.trim()).filter(Boolean).pop();
      // Whole: cut before the note redacts it, a line would show the start of a secret it quotes.
      if (line) note(`pulumi: ${line}`);
    });
  } catch (e) {
    await stack.setExpiresAt(previous);
    // Our own errors' messages are safe to show; anything else may quote what the update printed.
    const ours = e instanceof LabError;
    throw new DeadlineError(`${ours ? e.message : "pulumi up failed"}; the deadline is still ${current} and the config is as it was`, "update", ours ? { cause: e } : {});
  }
  return { from: current, to };
}

/** The stack through Pulumi's Automation API (an unknown stack is a StackOutputsError, exit 9). */
export async function automationDeadlineStack(stackName: string, workDir: string): Promise<DeadlineStack> {
  const s = await openPulumiStack(stackName, workDir);
  return {
    outputs: () => s.outputs(),
    getExpiresAt: () => s.getConfig("expiresAt"),
    setExpiresAt: (value) => s.setConfig("expiresAt", value),
    up: (onOutput) => s.up(onOutput),
  };
}
