/**
 * The deadline in Azure (docs/costs-and-teardown.md), from the real index.ts with the default Azure config
 * under Pulumi mocks: a Logic App with its own identity, allowed to delete this resource group
 * and nothing else, that DELETEs the group at the deadline; the deadline kept from the first run.
 */
import { runProgram, ofType, ProgramRun, Registered, MOCK_PRINCIPAL, MOCK_SUBSCRIPTION } from "./support/pulumiProgram";
import { AZURE_PROGRAM_CONFIG, AZURE_SECRET_KEYS } from "./support/fixtures";
import { CONTRIBUTOR_ROLE_ID, DEADLINE_PATH } from "../stacks/azure/autoDelete";

let run: ProgramRun;
let started: number;
let workflow: Registered;
let role: Registered;
let group: Registered;
const GROUP_ID = `/subscriptions/${MOCK_SUBSCRIPTION}/resourceGroups/rg-lab42`;

beforeAll(async () => {
  started = Date.now();
  run = await runProgram(AZURE_PROGRAM_CONFIG, { stack: "azure", secretKeys: AZURE_SECRET_KEYS });
  expect(run.error).toBeUndefined();
  [workflow] = ofType(run, "azure-native:logic:Workflow");
  [role] = ofType(run, "azure-native:authorization:RoleAssignment");
  [group] = ofType(run, "azure-native:resources:ResourceGroup");
});

test("one Logic App (Consumption) in the group, enabled, with a system-assigned identity", () => {
  expect(ofType(run, "azure-native:logic:Workflow")).toHaveLength(1);
  expect(workflow.inputs).toMatchObject({ workflowName: "lab42-auto-delete", resourceGroupName: "rg-lab42", location: "westeurope", state: "Enabled", identity: { type: "SystemAssigned" } });
});

test("its trigger fires at the deadline: 8 h after this deployment by default, the same time as the group's expires-at tag and the output", () => {
  const trigger = workflow.inputs.definition.triggers.deadline;
  expect(trigger.type).toBe("Recurrence");
  const at = trigger.recurrence.startTime as string;
  expect(group.inputs.tags["expires-at"]).toBe(at);
  expect(run.outputs.autoDeleteAt).toBe(at);
  const eightHours = 8 * 3_600_000;
  expect(Date.parse(at)).toBeGreaterThanOrEqual(started + eightHours);
  expect(Date.parse(at)).toBeLessThanOrEqual(Date.now() + eightHours + 60_000);
  // Hourly after the deadline, so an attempt that fails (a lock, a transient error) is retried.
  expect(trigger.recurrence).toMatchObject({ frequency: "Hour", interval: 1 });
});

test("its one action DELETEs this resource group through ARM with the Logic App's managed identity, finishing on the 202", () => {
  const actions = Object.values(workflow.inputs.definition.actions) as any[];
  expect(actions).toHaveLength(1);
  expect(actions[0]).toMatchObject({
    type: "Http",
    inputs: {
      method: "DELETE",
      uri: `https://management.azure.com${GROUP_ID}?api-version=2021-04-01`,
      authentication: { type: "ManagedServiceIdentity", audience: "https://management.core.windows.net/" },
    },
    operationOptions: "DisableAsyncPattern",
  });
});

test("the identity is Contributor on the resource group, never the subscription", () => {
  expect(role.inputs.scope).toBe(GROUP_ID);
  expect(role.inputs.scope).not.toBe(`/subscriptions/${MOCK_SUBSCRIPTION}`);
  expect(role.inputs).toMatchObject({
    principalId: MOCK_PRINCIPAL,
    principalType: "ServicePrincipal",
    roleDefinitionId: `/subscriptions/${MOCK_SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${CONTRIBUTOR_ROLE_ID}`,
  });
  expect(role.dependencies).toContain(workflow.urn);
});

test("no cluster is created before the role assignment exists: a deployer who may not assign roles fails before anything bills", () => {
  const clusters = ofType(run, "azure-native:hdinsight:Cluster");
  expect(clusters).toHaveLength(2);
  for (const c of clusters) expect(c.dependencies).toContain(role.urn);
});

test("a later pulumi up keeps the first deadline (ignoreChanges on the trigger time and the tag)", () => {
  expect(workflow.ignoreChanges).toContain(DEADLINE_PATH);
  expect(group.ignoreChanges).toContain('tags["expires-at"]');
  expect(run.outputs.autoDeleteWorkflow).toBe("lab42-auto-delete");
});
