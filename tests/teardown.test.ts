/**
 * The Azure half of the teardown without Azure: the resource-group check against a local HTTP
 * server that answers as Azure Resource Manager documents it (200 with properties, 404
 * ResourceGroupNotFound, 401 InvalidAuthenticationToken, 403 AuthorizationFailed), and the flow
 * (plan, destroy, verify) with a stand-in for the Pulumi stack. The local half runs for real in
 * tests/demo.live.test.ts and tests/pulumi.live.test.ts.
 */
import { parseResourceGroupId, resourceGroupState } from "../jobs/azure/resourceGroup";
import { HttpError, HttpForbiddenError, HttpLoginError } from "../lib/http/errors";
import { localConfigForTeardown, planAzureTeardown, removalHint, teardownAzure, type PulumiStackHandle } from "../jobs/teardown";
import { outcomeTable, planTable } from "../scripts/teardown";
import { azureSizing } from "../stacks/config";
import { estimateCost } from "../stacks/azure/cost";
import type { TokenCredential } from "@azure/core-auth";
import { VALID_AZURE } from "./support/fixtures";
import { FAKE_TOKEN, fakeCredential as credential, startFakeArm, type FakeArm } from "./support/fakeArm";

const SUB = "00000000-1111-2222-3333-444444444444";
const RG_ID = `/subscriptions/${SUB}/resourceGroups/rg-lab`;
const TOKEN = FAKE_TOKEN;

let arm: FakeArm;
let endpoint: string;
let groups: FakeArm["groups"];
let seen: FakeArm["seen"];
const setAnswer = (f: FakeArm["answer"]) => { arm.answer = f; };

beforeAll(async () => { arm = await startFakeArm(); endpoint = arm.endpoint; groups = arm.groups; seen = arm.seen; });
afterAll(() => arm.close());
beforeEach(() => arm.reset());

