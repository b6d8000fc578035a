/**
 * The real index.ts under Pulumi mocks, with a Contributor-only Azure login: the preflight asks
 * Azure (a local server answering as ARM) and refuses before any resource is declared, naming
 * autoDeleteAfter and the way out. Azure's login and endpoint are the only things replaced.
 */
import { runProgram } from "./support/pulumiProgram";
import { AZURE_PROGRAM_CONFIG, AZURE_SECRET_KEYS } from "./support/fixtures";
import { fakeCredential, startFakeArm, type FakeArm } from "./support/fakeArm";

let arm: FakeArm;
jest.mock("../stacks/azure/arm", () => {
  const real = jest.requireActual("../stacks/azure/arm");
  return {
    ...real,
    defaultAzureCredential: async () => fakeCredential,
    armGet: (path: string, o: object, what: string) => real.armGet(path, { ...o, endpoint: arm.endpoint }, what),
  };
});

beforeAll(async () => { arm = await startFakeArm(); });
afterAll(() => arm.close());

test("a Contributor-only login: refused with the roles that would do and how to turn the deadline off; nothing declared", async () => {
  arm.permissions.subscription = [{ actions: ["*"], notActions: ["Microsoft.Authorization/*/Write", "Microsoft.Authorization/*/Delete"] }];
  const run = await runProgram(AZURE_PROGRAM_CONFIG, { stack: "azure", secretKeys: AZURE_SECRET_KEYS });
  expect(String(run.error)).toMatch(/Invalid stack configuration: 1 problem; nothing was created/);
  expect(String(run.error)).toMatch(/kafka-spark-lab:autoDeleteAfter: your Azure login may not create role assignments/);
  expect(String(run.error)).toMatch(/Fix: .*pulumi config set autoDeleteAfter off/);
  expect(run.resources).toEqual([]);
  expect(arm.seen.map((s) => s.url)).toEqual([
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-lab42/providers/Microsoft.Authorization/permissions?api-version=2022-04-01",
    "/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Authorization/permissions?api-version=2022-04-01",
  ]);
});
