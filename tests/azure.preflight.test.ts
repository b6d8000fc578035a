/**
 * The deadline's permission preflight: creating its role assignment needs
 * Microsoft.Authorization/roleAssignments/write. Azure's built-in roles as Azure defines them
 * (actions minus notActions), and the question put to a local server answering as ARM's
 * Microsoft.Authorization/permissions API does.
 */
import { checkDeadlinePermission, mayAssignRoles, permits, ROLE_ASSIGNMENT_WRITE, type ArmPermission } from "../stacks/azure/preflight";
import { fakeCredential, startFakeArm, type FakeArm } from "./support/fakeArm";

// Built-in role definitions (learn.microsoft.com, "Azure built-in roles"), abridged to what matters here.
const OWNER: ArmPermission = { actions: ["*"], notActions: [] };
const CONTRIBUTOR: ArmPermission = {
  actions: ["*"],
  notActions: ["Microsoft.Authorization/*/Delete", "Microsoft.Authorization/*/Write", "Microsoft.Authorization/elevateAccess/Action", "Microsoft.Blueprint/blueprintAssignments/write", "Microsoft.Blueprint/blueprintAssignments/delete", "Microsoft.Compute/galleries/share/action"],
};
const READER: ArmPermission = { actions: ["*/read"], notActions: [] };
const USER_ACCESS_ADMINISTRATOR: ArmPermission = { actions: ["*/read", "Microsoft.Authorization/*", "Microsoft.Support/*"], notActions: [] };
const RBAC_ADMINISTRATOR: ArmPermission = {
  actions: ["Microsoft.Authorization/roleAssignments/write", "Microsoft.Authorization/roleAssignments/delete", "*/read", "Microsoft.Support/*"],
  notActions: [],
};

test.each([
  ["Owner", [OWNER], true],
  ["Contributor", [CONTRIBUTOR], false],
  ["Reader", [READER], false],
  ["User Access Administrator", [USER_ACCESS_ADMINISTRATOR], true],
  ["Role Based Access Control Administrator", [RBAC_ADMINISTRATOR], true],
  ["Contributor + User Access Administrator", [CONTRIBUTOR, USER_ACCESS_ADMINISTRATOR], true],
  ["Contributor + Reader", [CONTRIBUTOR, READER], false],
  ["no role at all", [], false],
] as [string, ArmPermission[], boolean][])("%s may create role assignments: %s", (_role, permissions, expected) => {
  expect(permits(permissions, ROLE_ASSIGNMENT_WRITE)).toBe(expected);
});

test("action names match case-insensitively, as Azure compares them", () => {
  expect(permits([{ actions: ["microsoft.authorization/ROLEASSIGNMENTS/*"] }], ROLE_ASSIGNMENT_WRITE)).toBe(true);
});

describe("asking Azure", () => {
  let arm: FakeArm;
  const SUB = "00000000-1111-2222-3333-444444444444";
  beforeAll(async () => { arm = await startFakeArm(); });
  afterAll(() => arm.close());
  beforeEach(() => arm.reset());
  const deps = () => ({ subscriptionId: async () => SUB, credential: async () => fakeCredential });

  test("before the first deployment the group does not exist: the subscription's permissions decide", async () => {
    arm.permissions.subscription = [CONTRIBUTOR];
    expect(await mayAssignRoles(SUB, "rg-lab", { credential: fakeCredential, endpoint: arm.endpoint })).toBe(false);
    expect(arm.seen.map((s) => s.url)).toEqual([
      `/subscriptions/${SUB}/resourceGroups/rg-lab/providers/Microsoft.Authorization/permissions?api-version=2022-04-01`,
      `/subscriptions/${SUB}/providers/Microsoft.Authorization/permissions?api-version=2022-04-01`,
    ]);
  });

  test("on an existing group, a role granted on the group itself counts", async () => {
    arm.groups.set("rg-lab", { provisioningState: "Succeeded" });
    arm.permissions.subscription = [CONTRIBUTOR];
    arm.permissions.groups.set("rg-lab", [USER_ACCESS_ADMINISTRATOR]);
    expect(await mayAssignRoles(SUB, "rg-lab", { credential: fakeCredential, endpoint: arm.endpoint })).toBe(true);
    expect(arm.seen).toHaveLength(1);
  });

  test("a Contributor-only login is refused before anything is declared, with the roles that would do and the way to turn the deadline off", async () => {
    arm.permissions.subscription = [CONTRIBUTOR];
    const warnings: string[] = [];
    const refused = await checkDeadlinePermission("rg-lab", deps(), (m) => warnings.push(m), arm.endpoint);
    expect(refused?.key).toBe("autoDeleteAfter");
    expect(refused?.message).toMatch(/may not create role assignments.*Contributor is not enough; Owner, User Access Administrator or Role Based Access Control Administrator is/);
    expect(refused?.fix).toContain("pulumi config set autoDeleteAfter off");
    expect(warnings).toEqual([]);
  });

  test("an Owner passes", async () => {
    arm.permissions.subscription = [OWNER];
    expect(await checkDeadlinePermission("rg-lab", deps(), () => undefined, arm.endpoint)).toBeUndefined();
  });

  test("when Azure cannot be asked (no login, no subscription), a warning says what would happen, and the deployment goes on", async () => {
    const warnings: string[] = [];
    expect(await checkDeadlinePermission("rg-lab", { subscriptionId: async () => undefined, credential: async () => fakeCredential }, (m) => warnings.push(m), arm.endpoint)).toBeUndefined();
    expect(warnings).toEqual([expect.stringMatching(/Could not check .*no subscription selected.*stops at that role assignment, before any cluster is created/)]);
    expect(arm.seen).toEqual([]);
  });
});
