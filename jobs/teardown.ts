/**
 * Teardown: what a stack has, what deleting it stops paying for, the deletion itself, and an
 * independent check afterwards that nothing is left. One flow for both targets; each target
 * supplies how to look (`inventory`), how to delete (`destroy`) and what "gone" means.
 */
import execa from "execa";
import { azureSizing, PROJECT, validateConfig, type LocalConfig } from "../stacks/config";
import { estimateCost } from "../stacks/azure/cost";
import { topologyFor, type DockerTopology, type Topology } from "../stacks/local/topology";
import { twinTopologyFor, twinTopologyKeys } from "../stacks/twin/config";
import { renderTwinCompose, TWIN_PASSWORD_VARIABLE, TWIN_SSH_KEY_VARIABLE } from "../stacks/twin/compose";
import { mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { defaultAzureCredential, resourceGroupState, type ResourceGroupState } from "./azure/resourceGroup";
import { StackOutputsError, UsageError } from "../lib/errors";
import { chooseUpVia, composeFileFor, composeProject, everyFewSeconds, requireDocker } from "./local/stack";
import { openPulumiStack, requireStackFile, type PulumiStack } from "./pulumiStack";

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
  target: "local" | "azure" | "twin";
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

// ------------------------------------------------------------------------------------- local

export interface LocalTeardownOptions {
  stack: string;
  workDir: string;
  /** The labels and image that find the stack's resources; a twin's too. */
  topology: DockerTopology;
  /** `docker-compose down` of the stack's compose file (default: the local stack's). */
  composeDown?: () => Promise<unknown>;
  target?: "local" | "twin";
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
export async function localInventory(t: DockerTopology, o: { sizes: boolean } = { sizes: true }): Promise<StackItem[]> {
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
    target: o.target ?? "local",
    remove: items.filter((i) => !keep(i)),
    keep: items.filter(keep),
    usdPerHour: 0,
    costNote: o.target === "twin"
      ? "an HDInsight 5.1 twin on Docker: no cloud charges, it frees your machine's memory and ports (a rehearsal's data goes with it)"
      : "a local Docker stack: no cloud charges, it frees your machine's memory and ports",
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
  const handle = (await chooseUpVia("auto")).via === "pulumi" ? await deployedWithPulumi(o.stack, o.workDir) : undefined;
  const resources = handle ? (await handle.resources()).length : 0;
  if (handle && resources > 0) {
    note(`pulumi destroy --stack ${o.stack} (${resources} resources)`);
    await handle.destroy(() => undefined);
  }
  await stopping;
  const left = await names();
  if (left.some((i) => i.kind === "container" || i.kind === "network")) {
    note("docker-compose down");
    await (o.composeDown ? o.composeDown() : execa("docker-compose", ["-p", composeProject(o.stack), "-f", composeFileFor(o.topology as Topology), "down", "--remove-orphans"]));
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
    // The build's stage images (untagged, labelled in the Dockerfile's first stage): without them a
    // "removed" image still holds gigabytes, and the next build is not really from scratch.
    const stages = (await execa("docker", ["image", "ls", "-aq", "--filter", `label=${NODE_IMAGE_LABEL}`], { reject: false })).stdout.split("\n").filter(Boolean);
    if (stages.length) {
      note(`docker image rm (${stages.length} build stage images labelled ${NODE_IMAGE_LABEL})`);
      await execa("docker", ["image", "rm", ...new Set(stages)], { reject: false });
    }
  }
}

/** The label of every stage of the node image (stacks/local/image/Dockerfile). */
export const NODE_IMAGE_LABEL = "kafka-spark-lab.image=node";

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

/** The parts of a Pulumi stack the teardown uses. */
export type PulumiStackHandle = Pick<PulumiStack, "outputs" | "resources" | "destroy">;

/** The stack as Pulumi has it; undefined when Pulumi has no such stack (or, locally, no CLI or login: compose started it). */
export async function deployedWithPulumi(stack: string, workDir: string, o: { local: boolean } = { local: true }): Promise<PulumiStack | undefined> {
  try {
    return await openPulumiStack(stack, workDir);
  } catch (e) {
    if (e instanceof StackOutputsError && (e.reason === "no-stack" || (o.local && e.reason !== "other"))) return undefined;
    throw e;
  }
}

export interface AzureTeardownOptions {
  stack: string;
  handle: PulumiStackHandle | undefined;
  /**
   * What the environment costs per hour, from its config (stacks/azure/cost.ts); undefined when the
   * config no longer validates (the estimate the stack exported at its last `up` is used then).
   */
  usdPerHour: number | undefined;
  /** Why the config does not validate, when it does not: the teardown goes on (it needs only the stack). */
  configIssues?: string;
  /** Checks a resource group by id (jobs/azure/resourceGroup.ts with the user's credential). */
  resourceGroupState: (id: string) => Promise<{ exists: boolean; provisioningState?: string }>;
}

/** Pulumi's own bookkeeping (the stack, providers) and our components are not things Azure bills. */
const isAzureResource = (type: string) => type.startsWith("azure-native:");

export async function planAzureTeardown(o: AzureTeardownOptions): Promise<TeardownPlan & { resourceGroupId?: string }> {
  const resources = o.handle ? await o.handle.resources() : [];
  const outputs = o.handle && resources.length ? await o.handle.outputs() : {};
  const resourceGroupId = typeof outputs.resourceGroupId === "string" ? outputs.resourceGroupId : undefined;
  const remove = resources.filter((r) => isAzureResource(r.type)).map((r) => ({ kind: r.type.split(":").pop() ?? r.type, name: r.name }));
  const exported = (outputs.estimatedCost as { usdPerHour?: unknown } | undefined)?.usdPerHour;
  const fromOutputs = typeof exported === "number" ? exported : undefined;
  const usdPerHour = !remove.length ? 0 : o.usdPerHour ?? fromOutputs ?? Number.NaN;
  const costNote = !remove.length ? "nothing deployed"
    : o.usdPerHour !== undefined ? "estimated from the stack's config (npm run cost)"
    : `the config no longer validates (${o.configIssues}), so ${fromOutputs !== undefined ? "as the stack estimated it at its last pulumi up" : "the cost per hour is unknown"}`;
  return { stack: o.stack, target: "azure", remove, keep: [], usdPerHour, costNote, resourceGroupId };
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

// ------------------------------------------------------------------------------------- either

export interface TeardownRequest {
  stack: string;
  workDir: string;
  /** Local only: also delete the data volumes / the node image. */
  volumes: boolean;
  images: boolean;
}

/** What the teardown of a stack will do, and the function that does it and checks the result. */
export interface Teardown {
  plan: TeardownPlan;
  run(note: (m: string) => void): Promise<Omit<TeardownOutcome, "seconds">>;
}

/**
 * The teardown of a stack, whichever its target: from its stack file, what Pulumi (Azure) or the
 * Docker engine (local) holds of it, and how deleting it is checked afterwards.
 */
export async function prepareTeardown(r: TeardownRequest, o: { resourceGroupState?: (id: string) => Promise<ResourceGroupState>; onConfigIssue?: (message: string) => void } = {}): Promise<Teardown> {
  const stackFile = requireStackFile(r.stack, r.workDir);
  if (stackFile.raw.target === "azure") {
    if (r.volumes || r.images) throw new UsageError("--volumes and --images are for a local stack: an Azure teardown deletes the whole resource group, storage included");
    // A config that no longer validates (an edited key, a retired VM size) must never keep a billing
    // stack alive: deleting it needs only Pulumi's record of the stack, not the config.
    const { sizing, issues } = azureSizing(stackFile.raw);
    const handle = await deployedWithPulumi(r.stack, r.workDir, { local: false });
    // Without Pulumi's record of the stack there is nothing to destroy or check: say so, never "nothing left".
    if (!handle) throw new StackOutputsError(`Pulumi has no stack "${r.stack}" here: log in to the backend that holds it (pulumi login) and check pulumi stack ls`);
    const credential = o.resourceGroupState ? undefined : await defaultAzureCredential();
    const azure: AzureTeardownOptions = {
      stack: r.stack,
      handle,
      usdPerHour: sizing && estimateCost(sizing).usdPerHour,
      configIssues: sizing ? undefined : issues.map((i) => `${i.key}: ${i.message}`).join("; "),
      resourceGroupState: o.resourceGroupState ?? ((id: string) => resourceGroupState(id, { credential: credential! })),
    };
    const plan = await planAzureTeardown(azure);
    return { plan, run: (note) => teardownAzure(azure, plan, note) };
  }
  if (stackFile.raw.target === "twin") {
    if (r.volumes) throw new UsageError("--volumes is for a local stack: a twin's teardown deletes its data volumes anyway (a rehearsal keeps nothing)");
    await requireDocker();
    const twin = twinTeardownOptions(r.stack, r.workDir, stackFile.raw, r.images);
    return { plan: await planLocalTeardown(twin), run: async (note) => { await destroyLocalStack(twin, note); return verifyLocalTeardown(twin); } };
  }
  if (stackFile.raw.target !== "local") throw new StackOutputsError(`${stackFile.file} is not a local, Azure or twin stack (target ${stackFile.raw.target ?? "unset"})`);
  const config = localConfigForTeardown(stackFile.raw, stackFile.file, o.onConfigIssue ?? (() => undefined));
  await requireDocker();
  const local: LocalTeardownOptions = { stack: r.stack, workDir: r.workDir, topology: topologyFor(config, PROJECT, r.stack), volumes: r.volumes, images: r.images };
  return { plan: await planLocalTeardown(local), run: async (note) => { await destroyLocalStack(local, note); return verifyLocalTeardown(local); } };
}

/** A twin's teardown: found by its labels like a local stack, its compose file rendered for its stack, its volumes always deleted. */
function twinTeardownOptions(stack: string, workDir: string, raw: Record<string, string>, images: boolean): LocalTeardownOptions {
  const keys = twinTopologyKeys(raw).keys ?? twinTopologyKeys({}).keys!;
  const topology = twinTopologyFor(keys, PROJECT, stack);
  return {
    stack, workDir, topology, volumes: true, images, target: "twin",
    composeDown: async () => {
      const file = join(mkdtempSync(join(tmpdir(), "kafka-spark-lab-twin-")), "docker-compose.yml");
      writeFileSync(file, renderTwinCompose(topology).replace(/context: \.\/image/g, `context: ${join(workDir, "stacks", "twin", "image")}`));
      // Compose reads the file's ${...} for down too; the values do not matter then.
      await execa("docker-compose", ["-p", composeProject(stack), "-f", file, "down", "--volumes", "--remove-orphans"], { env: { ...process.env, [TWIN_PASSWORD_VARIABLE]: "-", [TWIN_SSH_KEY_VARIABLE]: "-" } });
    },
  };
}

/**
 * A local stack's config for its teardown. The resources are found by the labels of the project and
 * stack (localInventory), which no config key changes, so keys that no longer validate are dropped
 * and their defaults used, with a note, instead of refusing to delete the stack.
 */
export function localConfigForTeardown(raw: Record<string, string>, file: string, onConfigIssue: (message: string) => void): LocalConfig {
  const first = validateConfig(raw);
  if (first.config?.target === "local") return first.config;
  const bad = new Set(first.issues.map((i) => i.key));
  const kept = Object.fromEntries(Object.entries(raw).filter(([k]) => !bad.has(k) && !bad.has(`${PROJECT}:${k}`)));
  const second = validateConfig({ ...kept, target: "local" });
  if (second.config?.target !== "local") throw new StackOutputsError(`${file}: ${second.issues.map((i) => `${i.key}: ${i.message}`).join("; ")}`);
  onConfigIssue(`${file} no longer validates (${first.issues.map((i) => `${i.key}: ${i.message}`).join("; ")}); the stack is found by its labels, so it is deleted all the same`);
  return second.config;
}
