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
import { SshAuthError, SshGatewayError, SshHostKeyError } from "../../lib/errors";

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

/** What a command run over SSH printed, and its exit status (-1 when a signal ended it). */
export interface ExecResult {
  stdout: string;
  stderr: string;
  code: number;
}

/** One word for a POSIX shell, whatever it holds: single-quoted, each ' written as '\''. */
export const shellQuote = (word: string): string => `'${word.replace(/'/g, "'\\''")}'`;

/** One SSH connection; every broker connection kafkajs opens becomes a channel inside it. */
export class SshGateway {
  /** `host:port` of every channel opened, in order: what was reached through the gateway. */
  readonly forwarded: string[] = [];
  private closed = false;
  readonly #lost = new AbortController();
  /**
   * Aborted, with an SshGatewayError as its reason, when the connection ends without close()
   * (the server's sshd ended, the network dropped it): every Kafka connection through it is gone,
   * and kafkajs would otherwise retry them until its own timeouts.
   */
  readonly lost: AbortSignal = this.#lost.signal;

  private constructor(private readonly client: Client, readonly endpoint: string) {
    let why = "";
    // After "ready" an error must have a listener (an unheard 'error' ends the process); the "close" that follows says it.
    client.on("error", (e: Error) => { why = `: ${e.message}`; });
    client.on("close", () => {
      if (this.closed) return;
      this.closed = true;
      this.#lost.abort(new SshGatewayError(`the SSH connection to ${endpoint} was lost${why}: the server or the network ended it (run the command again; is the cluster up?)`));
    });
  }

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

  /**
   * Runs a command on the server: `command` as given (a constant of the caller's), each of `args`
   * appended in single quotes, so no argument is ever read by the remote shell. Resolves with its
   * output and exit status, whatever the status.
   */
  exec(command: string, args: readonly string[] = []): Promise<ExecResult> {
    if (this.closed) return Promise.reject(new SshGatewayError(`the SSH connection to ${this.endpoint} is closed`));
    const line = [command, ...args.map(shellQuote)].join(" ");
    return new Promise((resolve, reject) => {
      this.client.exec(line, (err, stream) => {
        if (err) return reject(new SshGatewayError(`could not run a command on ${this.endpoint}: ${err.message}`, { cause: err }));
        const stdout: Buffer[] = [];
        const stderr: Buffer[] = [];
        let status: number | undefined;
        stream.on("data", (d: Buffer) => stdout.push(d));
        stream.stderr.on("data", (d: Buffer) => stderr.push(d));
        stream.on("exit", (code: number | null) => { status = code ?? undefined; });
        stream.on("close", (code?: number | null) => resolve({
          stdout: Buffer.concat(stdout).toString("utf8"),
          stderr: Buffer.concat(stderr).toString("utf8"),
          // No status: the command was ended by a signal.
          code: code ?? status ?? -1,
        }));
      });
    });
  }

  /** Copies a file of this machine to `remotePath` on the server (SFTP). */
  putFile(localPath: string, remotePath: string): Promise<void> {
    if (this.closed) return Promise.reject(new SshGatewayError(`the SSH connection to ${this.endpoint} is closed`));
    return new Promise((resolve, reject) => {
      this.client.sftp((err, sftp) => {
        if (err) return reject(new SshGatewayError(`could not open SFTP on ${this.endpoint}: ${err.message}`, { cause: err }));
        sftp.fastPut(localPath, remotePath, (e) => {
          sftp.end();
          if (e) reject(new SshGatewayError(`could not copy ${localPath} to ${this.endpoint}:${remotePath}: ${e.message}`, { cause: e }));
          else resolve();
        });
      });
    });
  }

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
