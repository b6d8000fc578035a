/**
 * Teardown: what a stack has, what deleting it stops paying for, the deletion itself, and an
 * independent check afterwards that nothing is left. One flow for both targets; each target
 * supplies how to look (`inventory`), how to delete (`destroy`) and what "gone" means.
 */
import execa from "execa";
import type { Topology } from "../stacks/local/topology";
import { chooseUpVia, composeFileFor, composeProject, everyFewSeconds } from "./localStack";
import { plainOutputs } from "./stackOutputs";

/** One thing a stack owns, as the teardown shows it. */
export interface StackItem {
  kind: string;
  name: string;
  /** Human-readable size, when the thing has one (volumes, images). */
  size?: string;
  /** Its state, when that matters (e.g. "still deleting"). */
  state?: string;
}

export interface TeardownPlan {
  stack: string;
  target: "local" | "azure";
  remove: StackItem[];
  keep: StackItem[];
  /** What the stack costs per hour while it exists: what the teardown stops. */
  usdPerHour: number;
  costNote: string;
}

export interface TeardownOutcome {
  /** Things that should be gone and are not (found independently of the deletion). */
  leftovers: StackItem[];
  /** Things kept on purpose, with their sizes. */
  kept: StackItem[];
  seconds: number;
}

export class TeardownError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "TeardownError";
  }
}

// ------------------------------------------------------------------------------------- local

export interface LocalTeardownOptions {
  stack: string;
  workDir: string;
  topology: Topology;
  /** Also delete the data volumes (HDFS, Kafka logs, SSH keys). */
  volumes: boolean;
  /** Also delete the node image. */
  images: boolean;
}

const lines = async (args: string[]) =>
  (await execa("docker", args)).stdout.split("\n").map((l) => l.trim()).filter(Boolean);

/**
 * Everything of the stack on the Docker engine, found by the labels the topology puts on every
 * container, network and volume, whoever created it (Pulumi, compose, or a user by hand).
 */
export async function localInventory(t: Topology, o: { sizes: boolean } = { sizes: true }): Promise<StackItem[]> {
  const filters = Object.entries(t.labels).flatMap(([k, v]) => ["--filter", `label=${k}=${v}`]);
  const [containers, networks, volumes] = await Promise.all([
    lines(["ps", "-a", ...filters, "--format", "{{.Names}}"]),
    lines(["network", "ls", ...filters, "--format", "{{.Name}}"]),
    lines(["volume", "ls", ...filters, "--format", "{{.Name}}"]),
  ]);
  // `docker system df -v` takes about a second: only the tables people read need the sizes.
  const volumeSizes = o.sizes && volumes.length ? await volumeSizesByName() : new Map<string, string>();
  const image = await execa("docker", ["image", "inspect", t.image, "--format", "{{.Size}}"], { reject: false });
  return [
    ...containers.map((name) => ({ kind: "container", name })),
    ...networks.map((name) => ({ kind: "network", name })),
    ...volumes.map((name) => ({ kind: "volume", name, size: volumeSizes.get(name) })),
    ...(image.exitCode === 0 ? [{ kind: "image", name: t.image, size: megabytes(Number(image.stdout.trim())) }] : []),
  ];
}

const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

async function volumeSizesByName(): Promise<Map<string, string>> {
  const r = await execa("docker", ["system", "df", "-v", "--format", "{{json .Volumes}}"], { reject: false });
  try {
    const volumes = JSON.parse(r.stdout) as { Name: string; Size: string }[];
    return new Map(volumes.map((v) => [v.Name, v.Size]));
  } catch {
    return new Map();
  }
}

const kept = (o: Pick<LocalTeardownOptions, "volumes" | "images">) => (item: StackItem) =>
  (item.kind === "volume" && !o.volumes) || (item.kind === "image" && !o.images);

export async function planLocalTeardown(o: LocalTeardownOptions): Promise<TeardownPlan> {
  const items = await localInventory(o.topology);
  const keep = kept(o);
  return {
    stack: o.stack,
    target: "local",
    remove: items.filter((i) => !keep(i)),
    keep: items.filter(keep),
    usdPerHour: 0,
    costNote: "a local Docker stack: no cloud charges, it frees your machine's memory and ports",
  };
}

/**
 * Deletes the stack whichever way it was brought up: `pulumi destroy` when Pulumi has it
 * deployed (it keeps the data volumes: they are retainOnDelete), docker-compose down for what
 * is left; then the volumes and image when asked. Idempotent.
 */
export async function destroyLocalStack(o: LocalTeardownOptions, note: (m: string) => void): Promise<void> {
  // The nodes stop in parallel while the Pulumi engine starts (each node stops in seconds; see
  // the node image's entrypoint), so pulumi destroy or compose down only has stopped ones left.
  const names = () => localInventory(o.topology, { sizes: false });
  const running = (await names()).filter((i) => i.kind === "container").map((i) => i.name);
  const stopping = running.length ? execa("docker", ["stop", ...running], { reject: false }) : Promise.resolve();
  if (running.length) note(`docker stop ${running.join(" ")}`);
  const handle = (await chooseUpVia("auto")).via === "pulumi" ? await automationStack(o.stack, o.workDir) : undefined;
  const resources = handle ? (await handle.resources()).length : 0;
  if (handle && resources > 0) {
    note(`pulumi destroy --stack ${o.stack} (${resources} resources)`);
    await handle.destroy(() => undefined);
  }
  await stopping;
  const left = await names();
  if (left.some((i) => i.kind === "container" || i.kind === "network")) {
    note("docker-compose down");
    await execa("docker-compose", ["-p", composeProject(o.stack), "-f", composeFileFor(o.topology), "down", "--remove-orphans"]);
  }
  if (o.volumes) {
    const volumes = (await names()).filter((i) => i.kind === "volume").map((i) => i.name);
    if (volumes.length) {
      note(`docker volume rm ${volumes.join(" ")}`);
      await execa("docker", ["volume", "rm", ...volumes], { reject: false });
    }
  }
  if (o.images) {
    note(`docker image rm ${o.topology.image}`);
    await execa("docker", ["image", "rm", o.topology.image], { reject: false });
  }
}

