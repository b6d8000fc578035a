/**
 * Reach brokers that only exist inside a private network (HDInsight's VNet, the local `hadoop`
 * Docker network) from a laptop: every Kafka connection is opened as an SSH `direct-tcpip`
 * channel through one public SSH endpoint (the cluster's `CLUSTER-ssh.azurehdinsight.net`, or
 * the local master's sshd). Brokers may then advertise internal host names: the gateway, not
 * the laptop, resolves them.
 */
import { createHash, createHmac } from "crypto";
import { readFileSync } from "fs";
import type { Socket } from "net";
import { Duplex } from "stream";
import { Client, type ClientChannel, type ConnectConfig } from "ssh2";
import type { ISocketFactory } from "kafkajs";
import { SshAuthError, SshGatewayError, SshHostKeyError } from "./errors";

/** How the server's identity is checked. Checking is on unless explicitly turned off. */
export type HostKeyPolicy =
  | { fingerprint: string }
  | { knownHostsFile: string }
  /** Explicit opt-out, meant for the local Docker stack whose host keys are made per deployment. */
  | { insecureAcceptAnyHostKey: true };

export interface SshGatewayOptions {
  host: string;
  port?: number;
  username: string;
  privateKey?: string | Buffer;
  passphrase?: string;
  password?: string;
  /** ssh-agent socket (default: none; pass process.env.SSH_AUTH_SOCK to use the agent). */
  agent?: string;
  hostKey: HostKeyPolicy;
  readyTimeoutMs?: number;
}

/** OpenSSH's fingerprint format: SHA256:<unpadded base64>. */
export function fingerprintOf(keyBlob: Buffer): string {
  return `SHA256:${createHash("sha256").update(keyBlob).digest("base64").replace(/=+$/, "")}`;
}

/** The key blob of an OpenSSH public key line ("ssh-ed25519 AAAA... comment"). */
export function publicKeyBlob(line: string): Buffer {
  const base64 = line.trim().split(/\s+/)[1];
  if (!base64) throw new SshGatewayError(`not an OpenSSH public key line: ${line.slice(0, 40)}`);
  return Buffer.from(base64, "base64");
}

/** The names a known_hosts line must carry for this endpoint: `host`, or `[host]:port` off port 22. */
const knownHostsName = (host: string, port: number) => (port === 22 ? host : `[${host}]:${port}`);

function hostPatternMatches(pattern: string, name: string): boolean {
  if (pattern.startsWith("|1|")) {
    // Hashed entry: |1|base64(salt)|base64(HMAC-SHA1(salt, name)).
    const [, , salt, hash] = pattern.split("|");
    return createHmac("sha1", Buffer.from(salt, "base64")).update(name).digest("base64") === hash;
  }
  return pattern.split(",").includes(name);
}

/** Keys a known_hosts file lists for this endpoint (wildcards and @revoked lines are not honoured). */
export function knownHostKeys(fileText: string, host: string, port: number): Buffer[] {
  const name = knownHostsName(host, port);
  return fileText.split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#") && !line.startsWith("@"))
    .map((line) => line.split(/\s+/))
    .filter(([patterns, , blob]) => blob && hostPatternMatches(patterns, name))
    .map(([, , blob]) => Buffer.from(blob, "base64"));
}

function hostVerifier(options: SshGatewayOptions, port: number, rejected: { error?: SshHostKeyError }) {
  const policy = options.hostKey;
  if ("insecureAcceptAnyHostKey" in policy) return () => true;
  const endpoint = knownHostsName(options.host, port);
  return (key: Buffer) => {
    const presented = fingerprintOf(key);
    let ok: boolean;
    let expected: string;
    if ("fingerprint" in policy) {
      ok = presented === policy.fingerprint;
      expected = policy.fingerprint;
    } else {
      const keys = knownHostKeys(readFileSync(policy.knownHostsFile, "utf8"), options.host, port);
      ok = keys.some((k) => k.equals(key));
      expected = keys.length ? keys.map(fingerprintOf).join(" or ") : `an entry for ${endpoint} in ${policy.knownHostsFile} (none found)`;
    }
    if (!ok) rejected.error = new SshHostKeyError(endpoint, presented, expected);
    return ok;
  };
}

