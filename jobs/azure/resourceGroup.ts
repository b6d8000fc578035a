/**
 * Whether a resource group exists, asked of Azure Resource Manager: the teardown's independent
 * check that an Azure environment (and its bill) is gone.
 */
import { StackOutputsError } from "../../lib/errors";
import { armGet, type ArmOptions } from "../../stacks/azure/arm";

export { defaultAzureCredential } from "../../stacks/azure/arm";

const API_VERSION = "2021-04-01";

export type ResourceGroupState = { exists: false } | { exists: true; provisioningState: string; tags: Record<string, string> };

/** "/subscriptions/<id>/resourceGroups/<name>" -> its parts; a clear error for anything else. */
export function parseResourceGroupId(id: string): { subscriptionId: string; resourceGroup: string } {
  const m = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)$/i.exec(id);
  if (!m) throw new StackOutputsError(`the stack's resourceGroupId is not a resource group id: ${JSON.stringify(id)} (expected /subscriptions/<id>/resourceGroups/<name>); run \`pulumi up\` to refresh its outputs`);
  return { subscriptionId: m[1], resourceGroup: m[2] };
}

/** GET the group: 404 (ResourceGroupNotFound) is "gone"; 200 is there, possibly still "Deleting". */
export async function resourceGroupState(resourceGroupId: string, o: ArmOptions): Promise<ResourceGroupState> {
  const { subscriptionId, resourceGroup } = parseResourceGroupId(resourceGroupId);
  const path = `/subscriptions/${encodeURIComponent(subscriptionId)}/resourcegroups/${encodeURIComponent(resourceGroup)}?api-version=${API_VERSION}`;
  const answer = await armGet(path, o, `read resource group ${resourceGroup} (ask for Reader on it, or check in the portal)`);
  if (answer.status === 404) return { exists: false };
  const body = answer.body as { properties?: { provisioningState?: string }; tags?: Record<string, string> };
  return { exists: true, provisioningState: body.properties?.provisioningState ?? "unknown", tags: body.tags ?? {} };
}
