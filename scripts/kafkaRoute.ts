// How the commands reach a stack's Kafka: a local stack's published ports, or on Azure the
// brokers Ambari lists (internal names, inside the VNet) dialled through the Kafka cluster's
// public SSH endpoint. Shared by `topics`, `wordcount` and `results`; SSH secrets come from the
// environment, never from the command line.
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { logLevel } from "kafkajs";
import { AmbariClient, AmbariClientOptions } from "../jobs/ambari";
import { localKafkaRoute, localStackFromOutputs } from "../jobs/localStack";
import type { HostKeyPolicy, SshGateway, SshGatewayOptions } from "../jobs/sshGateway";
import type { StackOutputs } from "../jobs/stackOutputs";
import type { KafkaRoute } from "../jobs/wordcountPipeline";
import { AmbariTarget, LocalTarget, retryNote, UsageError } from "./cli";

export type Env = Record<string, string | undefined>;

export function sshCredentials(env: Env): Pick<SshGatewayOptions, "privateKey" | "agent" | "password"> {
  if (env.SSH_PRIVATE_KEY_FILE) return { privateKey: readFileSync(env.SSH_PRIVATE_KEY_FILE) };
  if (env.SSH_AUTH_SOCK) return { agent: env.SSH_AUTH_SOCK };
  if (env.SSH_PASSWORD) return { password: env.SSH_PASSWORD };
  throw new UsageError("no SSH credential: set SSH_PRIVATE_KEY_FILE, run an ssh-agent (SSH_AUTH_SOCK), or set SSH_PASSWORD");
}

export function hostKeyPolicy(env: Env): HostKeyPolicy {
  if (env.SSH_HOST_KEY_FINGERPRINT) return { fingerprint: env.SSH_HOST_KEY_FINGERPRINT };
  return { knownHostsFile: env.SSH_KNOWN_HOSTS ?? join(homedir(), ".ssh", "known_hosts") };
}

export const SSH_HELP = `SSH (azure): key file SSH_PRIVATE_KEY_FILE, else ssh-agent (SSH_AUTH_SOCK), else password
SSH_PASSWORD. The host key is checked against ~/.ssh/known_hosts (or SSH_KNOWN_HOSTS), or pinned
with SSH_HOST_KEY_FINGERPRINT=SHA256:...`;

export interface AzureKafkaRoute {
  /** host:9092 of every broker, as Ambari lists them (names the VNet resolves). */
  brokers: string[];
  gateway: SshGatewayOptions;
  describe: string;
}

/**
 * Asks the Kafka cluster's Ambari for its brokers and says how to reach them. `secrets` receives
 * the passwords involved, for the caller's redaction.
 */
export async function azureKafkaRoute(stack: string, target: AmbariTarget, o: {
  env: Env;
  fetch: typeof fetch;
  secrets: string[];
  note: (m: string) => void;
  ambari?: (options: AmbariClientOptions) => Pick<AmbariClient, "kafkaBrokers">;
}): Promise<AzureKafkaRoute> {
  if (!target.sshHost || !target.sshUser) throw new UsageError(`stack "${stack}" has no kafkaSshHost/sshUser output: run \`pulumi up --stack ${stack}\` again`);
  o.secrets.push(target.password);
  o.note(`asking Ambari at ${target.baseUrl} for the brokers of "${target.cluster}"`);
  const options: AmbariClientOptions = { baseUrl: target.baseUrl, cluster: target.cluster, user: target.user, password: target.password, fetch: o.fetch, onRetry: retryNote(o.note) };
  const brokers = await (o.ambari ? o.ambari(options) : new AmbariClient(options)).kafkaBrokers();
  const credentials = sshCredentials(o.env);
  if (credentials.password) o.secrets.push(credentials.password);
  return {
    brokers,
    gateway: { host: target.sshHost, port: 22, username: target.sshUser, ...credentials, hostKey: hostKeyPolicy(o.env) },
    describe: `azure stack "${stack}": ${brokers.length} brokers through ${target.sshUser}@${target.sshHost}`,
  };
}

export interface KafkaRouteDeps {
  env: Env;
  fetch: typeof fetch;
  openGateway: (options: SshGatewayOptions) => Promise<SshGateway>;
  ambari?: (options: AmbariClientOptions) => Pick<AmbariClient, "kafkaBrokers">;
}

/** A route to a stack's Kafka and what closes it (the SSH gateway on Azure; nothing locally). */
export interface OpenKafkaRoute {
  route: KafkaRoute;
  close(): Promise<void>;
}

/**
 * The route from this machine to the stack's brokers, for kafkajs (`route.config`) and for the
 * Spark job (`route.jobBrokers`): published ports on a local stack; on Azure, Ambari's brokers
 * through an SSH gateway that the caller closes with `close()`.
 */
export async function openKafkaRoute(stack: string, outputs: StackOutputs, target: AmbariTarget | LocalTarget, clientId: string, deps: KafkaRouteDeps, note: (m: string) => void): Promise<OpenKafkaRoute> {
  if (target.kind === "local") {
    const local = localStackFromOutputs(stack, outputs);
    note(`local stack "${stack}": ${local.bootstrapServersHost} (the job: ${local.bootstrapServersInternal})`);
    return { route: localKafkaRoute(local, clientId), close: async () => undefined };
  }
  const azure = await azureKafkaRoute(stack, target, { env: deps.env, fetch: deps.fetch, secrets: [], note, ambari: deps.ambari });
  note(`${azure.brokers.length} brokers: ${azure.brokers.join(", ")}`);
  const gateway = await deps.openGateway(azure.gateway);
  note(`SSH gateway ${azure.gateway.username}@${azure.gateway.host}:${azure.gateway.port ?? 22} open`);
  return {
    route: { config: { clientId, brokers: azure.brokers, socketFactory: gateway.socketFactory, logLevel: logLevel.NOTHING }, jobBrokers: azure.brokers.join(","), brokerCount: azure.brokers.length, describe: azure.describe },
    close: () => gateway.close(),
  };
}
