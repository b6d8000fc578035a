/**
 * The local stack as the commands see it: its nodes (from the stack's outputs), and how to bring
 * it up or down: Pulumi's Automation API when the Pulumi CLI is installed and logged in, otherwise
 * docker-compose with a compose file generated from the same topology.
 */
import { mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import execa from "execa";
import { PROJECT } from "../../stacks/config";
import { renderCompose } from "../../stacks/local/compose";
import { IMAGE_CONTEXT } from "../../stacks/local/image";
import type { Topology } from "../../stacks/local/topology";
import { DockerUnavailableError } from "../../lib/errors";
import { waitFor } from "../util/poll";
import { DEFAULT_STACK, openPulumiStack, parseOutputs, type PassphrasePrompt, type StackOutputs } from "../pulumiStack";

/** The local stack's nodes: the master (where jobs are submitted) and every container. */
export interface LocalNodes {
  stack: string;
  master: string;
  containers: string[];
}

export function localNodesOf(stack: string, outputs: StackOutputs): LocalNodes {
  const { containerNames } = parseOutputs(stack, outputs, "local", ["containerNames"]);
  return { stack, master: containerNames[0], containers: containerNames };
}

export async function requireDocker(): Promise<string> {
  try {
    return (await execa("docker", ["info", "--format", "{{.ServerVersion}}"])).stdout.trim();
  } catch (e) {
    const missing = (e as { code?: string }).code === "ENOENT";
    throw new DockerUnavailableError(missing
      ? "Docker is not installed: install Docker (https://docs.docker.com/engine/install/) and run this again"
      : "No Docker engine answers: start it (Docker Desktop, or `sudo systemctl start docker`), and make sure your user may use it (`docker info`)", { cause: e });
  }
}

async function health(container: string): Promise<string> {
  const r = await execa("docker", ["inspect", "--format", "{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}", container], { reject: false });
  return r.exitCode === 0 ? r.stdout.trim() : "missing";
}

/** Waits until every container reports healthy; on failure names the unhealthy one and its failing check. */
export async function waitHealthy(containers: string[], timeoutMs: number, onWait: (states: string[]) => void = () => undefined, intervalMs = 1000): Promise<void> {
  await waitFor(`${containers.join(", ")} to be healthy`, async () => {
    const states = await Promise.all(containers.map(health));
    const unhealthy = containers.filter((_, i) => states[i] === "unhealthy");
    if (unhealthy.length) {
      const logs = (await execa("docker", ["inspect", "--format", "{{range .State.Health.Log}}{{.Output}}{{end}}", unhealthy[0]], { reject: false })).stdout;
      throw new Error(`${unhealthy.join(", ")} unhealthy: ${logs.trim().split("\n").pop()}`);
    }
    onWait(states);
    return states.every((s) => s === "healthy") ? true : undefined;
  }, timeoutMs, intervalMs);
}

export const composeProject = (stack: string) => (stack === DEFAULT_STACK ? PROJECT : `${PROJECT}-${stack}`);

/** A compose file for the stack's topology, written next to the image context so `build: ./image` resolves. */
export function composeFileFor(t: Topology): string {
  const dir = mkdtempSync(join(tmpdir(), "kafka-spark-lab-compose-"));
  const file = join(dir, "docker-compose.yml");
  // The model's build context is relative ("./image"); make it absolute for a file outside the repo.
  writeFileSync(file, renderCompose(t).replace(/context: \.\/image/g, `context: ${IMAGE_CONTEXT}`));
  return file;
}

export type UpVia = "auto" | "pulumi" | "compose";

/** Pulumi when its CLI is installed and logged in to a backend; compose otherwise. */
export async function chooseUpVia(via: UpVia, env: NodeJS.ProcessEnv = process.env): Promise<{ via: "pulumi" | "compose"; why: string }> {
  if (via !== "auto") return { via, why: `asked for (--via ${via})` };
  try {
    const who = await execa("pulumi", ["whoami"], { env });
    return { via: "pulumi", why: `the Pulumi CLI is logged in as ${who.stdout.trim()}` };
  } catch (e) {
    if ((e as { code?: string }).code === "ENOENT") return { via: "compose", why: "the Pulumi CLI is not installed" };
    return { via: "compose", why: "the Pulumi CLI is not logged in to a backend (pulumi login)" };
  }
}

export interface UpOptions {
  stack: string;
  workDir: string;
  via: "pulumi" | "compose";
  topology: Topology;
  onProgress: (message: string) => void;
  /** Told once the node image exists, before the containers are started and waited for. */
  onImageReady?: () => void;
  /** Where Pulumi's passphrase may be asked for (a state on disk keeps secrets under one). */
  terminal?: PassphrasePrompt;
}

/** The last line of a tool's output every few seconds, not its whole live view. */
export function everyFewSeconds(tool: string, onProgress: (message: string) => void, intervalMs = 5000): (text: string) => void {
  let last = 0;
  return (text) => {
    const line = text.split("\n").map((l) => l.trim()).filter(Boolean).pop();
    if (line && Date.now() - last > intervalMs) { last = Date.now(); onProgress(`${tool}: ${line.slice(0, 100)}`); }
  };
}

/** A Docker tool's run with its last line every few seconds as progress; a failure says its last lines. */
async function run(command: string, args: string[], what: string, onProgress: (m: string) => void): Promise<void> {
  const child = execa(command, args, { all: true });
  const note = everyFewSeconds(command === "docker" ? "build" : "compose", onProgress);
  child.all?.on("data", (chunk: Buffer) => note(chunk.toString()));
  try {
    await child;
  } catch (e) {
    const all = (e as { all?: string }).all ?? "";
    throw new DockerUnavailableError(`${what} failed: ${all.trim().split("\n").slice(-3).join(" / ")}`, { cause: e });
  }
}

/** Brings the stack up (idempotent: a running stack is left as it is) and waits until every node is healthy. */
export async function upLocalStack(o: UpOptions): Promise<void> {
  if (o.via === "pulumi") {
    const stack = await openPulumiStack(o.stack, o.workDir, { create: true, terminal: o.terminal });
    await stack.up(everyFewSeconds("pulumi", o.onProgress));
    o.onImageReady?.();
  } else {
    // The image first, then the containers: what waits for the image (the job's jar) starts sooner.
    await run("docker", ["build", "-t", o.topology.image, IMAGE_CONTEXT], "docker build", o.onProgress);
    o.onImageReady?.();
    await run("docker-compose", ["-p", composeProject(o.stack), "-f", composeFileFor(o.topology), "up", "-d"], "docker-compose up", o.onProgress);
  }
  await waitHealthy(o.topology.endpoints.containerNames, 300_000);
}
