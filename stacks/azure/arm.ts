/**
 * A few read-only questions to Azure Resource Manager (REST), asked with the user's own Azure
 * login: the program's preflight (may this login create role assignments?) and the teardown's
 * check (is the resource group gone?). Errors name what to do, never the token.
 */
import type { TokenCredential } from "@azure/core-auth";
import { ArmError } from "../../lib/errors";

export { ArmError };

export const ARM_ENDPOINT = "https://management.azure.com";
const ARM_SCOPE = "https://management.azure.com/.default";

export interface ArmOptions {
  credential: TokenCredential;
  endpoint?: string;
  fetch?: typeof fetch;
}

export interface ArmAnswer {
  status: number;
  body: { error?: { code?: string; message?: string } } & Record<string, unknown>;
}

/** GET a path of ARM; 200 and 404 are answers, 401/403/other statuses are ArmErrors. */
export async function armGet(path: string, o: ArmOptions, what: string): Promise<ArmAnswer> {
  const endpoint = o.endpoint ?? ARM_ENDPOINT;
  let token: string;
  try {
    const t = await o.credential.getToken(ARM_SCOPE);
    if (!t) throw new Error("no token returned");
    token = t.token;
  } catch (e) {
    throw new ArmError(`could not get an Azure token to ${what}: sign in with \`az login\` (or set AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET)`, undefined, { cause: e });
  }
  let res: Response;
  try {
    res = await (o.fetch ?? fetch)(`${endpoint}${path}`, { headers: { Authorization: `Bearer ${token}`, Accept: "application/json" } });
  } catch (e) {
    throw new ArmError(`Azure Resource Manager did not answer (${endpoint}) when asked to ${what}: check your network and try again`, undefined, { cause: e });
  }
  const body = (await res.json().catch(() => ({}))) as ArmAnswer["body"];
  if (res.status === 200 || res.status === 404) return { status: res.status, body };
  const why = body.error ? `${body.error.code}: ${body.error.message}` : `HTTP ${res.status}`;
  if (res.status === 401) throw new ArmError(`Azure refused the token (${why}): sign in again with \`az login\``, 401);
  if (res.status === 403) throw new ArmError(`your Azure identity may not ${what} (${why})`, 403);
  throw new ArmError(`unexpected answer from Azure Resource Manager when asked to ${what}: ${why}`, res.status);
}

/** The user's Azure login (az login, environment, managed identity), loaded only when needed. */
export async function defaultAzureCredential(): Promise<TokenCredential> {
  const { DefaultAzureCredential } = await import("@azure/identity");
  return new DefaultAzureCredential();
}
