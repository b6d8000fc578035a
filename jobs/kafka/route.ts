/**
 * Where a stack's Kafka is and how this machine reaches it, for every command and job: a bootstrap
 * list given by hand; a local stack's published ports (or, with `viaSsh`, the master's sshd, as on
 * Azure); an Azure stack's brokers as Ambari lists them (internal names, inside the VNet) dialled
 * through the Kafka cluster's public SSH endpoint. The route registers every secret it holds
 * (Ambari password, SSH password or key) with the caller's `Secrets`, so the caller's output
 * redacts them; SSH credentials come from the environment, never from the command line.
 */
import { homedir } from "node:os";
import { join } from "node:path";
import { logLevel, type KafkaConfig } from "kafkajs";
import { AmbariClient, type AmbariClientOptions, type RetryNotice } from "../azure/ambari";
import { UsageError } from "../../lib/errors";
import { readWholeFile } from "../util/files";
import type { LocalSshAccess } from "../local/cluster";
import { parseOutputs, type StackOutputs } from "../pulumiStack";
import type { Secrets } from "../secrets";
import type { HostKeyPolicy, SshGateway, SshGatewayOptions } from "./sshGateway";
import { gatewayFetch, twinAccessOf, type TwinAccess } from "../twin/access";

export type Env = Record<string, string | undefined>;

/** How a route reaches what it needs; commands pass the real ones, tests their own. */
export interface KafkaRouteDeps {
  env: Env;
  fetch: typeof fetch;
  openGateway: (options: SshGatewayOptions) => Promise<SshGateway>;
  /** The local cluster's SSH key and the master's host key (docker exec), for `viaSsh`. */
  readLocalSshAccess: (master: string) => Promise<LocalSshAccess>;
  ambari?: (options: AmbariClientOptions) => Pick<AmbariClient, "kafkaBrokers">;
  /** A twin's gateway certificate and head node host key (docker exec). */
  readTwinAccess: (head: string) => Promise<TwinAccess>;
}

/** Where Kafka is: brokers given by hand, or a deployed stack's outputs. */
export type KafkaWhere =
  | { bootstrap: string[] }
  | { stack: string; outputs: StackOutputs; viaSsh?: boolean; insecureAcceptAnyHostKey?: boolean };

/** An open route: kafkajs's config (through the gateway's socketFactory when there is one), and what the Spark job is given. */
export interface KafkaRoute {
  config: KafkaConfig;
  /** The job's broker list: names the cluster resolves (internal names). */
  jobBrokers: string;
  /** Known broker count (from the stack or Ambari); undefined for a bootstrap list. */
  brokerCount?: number;
  describe: string;
  /** The SSH gateway every Kafka connection goes through, when there is one. */
  gateway?: SshGateway;
  close(): Promise<void>;
}

/** A route found but not opened yet: callers can check what they can (e.g. topic specs) before any tunnel. */
export interface KafkaRoutePlan extends Omit<KafkaRoute, "config" | "gateway" | "close"> {
  brokers: string[];
  gateway?: SshGatewayOptions;
  open(): Promise<KafkaRoute>;
}

export interface KafkaRouteOptions {
  clientId: string;
  secrets: Secrets;
  note: (message: string) => void;
  deps: KafkaRouteDeps;
  /** Where kafkajs's own log lines go (--verbose); without it kafkajs logs nothing. */
  kafkaLog?: (line: string) => void;
}

/**
 * kafkajs's logging: off by default (its retries print JSON lines by the dozen, through
 * console.*, past the command's redaction); with `log`, one plain line per entry, at INFO.
 */