describe("resourceGroupState (ARM REST)", () => {
  test("a group that exists: its provisioning state and tags, asked with the user's bearer token", async () => {
    groups.set("rg-lab", { provisioningState: "Succeeded", tags: { "expires-at": "2026-12-02T14:00:00Z" } });
    expect(await resourceGroupState(RG_ID, { credential, endpoint })).toEqual({ exists: true, provisioningState: "Succeeded", tags: { "expires-at": "2026-12-02T14:00:00Z" } });
    expect(seen).toEqual([{ url: `/subscriptions/${SUB}/resourcegroups/rg-lab?api-version=2021-04-01`, auth: `Bearer ${TOKEN}` }]);
  });

  test("404 ResourceGroupNotFound means gone", async () => {
    expect(await resourceGroupState(RG_ID, { credential, endpoint })).toEqual({ exists: false });
  });

  test("a token Azure refuses: 401, told to az login", async () => {
    const bad: TokenCredential = { getToken: async () => ({ token: "expired", expiresOnTimestamp: 0 }) };
    const e = await resourceGroupState(RG_ID, { credential: bad, endpoint }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(HttpLoginError);
    expect((e as HttpError).status).toBe(401);
    expect((e as HttpError).exitCode).toBe(3);
    expect((e as Error).message).toMatch(/InvalidAuthenticationToken.*az login/);
  });

  test("no permission to read the group: 403 with Azure's code and what to ask for", async () => {
    setAnswer(() => ({ status: 403, body: { error: { code: "AuthorizationFailed", message: "The client does not have authorization to perform action 'Microsoft.Resources/subscriptions/resourcegroups/read'." } } }));
    const e = (await resourceGroupState(RG_ID, { credential, endpoint }).catch((x: unknown) => x)) as HttpError;
    expect(e).toBeInstanceOf(HttpForbiddenError);
    expect(e.status).toBe(403);
    expect(e.message).toMatch(/may not read resource group rg-lab.*Reader.*AuthorizationFailed/);
  });

  test("no login at all: the credential's failure becomes one line saying how to sign in", async () => {
    const none: TokenCredential = { getToken: async () => { throw new Error("Azure CLI not found"); } };
    const e = (await resourceGroupState(RG_ID, { credential: none, endpoint }).catch((x: unknown) => x)) as HttpError;
    expect(e).toBeInstanceOf(HttpLoginError);
    expect(e.message).toMatch(/sign in with `az login`/);
    expect((e.cause as Error).message).toBe("Azure CLI not found");
    expect(seen).toEqual([]);
  });

  test("an id that is not a resource group's is refused before any request", () => {
    expect(() => parseResourceGroupId(`/subscriptions/${SUB}`)).toThrow(/not a resource group id/);
    expect(parseResourceGroupId(RG_ID)).toEqual({ subscriptionId: SUB, resourceGroup: "rg-lab" });
  });
});

describe("the Azure teardown flow", () => {
  const resources = [
    { type: "pulumi:pulumi:Stack", name: "kafka-spark-lab-azure" },
    { type: "kafka-spark-lab:azure:Environment", name: "lab" },
    { type: "azure-native:resources:ResourceGroup", name: "resource-group" },
    { type: "azure-native:hdinsight:Cluster", name: "kafka-cluster" },
    { type: "azure-native:hdinsight:Cluster", name: "spark-cluster" },
  ];
  const usdPerHour = estimateCost(azureSizing(VALID_AZURE).sizing!).usdPerHour;
  function fakeStack(onDestroy: () => void): PulumiStackHandle & { destroyed: number } {
    const h = {
      destroyed: 0,
      outputs: async () => ({ target: "azure", resourceGroupId: RG_ID }),
      resources: async () => (h.destroyed ? [] : resources),
      destroy: async (onOutput: (t: string) => void) => { onOutput("Destroying (azure):\n"); h.destroyed++; onDestroy(); },
    };
    return h;
  }
  const options = (handle: PulumiStackHandle | undefined) => ({
    stack: "azure", handle, usdPerHour, resourceGroupState: (id: string) => resourceGroupState(id, { credential, endpoint }),
  });

  test("the plan lists the Azure resources (not Pulumi's bookkeeping) and the hourly cost from the config", async () => {
    const plan = await planAzureTeardown(options(fakeStack(() => undefined)));
    expect(plan.remove).toEqual([
      { kind: "ResourceGroup", name: "resource-group" }, { kind: "Cluster", name: "kafka-cluster" }, { kind: "Cluster", name: "spark-cluster" },
    ]);
    expect(plan.usdPerHour).toBeGreaterThan(0);
    expect(plan.usdPerHour).toBe(usdPerHour);
    expect(plan.resourceGroupId).toBe(RG_ID);
    expect(planTable(plan)).toMatch(/\| delete \| Cluster\s+\| kafka-cluster/);
  });

  test("destroy, then Azure says the group is gone: nothing left", async () => {
    groups.set("rg-lab", { provisioningState: "Succeeded" });
    const stack = fakeStack(() => groups.delete("rg-lab"));
    const o = options(stack);
    const plan = await planAzureTeardown(o);
    const notes: string[] = [];
    const outcome = await teardownAzure(o, plan, (m) => notes.push(m));
    expect(stack.destroyed).toBe(1);
    expect(outcome.leftovers).toEqual([]);
    expect(notes.join("\n")).toMatch(/pulumi destroy --stack azure \(3 Azure resources/);
    expect(seen.map((s) => s.url)).toEqual([`/subscriptions/${SUB}/resourcegroups/rg-lab?api-version=2021-04-01`]);
  });

  test("a group Azure still has after destroy (e.g. still deleting, or a lock) is a leftover with its state and how to delete it", async () => {
    groups.set("rg-lab", { provisioningState: "Succeeded" });
    const o = options(fakeStack(() => groups.set("rg-lab", { provisioningState: "Deleting" })));
    const plan = await planAzureTeardown(o);
    const outcome = await teardownAzure(o, plan, () => undefined);
    expect(outcome.leftovers).toEqual([{ kind: "resource group", name: "rg-lab", state: "still deleting" }]);
    expect(removalHint(outcome.leftovers[0])).toBe("az group delete --name rg-lab");
    expect(outcomeTable(plan, { ...outcome, seconds: 1 })).toMatch(/\| left over\s+\| resource group rg-lab \[still deleting\]/);
  });

  test("re-running on a destroyed stack deletes nothing and stops no cost", async () => {
    const stack = fakeStack(() => undefined);
    stack.destroyed = 1;
    const plan = await planAzureTeardown(options(stack));
    expect(plan.remove).toEqual([]);
    expect(plan.usdPerHour).toBe(0);
    expect(await teardownAzure(options(stack), plan, () => undefined)).toEqual({ leftovers: [], kept: [] });
    expect(stack.destroyed).toBe(1);
  });

  test("a config that no longer validates does not block the teardown: the estimate the stack exported at its last up is shown", async () => {
    const stack = fakeStack(() => undefined);
    const exported = { ...stack, outputs: async () => ({ target: "azure", resourceGroupId: RG_ID, estimatedCost: { usdPerHour: 7.25 } }) };
    const plan = await planAzureTeardown({ ...options(exported), usdPerHour: undefined, configIssues: "kafka-spark-lab:kafkaWorkerNodeSize: Standard_D3_v2 is retired" });
    expect(plan.remove).toHaveLength(3);
    expect(plan.usdPerHour).toBe(7.25);
    expect(plan.costNote).toMatch(/no longer validates \(kafka-spark-lab:kafkaWorkerNodeSize: Standard_D3_v2 is retired\), so as the stack estimated it at its last pulumi up/);
    const unknown = await planAzureTeardown({ ...options(stack), usdPerHour: undefined, configIssues: "x" });
    expect(unknown.usdPerHour).toBeNaN();
    expect(unknown.costNote).toMatch(/the cost per hour is unknown/);
    expect(outcomeTable(unknown, { leftovers: [], kept: [], seconds: 1 })).toMatch(/\| cost stopped \| unknown per hour/);
  });
});

describe("a teardown whose stack file no longer validates", () => {
  // Azure: teardown.pulumi.tools.test.ts (the real Pulumi CLI).
  test("local: keys that no longer validate are replaced by their defaults (the stack is found by its labels), with a note naming them", () => {
    const notes: string[] = [];
    const config = localConfigForTeardown({ target: "local", localWorkerCount: "many", localSshPort: "2222" }, "Pulumi.dev.yaml", (m) => notes.push(m));
    expect(config.target).toBe("local");
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/^Pulumi\.dev\.yaml no longer validates \(.*localWorkerCount.*\); the stack is found by its labels, so it is deleted all the same$/);
    const valid: string[] = [];
    localConfigForTeardown({ target: "local" }, "Pulumi.dev.yaml", (m) => valid.push(m));
    expect(valid).toEqual([]);
  });
});
