// How the commands reach an Azure stack's Kafka: the brokers Ambari lists (internal names, inside
// the VNet), dialled through the Kafka cluster's public SSH endpoint. Shared by `topics` and
// `wordcount`; SSH secrets come from the environment, never from the command line.
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { AmbariClient, AmbariClientOptions } from "../jobs/ambari";
import type { HostKeyPolicy, SshGatewayOptions } from "../jobs/sshGateway";
import { AmbariTarget, retryNote, UsageError } from "./cli";

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
