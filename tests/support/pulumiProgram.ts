/**
 * Runs the real index.ts under Pulumi's unit-test mocks and records what it registers: inputs
 * (secrets keep their secret marker), dependency edges and ignoreChanges, as the engine sees them.
 * One run per jest test file: index.ts runs at import, and jest isolates modules per file.
 */
import * as pulumi from "@pulumi/pulumi";
import { PROJECT } from "../../stacks/config";

export const MOCK_SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";
export const MOCK_PRINCIPAL = "11111111-2222-3333-4444-555555555555";
export const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export interface Registered {
  type: string;
  name: string;
  urn: string;
  id: string;
  inputs: Record<string, any>;
  dependencies: string[];
  ignoreChanges: string[];
}

export interface ProgramRun {
  resources: Registered[];
  outputs: Record<string, any>;
  error?: unknown;
  warnings: string[];
}

export interface RunOptions {
  stack?: string;
  /** Config keys (without the project prefix) stored as secrets. */
  secretKeys?: string[];
  /** Called before a resource is "created"; may delay it, as a slow cloud would. */
  beforeCreate?: (args: pulumi.runtime.MockResourceArgs) => Promise<void>;
}

const NAME_INPUT: Record<string, string> = {
  "azure-native:resources:ResourceGroup": "resourceGroupName",
  "azure-native:network:Subnet": "subnetName",
  "azure-native:storage:StorageAccount": "accountName",
  "azure-native:storage:BlobContainer": "containerName",
  "azure-native:hdinsight:Cluster": "clusterName",
  "azure-native:logic:Workflow": "workflowName",
  "azure-native:storage:Blob": "blobName",
  "docker:index/network:Network": "name",
  "docker:index/volume:Volume": "name",
  "docker:index/container:Container": "name",
  "docker:index/image:Image": "imageName",
};

export async function runProgram(config: Record<string, string>, options: RunOptions = {}): Promise<ProgramRun> {
  const stack = options.stack ?? "test";
  const full = (k: string) => `${PROJECT}:${k}`;
  pulumi.runtime.setAllConfig(
    Object.fromEntries(Object.entries(config).map(([k, v]) => [full(k), v])),
    (options.secretKeys ?? []).map(full),
  );

  const created = new Map<string, Omit<Registered, "urn" | "dependencies" | "ignoreChanges">>();
  await pulumi.runtime.setMocks({
    async newResource(args) {
      await options.beforeCreate?.(args);
      const nameInput = NAME_INPUT[args.type];
      const name = (nameInput && args.inputs[nameInput]) || args.name;
      // What Azure computes and the program reads back: a group's ARM id, an identity's principal.
      const id = args.type === "azure-native:resources:ResourceGroup" ? `/subscriptions/${MOCK_SUBSCRIPTION}/resourceGroups/${name}` : `/mock/${args.type}/${name}`;
      const state: Record<string, any> = { ...args.inputs, name };
      if (args.inputs.identity?.type === "SystemAssigned") state.identity = { ...args.inputs.identity, principalId: MOCK_PRINCIPAL, tenantId: MOCK_SUBSCRIPTION };
      created.set(`${args.type}::${args.name}`, { type: args.type, name: args.name, id, inputs: args.inputs });
      return { id, state };
    },
    call(args) {
      if (args.token === "azure-native:authorization:getClientConfig") {
        return { clientId: MOCK_PRINCIPAL, objectId: MOCK_PRINCIPAL, subscriptionId: MOCK_SUBSCRIPTION, tenantId: MOCK_SUBSCRIPTION };
      }
      if (args.token === "azure-native:storage:listStorageAccountKeys") {
        return { keys: [{ keyName: "key1", value: "mock-storage-account-key", permissions: "FULL" }] };
      }
      return {};
    },
  }, PROJECT, stack, false);

  // Record what the SDK sends the engine for each registration.
  const monitor = pulumi.runtime.getMonitor() as any;
  const requests = new Map<string, { dependencies: string[]; ignoreChanges: string[] }>();
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, callback: (err: unknown, resp: any) => void) =>
    register(req, (err: unknown, resp: any) => {
      if (resp) requests.set(resp.getUrn(), { dependencies: req.getDependenciesList(), ignoreChanges: req.getIgnorechangesList() });
      callback(err, resp);
    });

  const warnings: string[] = [];
  const warn = jest.spyOn(pulumi.log, "warn").mockImplementation(async (msg: string) => { warnings.push(msg); });

  let outputs: Record<string, any> = {};
  let error: unknown;
  try {
    // index.ts exports a promise of its outputs (the Azure preflight asks Azure first).
    const program = await import("../../index");
    outputs = await resolveAll({ ...(await (program as { default: Promise<Record<string, unknown>> }).default) });
  } catch (e) {
    error = e;
  } finally {
    warn.mockRestore();
  }

  const resources: Registered[] = [];
  for (const [urn, req] of requests) {
    const [type, name] = urn.split("::").slice(-2);
    const leafType = type.split("$").pop()!;
    const record = created.get(`${leafType}::${name}`);
    if (record) resources.push({ ...record, urn, ...req });
  }
  return { resources, outputs, error, warnings };
}

/** Resolves every Output in a structure, keeping a marker on secret ones. */
async function resolveAll(value: any): Promise<any> {
  if (pulumi.Output.isInstance(value)) {
    const [resolved, secret] = await Promise.all([new Promise((r) => value.apply(r)), pulumi.isSecret(value)]);
    const inner = await resolveAll(resolved);
    return secret ? { [SECRET_SIG_KEY]: SECRET_SIG, value: inner } : inner;
  }
  if (Array.isArray(value)) return Promise.all(value.map(resolveAll));
  if (value && typeof value === "object" && !(value instanceof pulumi.Resource)) {
    const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await resolveAll(v)]));
    return Object.fromEntries(entries);
  }
  return value;
}

export const isSecretValue = (v: any) => !!v && typeof v === "object" && v[SECRET_SIG_KEY] === SECRET_SIG;

/** Replaces secret wrappers by their values, for assertions on structure. */
export function unwrapSecrets(value: any): any {
  if (isSecretValue(value)) return unwrapSecrets(value.value);
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
  return value;
}

/** Removes secret-marked values, leaving what Pulumi would show in plain text. */
export function withoutSecrets(value: any): any {
  if (isSecretValue(value)) return "[secret]";
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutSecrets(v)]));
  return value;
}

export const ofType = (run: ProgramRun, type: string) => run.resources.filter((r) => r.type === type);
