/** Small helpers for live tests on a real Docker engine: run, poll, report progress. */
import execa from "execa";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { RUN_MARKER_ENV } from "./globalSetup";
import { COMPOSE_FILE } from "../../stacks/local/compose";
import { waitFor } from "../../jobs/util/poll";
import { waitHealthy } from "../../jobs/local/stack";
import { buildWordCountJar } from "../../stacks/jobJar";

export { waitFor, waitHealthy };

export const ROOT = join(__dirname, "..", "..");
export const COMPOSE_PROJECT = "kafka-spark-lab";

/** Progress lines go straight to stderr so they show while jest is still running. */
export function progress(message: string): void {
  process.stderr.write(`[live] ${new Date().toISOString().slice(11, 19)} ${message}\n`);
}

/** Marks this jest run as one that used the engine, so that its global teardown cleans up (and only then). */
function usedDocker(): void {
  const marker = process.env[RUN_MARKER_ENV];
  if (marker && !existsSync(marker)) writeFileSync(marker, "");
}

export async function docker(args: string[], input?: string): Promise<string> {
  usedDocker();
  const { stdout } = await execa("docker", args, { input, cwd: ROOT });
  return stdout;
}

/** docker-compose on the generated compose file, with `overrides` (more compose files) on top of it. */
export async function compose(args: string[], overrides: string[] = []): Promise<string> {
  usedDocker();
  const { stdout } = await execa("docker-compose", ["-p", COMPOSE_PROJECT, "-f", COMPOSE_FILE, ...overrides.flatMap((f) => ["-f", f]), ...args], { cwd: ROOT });
  return stdout;
}

/** Runs a command in a node, as `docker exec` would (PATH has the lab's tools). */
export const inNode = (node: string, command: string, input?: string) =>
  docker(["exec", ...(input === undefined ? [] : ["-i"]), node, "bash", "-c", command], input);

/** Everything of the project still known to the engine, by label and by name. */
export async function leftovers(names: { containers: string[]; network: string; volumes: string[] }): Promise<string[]> {
  const label = `label=kafka-spark-lab.project=${COMPOSE_PROJECT}`;
  const lines = async (args: string[]) => (await docker(args)).split("\n").map((l) => l.trim()).filter(Boolean);
  const found = [
    ...(await lines(["ps", "-a", "--filter", label, "--format", "container {{.Names}}"])),
    ...(await lines(["network", "ls", "--filter", label, "--format", "network {{.Name}}"])),
    ...(await lines(["volume", "ls", "--filter", label, "--format", "volume {{.Name}}"])),
  ];
  const allContainers = await lines(["ps", "-a", "--format", "{{.Names}}"]);
  const allNetworks = await lines(["network", "ls", "--format", "{{.Name}}"]);
  const allVolumes = await lines(["volume", "ls", "--format", "{{.Name}}"]);
  found.push(...names.containers.filter((c) => allContainers.includes(c)).map((c) => `container ${c}`));
  if (allNetworks.includes(names.network)) found.push(`network ${names.network}`);
  found.push(...names.volumes.filter((v) => allVolumes.includes(v)).map((v) => `volume ${v}`));
  return [...new Set(found)];
}

/** Fails with one line saying what to install when the engine or the base image is missing; returns the engine's version. */
export async function requireDockerAndBase(): Promise<string> {
  const engine = await docker(["info", "--format", "{{.ServerVersion}}"]).catch(() => {
    throw new Error("No Docker engine answers. Start one (as root: bash stacks/local/ensure-docker.sh) and run the tests again.");
  });
  await docker(["image", "inspect", "debian:bookworm"]).catch(() => {
    throw new Error("Base image debian:bookworm is missing: `docker pull debian:bookworm`, or without a registry: bash stacks/local/make-base-image.sh");
  });
  return engine.trim();
}

/** Fails with one line saying what to install when the Pulumi CLI is missing; returns its version. */
export async function requirePulumiCli(): Promise<string> {
  const { stdout } = await execa("pulumi", ["version"]).catch(() => {
    throw new Error("The Pulumi CLI is not on PATH: install it (https://www.pulumi.com/docs/install/) and run the tests again.");
  });
  return stdout.trim();
}

