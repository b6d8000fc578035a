/**
 * The HDInsight 5.1 twin for live tests: brought up from its generated compose file (the path a
 * user without Pulumi takes), with a throwaway SSH key and cluster login; a Node container inside
 * its network for what only runs there (a client in the VNet).
 */
import execa from "execa";
import { mkdtempSync, readFileSync } from "fs";
import { tmpdir } from "os";
import { dirname, join } from "path";
import { PROJECT } from "../../stacks/config";
import { TWIN_COMPOSE_FILE, TWIN_PASSWORD_VARIABLE, TWIN_SSH_KEY_VARIABLE } from "../../stacks/twin/compose";
import { twinTopologyFor, twinTopologyKeys } from "../../stacks/twin/config";
import { Kafka, logLevel } from "kafkajs";
import { readStack, readStackFile, type StackOutputs } from "../../jobs/pulumiStack";
import { openKafkaRoute } from "../../jobs/kafka/route";
import { defaultDeps } from "../../jobs/cli/command";
import { Secrets } from "../../jobs/secrets";
import { fetchTrusting, readTwinAccess } from "../../jobs/twin/access";
import { docker, progress, ROOT, waitHealthy } from "./docker";

export const TWIN_STACK = "twin";
export const TWIN_PASSWORD = "Twin-Rehearsal-Passw0rd!";
const keys = twinTopologyKeys(readStackFile(TWIN_STACK, ROOT)!.raw).keys!;
export const twinTopology = twinTopologyFor({ ...keys, sshPublicKey: "" }, PROJECT, TWIN_STACK);
const COMPOSE_PROJECT = `${PROJECT}-${TWIN_STACK}`;

export interface TwinUp {
  /** SSH_PRIVATE_KEY_FILE for the commands: the key the head node was given. */
  privateKeyFile: string;
  env: Record<string, string>;
  /** Seconds from `up` to every node healthy (the image already built). */
  healthySeconds: number;
}

async function twinCompose(args: string[], env: Record<string, string> = {}): Promise<string> {
  const { stdout } = await execa("docker-compose", ["-p", COMPOSE_PROJECT, "-f", TWIN_COMPOSE_FILE, ...args], { cwd: ROOT, env });
  return stdout;
}

/** Builds the image if needed, then brings the twin up from nothing and waits until every node is healthy. */
export async function bringUpTwin(): Promise<TwinUp> {
  const dir = mkdtempSync(join(tmpdir(), "twin-ssh-"));
  const privateKeyFile = join(dir, "id_ed25519");
  await execa("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "twin-test", "-f", privateKeyFile]);
  const composeEnv = { [TWIN_PASSWORD_VARIABLE]: TWIN_PASSWORD, [TWIN_SSH_KEY_VARIABLE]: readFileSync(`${privateKeyFile}.pub`, "utf8").trim() };
  await twinCompose(["down", "-v", "--remove-orphans"], composeEnv);
  progress("building the twin image (docker-compose build)");
  await twinCompose(["build", "-q"], composeEnv);
  const started = Date.now();
  await twinCompose(["up", "-d"], composeEnv);
  const containers = twinTopology.nodes.map((n) => n.container);
  await waitHealthy(containers, 300_000, undefined, 250);
  const healthySeconds = (Date.now() - started) / 1000;
  progress(`twin healthy in ${healthySeconds.toFixed(1)} s`);
  return { privateKeyFile, healthySeconds, env: { [TWIN_PASSWORD_VARIABLE]: TWIN_PASSWORD, SSH_PRIVATE_KEY_FILE: privateKeyFile } };
}

export async function removeTwin(): Promise<void> {
  await twinCompose(["down", "-v", "--remove-orphans"], { [TWIN_PASSWORD_VARIABLE]: "-", [TWIN_SSH_KEY_VARIABLE]: "-" });
}

/** What of a twin stack is left on the Docker engine, found by the project's stack label. */
export async function twinLeftovers(): Promise<{ containers: string[]; networks: string[]; volumes: string[] }> {
  const left = (args: string[], field: string) => docker([...args, "--filter", `label=kafka-spark-lab.stack=${TWIN_STACK}`, "--format", `{{${field}}}`]).then((o) => o.split("\n").filter(Boolean));
  const [containers, networks, volumes] = await Promise.all([left(["ps", "-a"], ".Names"), left(["network", "ls"], ".Name"), left(["volume", "ls"], ".Name")]);
  return { containers, networks, volumes };
}

/** Runs a project command inside the twin's network (a client in the VNet), with this machine's Node 22 and the project mounted read-only. */
export async function inTwinNetwork(argv: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const nodeHome = dirname(dirname(process.execPath));
  const r = await execa("docker", [
    "run", "--rm", "--network", twinTopology.network, "-v", `${ROOT}:/project:ro`, "-v", `${nodeHome}:/node:ro`, "-w", "/project", "-e", "HOME=/tmp",
    "debian:bookworm", "/node/bin/node", "node_modules/.bin/tsx", ...argv,
  ], { reject: false });
  return { exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr };
}

/** Records a topic holds, per partition summed, as the brokers' own GetOffsetShell reports them. */
export async function topicRecords(topic: string): Promise<number> {
  const out = await docker(["exec", twinTopology.kafka.workers[0].container, "java", "-Dlog4j.configuration=file:/etc/twin/log4j.properties", "-cp", "/usr/local/kafka/libs/*", "kafka.tools.GetOffsetShell", "--bootstrap-server", "localhost:9092", "--topic", topic]);
  return out.split("\n").map((l) => /^[^:]+:\d+:(\d+)$/.exec(l.trim())?.[1]).filter((n): n is string => n !== undefined).reduce((a, n) => a + Number(n), 0);
}

/** The twin's outputs as the commands read them without Pulumi (from Pulumi.twin.yaml, the password from the environment). */
export async function twinOutputs(env: Record<string, string>): Promise<StackOutputs> {
  return readStack(TWIN_STACK, ROOT, async () => ({}), env);
}

/** Kafka through the twin's SSH gateway, as the commands reach it; `close()` closes the tunnel. */
export async function twinKafka(env: Record<string, string>): Promise<{ kafka: Kafka; close: () => Promise<void> }> {
  const deps = { ...defaultDeps(), env: { ...process.env, ...env } };
  const route = await openKafkaRoute({ stack: TWIN_STACK, outputs: await twinOutputs(env) }, { clientId: "twin-live", secrets: new Secrets(), note: () => undefined, deps });
  return { kafka: new Kafka({ ...route.config, logLevel: logLevel.NOTHING }), close: () => route.close() };
}

/** A request to the Spark cluster's gateway with the cluster login, trusting its certificate (read from its head node). */
export async function sparkGateway(): Promise<(path: string, init?: { method?: string; body?: unknown }) => Promise<{ status: number; body: any }>> {
  const access = await readTwinAccess(twinTopology.spark.head.container);
  const trusted = fetchTrusting(access.gatewayCertificate);
  const auth = `Basic ${Buffer.from(`${twinTopology.endpoints.clusterLoginUser}:${TWIN_PASSWORD}`).toString("base64")}`;
  return async (path, init = {}) => {
    const res = await trusted(`${twinTopology.spark.gatewayUrl}${path}`, {
      method: init.method ?? "GET",
      headers: { Authorization: auth, "Content-Type": "application/json", "X-Requested-By": "twin-live" },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    const text = await res.text();
    let body: unknown = text;
    try { body = JSON.parse(text); } catch { /* not JSON: kept as text */ }
    return { status: res.status, body };
  };
}
