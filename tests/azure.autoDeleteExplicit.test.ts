/**
 * An explicit deadline (expiresAt, as `npm run extend` writes it) under Pulumi mocks: the trigger
 * and the tag take it as given and follow it when it changes (no ignoreChanges).
 */
import { runProgram, ofType, ProgramRun } from "./support/pulumiProgram";
import { AZURE_PROGRAM_CONFIG, AZURE_SECRET_KEYS } from "./support/fixtures";
import { DEADLINE_PATH } from "../stacks/azure/autoDelete";

const DEADLINE = new Date(Date.now() + 30 * 3_600_000);
DEADLINE.setUTCSeconds(0, 0);
const AT = DEADLINE.toISOString();
let run: ProgramRun;

beforeAll(async () => {
  run = await runProgram({ ...AZURE_PROGRAM_CONFIG, expiresAt: AT.replace(".000Z", "Z") }, { stack: "azure", secretKeys: AZURE_SECRET_KEYS });
  expect(run.error).toBeUndefined();
});

test("the trigger, the group's tag and the output are the explicit deadline, and a change to it is applied", () => {
  const [workflow] = ofType(run, "azure-native:logic:Workflow");
  const [group] = ofType(run, "azure-native:resources:ResourceGroup");
  expect(workflow.inputs.definition.triggers.deadline.recurrence.startTime).toBe(AT);
  expect(group.inputs.tags["expires-at"]).toBe(AT);
  expect(run.outputs.autoDeleteAt).toBe(AT);
  expect(workflow.ignoreChanges).not.toContain(DEADLINE_PATH);
  expect(group.ignoreChanges).not.toContain('tags["expires-at"]');
});
