/**
 * A few read-only questions to Azure Resource Manager (REST), asked with the user's own Azure
 * login: the program's preflight (may this login create role assignments?), the teardown's check
 * (is the resource group gone?) and status (an HDInsight cluster's state). The HTTP core (lib/http)
 * does the request, the retries and the errors; this adds the bearer token and ARM's hints.
 * API: https://learn.microsoft.com/en-us/rest/api/azure/
 */
import type { TokenCredential } from "@azure/core-auth";
import { HttpClient } from "../../lib/http/client";
import { HttpLoginError } from "../../lib/http/errors";

export const ARM_ENDPOINT = "https://management.azure.com";
const ARM_SCOPE = "https://management.azure.com/.default";

export interface ArmOptions {
  credential: TokenCredential;
  endpoint?: string;
  fetch?: typeof fetch;
  /** Retries of what waiting may fix (no answer, 5xx, 429). Default 2. */
  retries?: number;
  backoffMs?: number;
}

export interface ArmAnswer {
  status: number;
  body: { error?: { code?: string; message?: string } } & Record<string, unknown>;
}

const SIGN_IN = "sign in with `az login` (or set AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET)";

/** GET a path of ARM: 200 and 404 are answers; 401, 403 and the rest are the HTTP family's errors. */
export async function armGet(path: string, o: ArmOptions, what: string): Promise<ArmAnswer> {
  const http = new HttpClient({
    service: "Azure Resource Manager",
    baseUrl: o.endpoint ?? ARM_ENDPOINT,
    expectedUrl: ARM_ENDPOINT,
    fetch: o.fetch,
    retries: o.retries ?? 2,
    backoffMs: o.backoffMs ?? 1_000,
    timeoutMs: 30_000,
    authorization: async () => {
      try {
        const t = await o.credential.getToken(ARM_SCOPE);
        if (!t) throw new Error("no token returned");
        return `Bearer ${t.token}`;
      } catch (e) {
        throw new HttpLoginError(`could not get an Azure token to ${what}: ${SIGN_IN}`, { service: "Azure Resource Manager", cause: e });
      }
    },
    hints: { login: "Azure refused the token: sign in again with `az login`.", forbidden: "Ask for a role that may (Owner or User Access Administrator on the resource group or subscription)." },
  });
  const answer = await http.request({ method: "GET", path, what, accept: [404] });
  return { status: answer.status, body: (answer.json ?? {}) as ArmAnswer["body"] };
}

/** The user's Azure login (az login, environment, managed identity), loaded only when needed. */
export async function defaultAzureCredential(): Promise<TokenCredential> {
  const { DefaultAzureCredential } = await import("@azure/identity");
  return new DefaultAzureCredential();
}
