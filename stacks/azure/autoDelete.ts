import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as logic from "@pulumi/azure-native/logic";

/** Azure's built-in Contributor role: enough to delete a resource group, nothing about access. */
export const CONTRIBUTOR_ROLE_ID = "b24988ac-6180-42a0-ab88-20f7382dd24c";
const ARM = "https://management.azure.com";
/** The token audience for ARM that a Logic App's managed identity asks for. */
export const ARM_AUDIENCE = "https://management.core.windows.net/";
/** Where the trigger time sits in the workflow definition (also the ignoreChanges path). */
export const DEADLINE_PATH = "definition.triggers.deadline.recurrence.startTime";

export interface AutoDeleteArgs {
  /** The group to delete, by its ARM id (/subscriptions/<id>/resourceGroups/<name>). */
  resourceGroupId: pulumi.Input<string>;
  resourceGroupName: pulumi.Input<string>;
  location: string;
  workflowName: string;
  /** When to delete the group: an ISO time in UTC. */
  deadline: string;
  /**
   * True when the deadline was computed at this run (now + autoDeleteAfter): later runs keep
   * the first one (ignoreChanges) so that `pulumi up` does not move it; `npm run extend` sets an
   * explicit one instead.
   */
  keepFirstDeadline: boolean;
  tags: Record<string, string>;
}

/** The workflow: at the deadline (and every hour after, should an attempt fail), DELETE the group. */
export function deleteGroupWorkflowDefinition(resourceGroupId: string, deadline: string) {
  return {
    $schema: "https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#",
    contentVersion: "1.0.0.0",
    triggers: {
      deadline: { type: "Recurrence", recurrence: { frequency: "Hour", interval: 1, startTime: deadline } },
    },
    actions: {
      delete_resource_group: {
        type: "Http",
        inputs: {
          method: "DELETE",
          uri: `${ARM}${resourceGroupId}?api-version=2021-04-01`,
          authentication: { type: "ManagedServiceIdentity", audience: ARM_AUDIENCE },
        },
        // ARM answers 202 and keeps deleting; polling it would outlive the Logic App itself,
        // which is in the group being deleted. Finish on the 202.
        operationOptions: "DisableAsyncPattern",
        runAfter: {},
      },
    },
  };
}

/**
 * A deadline inside Azure: a Logic App (Consumption) with a system-assigned identity that may
 * delete this resource group, and nothing else (Contributor, scoped to the group), and deletes it
 * at the deadline, whether or not anybody's laptop is on. Deleting the group deletes the Logic
 * App with it. Costs one action run per attempt.
 */
export class AutoDelete extends pulumi.ComponentResource {
  readonly workflow: logic.Workflow;
  readonly roleAssignment: authorization.RoleAssignment;
  readonly deadline: string;

  constructor(name: string, args: AutoDeleteArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kafka-spark-lab:azure:AutoDelete", name, {}, opts);
    this.deadline = args.deadline;
    const child = { parent: this };

    this.workflow = new logic.Workflow("workflow", {
      workflowName: args.workflowName,
      resourceGroupName: args.resourceGroupName,
      location: args.location,
      identity: { type: "SystemAssigned" },
      state: "Enabled",
      definition: pulumi.output(args.resourceGroupId).apply((id) => deleteGroupWorkflowDefinition(id, args.deadline)),
      tags: { ...args.tags, "expires-at": args.deadline },
    }, { ...child, ignoreChanges: args.keepFirstDeadline ? [DEADLINE_PATH, 'tags["expires-at"]', "tags.created"] : ["tags.created"] });

    const subscriptionId = pulumi.output(args.resourceGroupId).apply((id) => id.split("/")[2]);
    this.roleAssignment = new authorization.RoleAssignment("may-delete-group", {
      principalId: this.workflow.identity.apply((i) => i?.principalId ?? ""),
      principalType: "ServicePrincipal",
      roleDefinitionId: pulumi.interpolate`/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${CONTRIBUTOR_ROLE_ID}`,
      // The group, never the subscription: the identity can delete this environment only.
      scope: args.resourceGroupId,
    }, child);

    this.registerOutputs({ workflowName: this.workflow.name, deadline: args.deadline });
  }
}