/**
 * A socket-shaped stream over one SSH channel. kafkajs needs a socket synchronously, while the
 * channel opens asynchronously: writes wait until it is open, then flow straight through.
 */
class TunnelSocket extends Duplex {
  private channel?: ClientChannel;
  private pending: Array<() => void> = [];

  constructor(open: (cb: (err: Error | undefined, channel: ClientChannel) => void) => void, target: string, onConnect: () => void) {
    super();
    open((err, channel) => {
      if (err) {
        this.destroy(new SshGatewayError(`the SSH gateway could not open a channel to ${target}: ${err.message}`, { cause: err }));
        return;
      }
      if (this.destroyed) {
        channel.close();
        return;
      }
      this.channel = channel;
      channel.on("data", (data: Buffer) => this.push(data));
      channel.on("end", () => this.push(null));
      channel.on("close", () => this.push(null));
      channel.on("error", (e: Error) => this.destroy(e));
      for (const write of this.pending.splice(0)) write();
      onConnect();
    });
  }

  _write(chunk: Buffer, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const write = () => this.channel!.write(chunk, encoding, callback);
    if (this.channel) write();
    else this.pending.push(write);
  }

  _read(): void {
    // Data is pushed as the channel delivers it.
  }

  _final(callback: (error?: Error | null) => void): void {
    this.channel?.end();
    callback();
  }

  _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.channel?.close();
    callback(error);
  }

  // The parts of net.Socket kafkajs calls; keep-alive and timeouts belong to the SSH connection.
  setKeepAlive(): this { return this; }
  setTimeout(): this { return this; }
  setNoDelay(): this { return this; }
  ref(): this { return this; }
  unref(): this { return this; }
}

/** One SSH connection; every broker connection kafkajs opens becomes a channel inside it. */
export class SshGateway {
  /** `host:port` of every channel opened, in order: what was reached through the gateway. */
  readonly forwarded: string[] = [];
  private closed = false;

  private constructor(private readonly client: Client, readonly endpoint: string) {}

  static async open(options: SshGatewayOptions): Promise<SshGateway> {
    const port = options.port ?? 22;
    const endpoint = `${options.host}:${port}`;
    const rejected: { error?: SshHostKeyError } = {};
    const client = new Client();
    const config: ConnectConfig = {
      host: options.host,
      port,
      username: options.username,
      privateKey: options.privateKey,
      passphrase: options.passphrase,
      password: options.password,
      agent: options.agent,
      readyTimeout: options.readyTimeoutMs ?? 20_000,
      keepaliveInterval: 15_000,
      hostVerifier: hostVerifier(options, port, rejected),
    };
    await new Promise<void>((resolve, reject) => {
      client.once("ready", () => resolve());
      client.once("error", (err: Error & { level?: string }) => {
        if (rejected.error) reject(rejected.error);
        else if (err.level === "client-authentication") reject(new SshAuthError(options.username, endpoint, err));
        else reject(new SshGatewayError(`cannot reach the SSH gateway ${endpoint}: ${err.message}`, { cause: err }));
      });
      client.connect(config);
    });
    return new SshGateway(client, endpoint);
  }

  /** For kafkajs: `new Kafka({ brokers, socketFactory: gateway.socketFactory })`. TLS to brokers is not tunnelled. */
  readonly socketFactory: ISocketFactory = ({ host, port, ssl, onConnect }) => {
    if (ssl) throw new SshGatewayError("TLS to the brokers through the SSH gateway is not supported: the tunnel itself is encrypted");
    if (this.closed) throw new SshGatewayError(`the SSH gateway ${this.endpoint} is closed`);
    const target = `${host}:${port}`;
    this.forwarded.push(target);
    const socket = new TunnelSocket((cb) => this.client.forwardOut("127.0.0.1", 0, host, port, cb), target, onConnect);
    return socket as unknown as Socket;
  };

  /** Closes the SSH connection and every channel in it; waits until it is down. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await new Promise<void>((resolve) => {
      this.client.once("close", () => resolve());
      this.client.end();
    });
  }
}