export function kafkaLogging(log: ((line: string) => void) | undefined): Pick<KafkaConfig, "logLevel" | "logCreator"> {
  if (!log) return { logLevel: logLevel.NOTHING };
  const levels: Record<number, string> = { [logLevel.ERROR]: "ERROR", [logLevel.WARN]: "WARN", [logLevel.INFO]: "INFO", [logLevel.DEBUG]: "DEBUG" };
  return {
    logLevel: logLevel.INFO,
    logCreator: () => ({ namespace, level, log: { message, ...extra } }) => {
      const details = Object.entries(extra).filter(([k]) => k !== "timestamp" && k !== "logger").map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`).join(" ");
      log(`kafkajs ${levels[level] ?? level} [${namespace}] ${message}${details ? ` (${details})` : ""}`);
    },
  };
}

/** SSH credentials from the environment: a key file, else the agent, else a password. */
export function sshCredentials(env: Env): Pick<SshGatewayOptions, "privateKey" | "agent" | "password"> {
  if (env.SSH_PRIVATE_KEY_FILE) {
    return { privateKey: readWholeFile("SSH_PRIVATE_KEY_FILE=", env.SSH_PRIVATE_KEY_FILE, "point it at your private key (e.g. ~/.ssh/id_ed25519), or unset it to use the ssh-agent") };
  }
  if (env.SSH_AUTH_SOCK) return { agent: env.SSH_AUTH_SOCK };
  if (env.SSH_PASSWORD) return { password: env.SSH_PASSWORD };
  throw new UsageError("no SSH credential: set SSH_PRIVATE_KEY_FILE, run an ssh-agent (SSH_AUTH_SOCK), or set SSH_PASSWORD");
}

export function hostKeyPolicy(env: Env): HostKeyPolicy {
  if (env.SSH_HOST_KEY_FINGERPRINT) return { fingerprint: env.SSH_HOST_KEY_FINGERPRINT };
  return { knownHostsFile: env.SSH_KNOWN_HOSTS ?? join(homedir(), ".ssh", "known_hosts") };
}

/** A retry notice of the Ambari or Livy client as a progress line. */
export const retryNote = (note: (m: string) => void) => ({ attempt, attempts, delayMs, error }: Pick<RetryNotice, "attempt" | "attempts" | "delayMs" | "error">) =>
  note(`${error.message}; retry ${attempt}/${attempts - 1} in ${delayMs < 1000 ? `${delayMs} ms` : `${(delayMs / 1000).toFixed(1)} s`}`);

/** The Kafka cluster's Ambari login from an Azure stack's outputs; the password is registered with `secrets`. */
export function ambariLoginOf(stack: string, outputs: StackOutputs, secrets: Secrets): Pick<AmbariClientOptions, "baseUrl" | "cluster" | "user" | "password"> {
  const o = parseOutputs(stack, outputs, "azure", ["kafkaAmbariUrl", "kafkaClusterName", "clusterLoginUser", "clusterLoginPassword"]);
  secrets.add(o.clusterLoginPassword);
  return { baseUrl: o.kafkaAmbariUrl, cluster: o.kafkaClusterName, user: o.clusterLoginUser, password: o.clusterLoginPassword };
}

/** Finds the brokers and how to reach them, without connecting to Kafka yet (Ambari is asked on Azure). */
export async function planKafkaRoute(where: KafkaWhere, o: KafkaRouteOptions): Promise<KafkaRoutePlan> {
  const routeTo = (brokers: string[], jobBrokers: string, brokerCount: number | undefined, describe: string, gateway?: SshGatewayOptions): KafkaRoutePlan => ({
    brokers, jobBrokers, brokerCount, describe, gateway,
    open: () => openPlanned(brokers, jobBrokers, brokerCount, describe, gateway, o),
  });
  if ("bootstrap" in where) return routeTo(where.bootstrap, where.bootstrap.join(","), undefined, `brokers ${where.bootstrap.join(",")}`);

  const { stack, outputs } = where;
  if (outputs.target === "local") {
    const local = parseOutputs(stack, outputs, "local", ["bootstrapServersHost", "bootstrapServersInternal", "containerNames"]);
    const internal = local.bootstrapServersInternal.split(",");
    if (!where.viaSsh) {
      if (where.insecureAcceptAnyHostKey) throw new UsageError("--insecure-accept-any-host-key goes with --via-ssh");
      o.note(`local stack "${stack}": ${local.bootstrapServersHost} (the job: ${local.bootstrapServersInternal})`);
      return routeTo(local.bootstrapServersHost.split(","), local.bootstrapServersInternal, internal.length, `local stack "${stack}" (${local.bootstrapServersHost})`);
    }
    const { sshEndpoint: ssh } = parseOutputs(stack, outputs, "local", ["sshEndpoint"]);
    const access = await o.deps.readLocalSshAccess(local.containerNames[0]);
    o.secrets.add(access.privateKey);
    return routeTo(internal, local.bootstrapServersInternal, internal.length, `local stack "${stack}" through the SSH gateway ${ssh.host}:${ssh.port}`, {
      // Ports are published on 127.0.0.1 only; "localhost" may resolve to ::1 first.
      host: ssh.host === "localhost" ? "127.0.0.1" : ssh.host,
      port: ssh.port,
      username: ssh.user,
      privateKey: access.privateKey,
      hostKey: where.insecureAcceptAnyHostKey ? { insecureAcceptAnyHostKey: true } : { fingerprint: access.hostKeyFingerprint },
    });
  }

  if (where.insecureAcceptAnyHostKey) throw new UsageError("--insecure-accept-any-host-key is for the local stack only: on Azure the host key is always checked");
  // Before any connection: a missing key file is a usage error, not a minute after Ambari answered.
  const ssh = await clusterSshOptions(stack, outputs, "kafka", o);
  const brokers = await ambariBrokers(stack, outputs, o);
  const sshAt = ssh.port === 22 ? ssh.host : `${ssh.host}:${ssh.port}`;
  return routeTo(brokers, brokers.join(","), brokers.length, `${outputs.target === "twin" ? "twin" : "azure"} stack "${stack}": ${brokers.length} brokers through ${ssh.username}@${sshAt}`, ssh);
}

/**
 * SSH to the head node of an Azure stack's (or a twin's) Kafka or Spark cluster, from its outputs:
 * host, port (22 on Azure) and user, the credentials of the environment; a twin's host key pinned
 * from its head node unless the user pinned one (SSH_HOST_KEY_FINGERPRINT), as on Azure.
 */
export async function clusterSshOptions(stack: string, outputs: StackOutputs, cluster: "kafka" | "spark", o: Pick<KafkaRouteOptions, "deps" | "secrets">): Promise<SshGatewayOptions> {
  const o2 = parseOutputs(stack, outputs, "azure", cluster === "kafka" ? ["kafkaSshHost", "kafkaSshPort", "sshUser"] : ["sparkSshHost", "sparkSshPort", "sshUser"]);
  const [host, port] = cluster === "kafka" ? [o2.kafkaSshHost, o2.kafkaSshPort] : [o2.sparkSshHost, o2.sparkSshPort];
  const ssh = azureSshOptions(host as string, o2.sshUser, o, (port as number | undefined) ?? 22);
  const twin = await twinAccessOf(stack, outputs, o.deps.readTwinAccess, cluster);
  if (twin && !o.deps.env.SSH_HOST_KEY_FINGERPRINT) ssh.hostKey = { fingerprint: twin.sshHostKeyFingerprint };
  return ssh;
}

/**
 * SSH to one of an Azure stack's clusters (port 22) with the credentials of the environment and
 * the host key checked; a missing credential is a usage error, thrown before any connection. The
 * password or key is registered with `secrets`.
 */
export function azureSshOptions(host: string, username: string, o: Pick<KafkaRouteOptions, "deps" | "secrets">, port = 22): SshGatewayOptions {
  const credentials = sshCredentials(o.deps.env);
  o.secrets.add(credentials.password, credentials.privateKey);
  return { host, port, username, ...credentials, hostKey: hostKeyPolicy(o.deps.env) };
}

/** An Azure stack's Kafka brokers (internal names, host:port) as the Kafka cluster's Ambari lists them. */
export async function ambariBrokers(stack: string, outputs: StackOutputs, o: Pick<KafkaRouteOptions, "deps" | "secrets" | "note">): Promise<string[]> {
  const login = ambariLoginOf(stack, outputs, o.secrets);
  o.note(`asking Ambari at ${login.baseUrl} for the brokers of "${login.cluster}"`);
  const options: AmbariClientOptions = { ...login, fetch: gatewayFetch(stack, outputs, "kafka", o.deps.fetch, o.deps.readTwinAccess), onRetry: retryNote(o.note) };
  const brokers = await (o.deps.ambari ? o.deps.ambari(options) : new AmbariClient(options)).kafkaBrokers();
  o.note(`${brokers.length} brokers: ${brokers.join(", ")}`);
  return brokers;
}

async function openPlanned(brokers: string[], jobBrokers: string, brokerCount: number | undefined, describe: string, gatewayOptions: SshGatewayOptions | undefined, o: KafkaRouteOptions): Promise<KafkaRoute> {
  const config: KafkaConfig = { clientId: o.clientId, brokers, ...kafkaLogging(o.kafkaLog) };
  if (!gatewayOptions) return { config, jobBrokers, brokerCount, describe, close: async () => undefined };
  o.note(`opening the SSH gateway ${gatewayOptions.username}@${gatewayOptions.host}:${gatewayOptions.port ?? 22}`);
  const gateway = await o.deps.openGateway(gatewayOptions);
  o.note(`SSH gateway ${gatewayOptions.username}@${gatewayOptions.host}:${gatewayOptions.port ?? 22} open`);
  return { config: { ...config, socketFactory: gateway.socketFactory }, jobBrokers, brokerCount, describe, gateway, close: () => gateway.close() };
}

/** Finds the brokers and opens the route to them (the SSH gateway, where there is one); `close()` closes it. */
export async function openKafkaRoute(where: KafkaWhere, o: KafkaRouteOptions): Promise<KafkaRoute> {
  return (await planKafkaRoute(where, o)).open();
}