/**
 * Runs `work` while no other file of this jest run does the same `what` (a lock directory of this
 * run's, created atomically): the files beside the live chain build from the node image's
 * Dockerfile too (on a machine without the image two builds at once would each do all of its
 * work), the SHARING files (tests/support/sequencer.js) build the job's jar in one target
 * directory and may find the cluster down at the same time.
 */
export async function withRunLock<T>(what: string, work: () => Promise<T>): Promise<T> {
  const lock = `${process.env[RUN_MARKER_ENV] ?? join(tmpdir(), "kafka-spark-lab-test-run")}.${what.replace(/\W+/g, "-")}`;
  await waitFor(`the other test file's ${what}`, async () => {
    try {
      mkdirSync(lock);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      return undefined;
    }
  }, 60 * 60_000, 200);
  try {
    return await work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export const withImageBuildLock = <T>(build: () => Promise<T>): Promise<T> => withRunLock("image build", build);

/** The word-count jar for Spark 3.5 in the project's own target directory (Maven runs only when its sources changed). */
export const wordCountJar = () => withRunLock("word-count jar build", () => buildWordCountJar({ spark: "3.5", runTests: false, onProgress: progress }));

/** Builds the node image (cached layers reused), showing each step; returns the seconds it took. */
export async function buildImage(image: string, imageContext: string): Promise<number> {
  return withImageBuildLock(async () => {
    progress(`building ${image} from ${imageContext} (cached layers are reused)`);
    const start = Date.now();
    const build = execa("docker", ["build", "-t", image, imageContext]);
    build.stdout?.on("data", (chunk: Buffer) => {
      for (const line of chunk.toString().split("\n")) if (/^Step \d+\/\d+/.test(line)) progress(`  ${line.slice(0, 100)}`);
    });
    await build;
    return (Date.now() - start) / 1000;
  });
}

/** True when every node runs, is healthy, and runs `image` as it is now (its id). */
async function runningOn(image: string, nodes: string[]): Promise<boolean> {
  const want = (await docker(["image", "inspect", "--format", "{{.Id}}", image]).catch(() => "")).trim();
  const states = await Promise.all(nodes.map((n) => docker(["inspect", "--format", "{{.Image}} {{if .State.Health}}{{.State.Health.Status}}{{end}}", n]).catch(() => "")));
  return want !== "" && states.every((s) => s.trim() === `${want} healthy`);
}

/**
 * Builds the node image (cached layers reused), removes leftovers of an earlier run, starts the
 * cluster from the generated compose file and waits on the healthchecks. Returns the seconds
 * each step took. With `reuse`, a cluster already up, healthy and on the image just built is kept
 * (the test files that only use the cluster share one; tests/support/globalTeardown.ts removes it).
 */
export async function bringUpCluster(image: string, imageContext: string, nodes: string[], o: { reuse?: boolean } = {}): Promise<{ buildSeconds: number; upSeconds: number; reused: boolean }> {
  const engine = await requireDockerAndBase();
  const buildSeconds = await buildImage(image, imageContext);
  return withRunLock("cluster start", async () => {
    if (o.reuse && (await runningOn(image, nodes))) {
      progress(`Docker engine ${engine.trim()}; the cluster is up, healthy and on this image: reused`);
      return { buildSeconds, upSeconds: 0, reused: true };
    }
    progress(`Docker engine ${engine.trim()}; removing leftovers of an earlier run, if any`);
    await compose(["down", "-v", "--remove-orphans"]);

    progress("docker-compose up -d, then waiting on the healthchecks");
    const start = Date.now();
    await compose(["up", "-d"]);
    await waitHealthy(nodes, 300_000);
    const upSeconds = (Date.now() - start) / 1000;
    progress(`all ${nodes.length} containers healthy after ${upSeconds.toFixed(1)} s`);
    return { buildSeconds, upSeconds, reused: false };
  });
}
