/**
 * A local HTTP server answering the few Azure Resource Manager calls we make, with ARM's
 * documented shapes and errors: GET a resource group (200 with properties.provisioningState and
 * tags, 404 ResourceGroupNotFound), GET Microsoft.Authorization/permissions at a group or the
 * subscription (200 {value: [{actions, notActions, dataActions, notDataActions}]}), 401
 * InvalidAuthenticationToken for a wrong bearer token. Azure itself cannot be reached here.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { TokenCredential } from "@azure/core-auth";
import type { ArmPermission } from "../../stacks/azure/preflight";

export const FAKE_TOKEN = "token-for-tests";
export const fakeCredential: TokenCredential = { getToken: async () => ({ token: FAKE_TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 }) };

export interface FakeArm {
  endpoint: string;
  /** Resource groups by lower-cased name. */
  groups: Map<string, { provisioningState: string; tags?: Record<string, string> }>;
  /** The caller's permissions at the subscription, and at groups that have their own. */
  permissions: { subscription: ArmPermission[]; groups: Map<string, ArmPermission[]> };
  /** HDInsight clusters by name: GET .../providers/Microsoft.HDInsight/clusters/<name> (200 with properties, 404 ResourceNotFound). */
  clusters: Map<string, { clusterState: string; createdDate: string; clusterVersion: string; workers: number }>;
  /** Requests seen: path and the Authorization header. */
  seen: { url: string; auth?: string }[];
  /** Answers a request itself when it returns something (errors Azure can give). */
  answer?: (req: IncomingMessage) => { status: number; body: unknown } | undefined;
  reset(): void;
  close(): Promise<void>;
}

const withDetails = (p: ArmPermission) => ({ actions: p.actions ?? [], notActions: p.notActions ?? [], dataActions: [], notDataActions: [] });

export async function startFakeArm(): Promise<FakeArm> {
  const arm = {
    groups: new Map(),
    clusters: new Map(),
    permissions: { subscription: [], groups: new Map() },
    seen: [],
    answer: undefined,
  } as unknown as FakeArm;
  const server: Server = createServer((req, res) => {
    arm.seen.push({ url: req.url ?? "", auth: req.headers.authorization });
    const send = (status: number, body: unknown) => { res.writeHead(status, { "content-type": "application/json; charset=utf-8" }); res.end(JSON.stringify(body)); };
    const forced = arm.answer?.(req);
    if (forced) return send(forced.status, forced.body);
    if (req.headers.authorization !== `Bearer ${FAKE_TOKEN}`) {
      return send(401, { error: { code: "InvalidAuthenticationToken", message: "The access token is invalid." } });
    }
    const url = req.url ?? "";
    const notFound = (name: string) => send(404, { error: { code: "ResourceGroupNotFound", message: `Resource group '${name}' could not be found.` } });
    let m = /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/?]+)\?api-version=2021-04-01$/i.exec(url);
    if (m) {
      const group = arm.groups.get(m[2].toLowerCase());
      if (!group) return notFound(m[2]);
      return send(200, { id: `/subscriptions/${m[1]}/resourceGroups/${m[2]}`, name: m[2], type: "Microsoft.Resources/resourceGroups", location: "westeurope", tags: group.tags ?? {}, properties: { provisioningState: group.provisioningState } });
    }
    m = /^\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Authorization\/permissions\?api-version=2022-04-01$/.exec(url);
    if (m) {
      if (!arm.groups.has(m[1].toLowerCase())) return notFound(m[1]);
      return send(200, { value: [...arm.permissions.subscription, ...(arm.permissions.groups.get(m[1].toLowerCase()) ?? [])].map(withDetails) });
    }
    m = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.HDInsight\/clusters\/([^/?]+)\?api-version=2021-06-01$/.exec(url);
    if (m) {
      if (!arm.groups.has(m[2].toLowerCase())) return notFound(m[2]);
      const c = arm.clusters.get(decodeURIComponent(m[3]));
      if (!c) return send(404, { error: { code: "ResourceNotFound", message: `The Resource 'Microsoft.HDInsight/clusters/${m[3]}' under resource group '${m[2]}' was not found.` } });
      return send(200, {
        id: `/subscriptions/${m[1]}/resourceGroups/${m[2]}/providers/Microsoft.HDInsight/clusters/${m[3]}`, name: m[3], type: "Microsoft.HDInsight/clusters", location: "westeurope",
        properties: { clusterVersion: c.clusterVersion, osType: "Linux", tier: "Standard", clusterState: c.clusterState, createdDate: c.createdDate, provisioningState: c.clusterState === "Running" ? "Succeeded" : "InProgress",
          computeProfile: { roles: [{ name: "headnode", targetInstanceCount: 2 }, { name: "workernode", targetInstanceCount: c.workers }] } },
      });
    }
    if (/^\/subscriptions\/[^/]+\/providers\/Microsoft\.Authorization\/permissions\?api-version=2022-04-01$/.test(url)) {
      return send(200, { value: arm.permissions.subscription.map(withDetails) });
    }
    send(400, { error: { code: "InvalidRequest", message: `unknown request ${url}` } });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  arm.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  arm.reset = () => { arm.groups.clear(); arm.clusters.clear(); arm.permissions.subscription = []; arm.permissions.groups.clear(); arm.seen.length = 0; arm.answer = undefined; };
  arm.close = () => new Promise<void>((r) => server.close(() => r()));
  return arm;
}
