/**
 * The deadline needs a role assignment (the Logic App's identity may delete the group), and
 * creating one needs Microsoft.Authorization/roleAssignments/write: Owner, User Access
 * Administrator or Role Based Access Control Administrator, not Contributor. Asked of Azure
 * before anything is declared, so a Contributor-only login gets a plain answer in seconds
 * instead of a failed deployment.
 */
import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import { PROJECT } from "../configSchema";
import { ConfigValidationError } from "../configError";
import type { AzureConfig } from "./config";
import { HttpError } from "../../lib/http/errors";
import { armGet, defaultAzureCredential, type ArmOptions } from "./arm";

export const ROLE_ASSIGNMENT_WRITE = "Microsoft.Authorization/roleAssignments/write";
const API_VERSION = "2022-04-01";

/** One entry of ARM's permissions list: a role's actions minus its notActions. */
export interface ArmPermission {
  actions?: string[];
  notActions?: string[];
}

const pattern = (p: string) => new RegExp(`^${p.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\/]/g, "\\$&")).join(".*")}$`, "i");

/** Whether any role grants `action` (wildcards as Azure writes them; notActions subtract within a role). */
export function permits(permissions: ArmPermission[], action: string): boolean {
  return permissions.some((p) =>
    (p.actions ?? []).some((a) => pattern(a).test(action)) && !(p.notActions ?? []).some((n) => pattern(n).test(action)));
}

/**
 * What the signed-in identity may do on the resource group (or the subscription, when the group
 * does not exist yet): whether it may create role assignments there.
 */
export async function mayAssignRoles(subscriptionId: string, resourceGroupName: string, o: ArmOptions): Promise<boolean> {
  const sub = `/subscriptions/${encodeURIComponent(subscriptionId)}`;
  const what = "list your permissions (Microsoft.Authorization/permissions)";
  let answer = await armGet(`${sub}/resourceGroups/${encodeURIComponent(resourceGroupName)}/providers/Microsoft.Authorization/permissions?api-version=${API_VERSION}`, o, what);
  if (answer.status === 404) answer = await armGet(`${sub}/providers/Microsoft.Authorization/permissions?api-version=${API_VERSION}`, o, what);
  if (answer.status !== 200) throw new HttpError(`unexpected answer from Azure Resource Manager when asked to ${what}: HTTP ${answer.status}`, { service: "Azure Resource Manager", status: answer.status });
  return permits((answer.body.value as ArmPermission[] | undefined) ?? [], ROLE_ASSIGNMENT_WRITE);
}

export const NO_ROLE_ASSIGNMENT_RIGHT =
  "your Azure login may not create role assignments (Microsoft.Authorization/roleAssignments/write), which the deadline needs: " +
  "the Logic App that deletes the resource group at autoDeleteAfter must be given Contributor on that group. " +
  "Contributor is not enough; Owner, User Access Administrator or Role Based Access Control Administrator is.";

export const NO_ROLE_ASSIGNMENT_FIX =
  "ask for one of those roles on the subscription or the resource group, or turn the deadline off explicitly " +
  "(pulumi config set autoDeleteAfter off) and delete the environment yourself (npm run teardown)";

export interface PreflightDeps {
  subscriptionId: () => Promise<string | undefined>;
  credential: () => Promise<ArmOptions["credential"]>;
}

/**
 * Before any resource is declared: refuse (with the way out) when the login may not create the
 * deadline's role assignment; warn, and go on, when Azure cannot be asked (the deployment would
 * then stop at the role assignment, in its first minute, before any cluster exists).
 */
export async function checkDeadlinePermission(resourceGroupName: string, deps: PreflightDeps, warn: (m: string) => void, endpoint?: string): Promise<{ key: string; message: string; fix: string } | undefined> {
  let allowed: boolean;
  try {
    const subscriptionId = await deps.subscriptionId();
    if (!subscriptionId) throw new Error("no subscription selected (az account set --subscription <id>)");
    allowed = await mayAssignRoles(subscriptionId, resourceGroupName, { credential: await deps.credential(), endpoint });
  } catch (e) {
    warn(`Could not check whether your Azure login may create the deadline's role assignment (${(e as Error).message.split("\n")[0]}). ` +
      "If it may not, the deployment stops at that role assignment, before any cluster is created; then set autoDeleteAfter off explicitly or ask for Owner / User Access Administrator.");
    return undefined;
  }
  return allowed ? undefined : { key: "autoDeleteAfter", message: NO_ROLE_ASSIGNMENT_RIGHT, fix: NO_ROLE_ASSIGNMENT_FIX };
}

/** The program's Azure preflight, run before any resource is declared: throws like a config error. */
export async function azurePreflight(config: Pick<AzureConfig, "autoDelete" | "resourceGroupName">): Promise<void> {
  if (!config.autoDelete) return;
  const refused = await checkDeadlinePermission(config.resourceGroupName, {
    subscriptionId: async () => (await authorization.getClientConfig()).subscriptionId,
    credential: defaultAzureCredential,
  }, (m) => void pulumi.log.warn(m));
  if (refused) throw new ConfigValidationError([{ ...refused, key: `${PROJECT}:${refused.key}` }]);
}