/** What is left after the teardown, looked up again by labels: anything not kept on purpose is a leftover. */
export async function verifyLocalTeardown(o: LocalTeardownOptions): Promise<Omit<TeardownOutcome, "seconds">> {
  const items = await localInventory(o.topology);
  const keep = kept(o);
  return { leftovers: items.filter((i) => !keep(i)), kept: items.filter(keep) };
}

/** How to remove a leftover by hand. */
export function removalHint(item: StackItem): string {
  switch (item.kind) {
    case "container": return `docker rm -f ${item.name}`;
    case "network": return `docker network rm ${item.name}`;
    case "volume": return `docker volume rm ${item.name}`;
    case "image": return `docker image rm ${item.name}`;
    case "resource group": return `az group delete --name ${item.name}`;
    default: return `delete ${item.kind} ${item.name}`;
  }
}

// ------------------------------------------------------------------------------------- Azure

/** The parts of a Pulumi stack the teardown uses (the Automation API's, or a test's). */
export interface PulumiStackHandle {
  outputs(): Promise<Record<string, unknown>>;
  resources(): Promise<{ type: string; name: string }[]>;
  destroy(onOutput: (text: string) => void): Promise<void>;
}

/** The stack through Pulumi's Automation API; undefined when Pulumi has no such stack. */
export async function automationStack(stack: string, workDir: string): Promise<PulumiStackHandle | undefined> {
  const { LocalWorkspace } = await import("@pulumi/pulumi/automation");
  const s = await LocalWorkspace.selectStack({ stackName: stack, workDir }).catch(() => undefined);
  if (!s) return undefined;
  return {
    outputs: async () => plainOutputs(await s.outputs()),
    resources: async () => ((await s.exportStack()).deployment?.resources ?? []).map((r: { type: string; urn: string }) => ({ type: r.type, name: r.urn.split("::").pop() ?? r.urn })),
    destroy: async (onOutput) => { await s.destroy({ onOutput }); },
  };
}

export interface AzureTeardownOptions {
  stack: string;
  handle: PulumiStackHandle | undefined;
  /** What the environment costs per hour, from its config (stacks/azure/cost.ts). */
  usdPerHour: number;
  /** Checks a resource group by id (jobs/azureResourceGroup.ts with the user's credential). */
  resourceGroupState: (id: string) => Promise<{ exists: boolean; provisioningState?: string }>;
}

/** Pulumi's own bookkeeping (the stack, providers) and our components are not things Azure bills. */
const isAzureResource = (type: string) => type.startsWith("azure-native:");

export async function planAzureTeardown(o: AzureTeardownOptions): Promise<TeardownPlan & { resourceGroupId?: string }> {
  const resources = o.handle ? await o.handle.resources() : [];
  const outputs = o.handle && resources.length ? await o.handle.outputs() : {};
  const resourceGroupId = typeof outputs.resourceGroupId === "string" ? outputs.resourceGroupId : undefined;
  const remove = resources.filter((r) => isAzureResource(r.type)).map((r) => ({ kind: r.type.split(":").pop() ?? r.type, name: r.name }));
  return {
    stack: o.stack,
    target: "azure",
    remove,
    keep: [],
    usdPerHour: remove.length ? o.usdPerHour : 0,
    costNote: remove.length ? "estimated from the stack's config (npm run cost)" : "nothing deployed",
    resourceGroupId,
  };
}

/**
 * `pulumi destroy`, then Azure itself is asked whether the resource group still exists: the
 * group holds everything the stack created, so "gone" means nothing is billed any more.
 */
export async function teardownAzure(o: AzureTeardownOptions, plan: { resourceGroupId?: string; remove: StackItem[] }, note: (m: string) => void): Promise<Omit<TeardownOutcome, "seconds">> {
  if (o.handle && plan.remove.length) {
    note(`pulumi destroy --stack ${o.stack} (${plan.remove.length} Azure resources; deleting HDInsight clusters takes about 10 to 20 minutes)`);
    await o.handle.destroy(everyFewSeconds("pulumi", note, 10_000));
  }
  if (!plan.resourceGroupId) return { leftovers: [], kept: [] };
  const name = plan.resourceGroupId.split("/").pop() as string;
  note(`asking Azure Resource Manager whether resource group ${name} still exists`);
  const state = await o.resourceGroupState(plan.resourceGroupId);
  return {
    leftovers: state.exists ? [{ kind: "resource group", name, state: state.provisioningState === "Deleting" ? "still deleting" : state.provisioningState }] : [],
    kept: [],
  };
}
