/**
 * A fake Ambari for tests: a node:http(s) server on 127.0.0.1 that answers the few resources the
 * jobs read, with the payload shapes and errors of Ambari's REST API (https://github.com/apache/ambari/blob/trunk/ambari-server/docs/api/v1/index.md), and records every
 * request so tests can count them. Each behaviour (wrong credentials, 503s before success, slow
 * answers, a cluster still starting, an HTML page, a self-signed certificate) is an option.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { generate } from "selfsigned";
import { createServer as createHttpServer, IncomingMessage, Server, ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A realistic HDInsight internal DNS suffix (worker `wnN-`, ZooKeeper `zkN-` nodes). */
export const HOST_SUFFIX = "0owcbllr5hze3hxdja3mqlrhhe.cx.internal.cloudapp.net";
export const brokerHost = (n: number, cluster = "kafka") => `wn${n}-${cluster}.${HOST_SUFFIX}`;
export const zookeeperHost = (n: number, cluster = "kafka") => `zk${n}-${cluster}.${HOST_SUFFIX}`;

export interface FakeAmbariAccount {
  user: string;
  password: string;
  /** Logs in, but every read answers 403. */
  forbidden?: boolean;
}

export interface FakeAmbariOptions {
  /** Cluster name, matched exactly (Ambari's names are case-sensitive). Default `kafka-mylab42`. */
  cluster?: string;
  /** Accepted logins. Default one admin account with password `Str0ng!Passw0rd`. */
  accounts?: FakeAmbariAccount[];
  brokerHosts?: string[];
  zookeeperHosts?: string[];
  kafkaBrokerProperties?: Record<string, string>;
  /** The first N requests (of any kind) answer this status, as a gateway does while Ambari restarts. */
  failFirst?: { count: number; status: 500 | 502 | 503 };
  /** The first K KAFKA_BROKER answers have no host_components: the cluster is still starting. */
  emptyBrokerPolls?: number;
  /** Every answer waits this long. */
  delayMs?: number;
  /** Every answer is a 200 HTML login page, as a proxy or sign-in gateway sends. */
  htmlLoginPage?: boolean;
  /** Serve HTTPS with a throwaway self-signed certificate. */
  https?: boolean;
  /** Content-Type of JSON answers; the client must decide by parsing, not by this header. */
  jsonContentType?: string;
  /** Every request answers this (an error page or message of the test's own, e.g. one quoting a password). */
  errorAnswer?: { status: number; contentType: string; body: string };
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** The Basic auth user name, when one was sent (the password is never recorded). */
  user?: string;
}

export interface FakeAmbari {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  cluster: string;
  requests: RecordedRequest[];
  /** PEM of the self-signed certificate (https only), for NODE_EXTRA_CA_CERTS. */
  certificatePath?: string;
  close(): Promise<void>;
}

export const DEFAULT_ACCOUNT: FakeAmbariAccount = { user: "admin", password: "Str0ng!Passw0rd" };
const DEFAULT_TAG = "version1700000000000";

export async function startFakeAmbari(options: FakeAmbariOptions = {}): Promise<FakeAmbari> {
  const cluster = options.cluster ?? "kafka-mylab42";
  const accounts = options.accounts ?? [DEFAULT_ACCOUNT];
  const brokers = options.brokerHosts ?? [0, 1, 2].map((n) => brokerHost(n));
  const zookeepers = options.zookeeperHosts ?? [0, 1, 2].map((n) => zookeeperHost(n));
  const properties = options.kafkaBrokerProperties ?? {
    "auto.create.topics.enable": "true",
    "default.replication.factor": "3",
    "num.partitions": "8",
    "log.dirs": "/kafkadisks/disk1/kafka-logs,/kafkadisks/disk2/kafka-logs",
  };
  const requests: RecordedRequest[] = [];
  const pending = new Set<NodeJS.Timeout>();
  let failuresLeft = options.failFirst?.count ?? 0;
  let emptyPollsLeft = options.emptyBrokerPolls ?? 0;
  let baseUrl = "";

  const answer = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://fake");
    const credentials = basicCredentials(req.headers.authorization);
    requests.push({ method: req.method ?? "", path: url.pathname, query: Object.fromEntries(url.searchParams), user: credentials?.user });

    const respond = () => {
      if (options.htmlLoginPage) return send(res, 200, LOGIN_PAGE, "text/html; charset=utf-8");
      if (options.errorAnswer) return send(res, options.errorAnswer.status, options.errorAnswer.body, options.errorAnswer.contentType);
      if (failuresLeft > 0) {
        failuresLeft--;
        const status = options.failFirst?.status ?? 503;
        return sendJson(res, status, { status, message: status === 503 ? "Service Unavailable" : "Server Error" });
      }
      const account = accounts.find((a) => credentials && a.user === credentials.user && a.password === credentials.password);
      if (!account) {
        res.setHeader("WWW-Authenticate", 'Basic realm="AuthFilter"');
        return sendJson(res, 401, { status: 401, message: "Authentication required" });
      }
      if (account.forbidden) return sendJson(res, 403, { status: 403, message: "You do not have permissions to access this resource." });
      if (req.method !== "GET") return sendJson(res, 405, { status: 405, message: "Method Not Allowed" });

      const route = resolve(url);
      if ("missing" in route) return sendJson(res, 404, { status: 404, message: `The requested resource doesn't exist: ${route.missing}` });
      const fields = url.searchParams.get("fields");
      return sendJson(res, 200, fields ? trimToFields(route.body, fields.split(","), route.keyFields) : route.body);
    };

    const delay = options.delayMs ?? 0;
    if (delay <= 0) return respond();
    const timer = setTimeout(() => {
      pending.delete(timer);
      if (!res.destroyed) respond();
    }, delay);
    pending.add(timer);
  };

  const sendJson = (res: ServerResponse, status: number, body: unknown) =>
    send(res, status, JSON.stringify(body, null, 2), options.jsonContentType ?? "text/plain");

  /** Ambari's resources, by path; `missing` carries Ambari's own 404 wording. */
  const resolve = (url: URL): { body: Record<string, unknown>; keyFields: string[] } | { missing: string } => {
    const parts = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
    const href = `${baseUrl}${url.pathname}`;
    if (parts[0] !== "api" || parts[1] !== "v1" || parts[2] !== "clusters" || parts.length < 4) return { missing: url.pathname };
    if (parts[3] !== cluster) return { missing: `Cluster not found, clusterName=${parts[3]}` };
    if (parts.length === 4) return { body: clusterResource(href), keyFields: ["Clusters/cluster_name", "Clusters/version"] };
    if (parts.length === 5 && parts[4] === "configurations") {
      const type = url.searchParams.get("type");
      const tag = url.searchParams.get("tag");
      const items = type === "kafka-broker" && (tag === null || tag === DEFAULT_TAG) ? [configurationItem()] : [];
      return { body: { href: `${href}${url.search}`, items }, keyFields: [] };
    }
    if (parts.length === 8 && parts[4] === "services" && parts[6] === "components") {
      const [service, component] = [parts[5], parts[7]];
      const hosts =
        service === "KAFKA" && component === "KAFKA_BROKER" ? brokerHostsNow()
        : service === "ZOOKEEPER" && component === "ZOOKEEPER_SERVER" ? zookeepers
        : undefined;
      if (service !== "KAFKA" && service !== "ZOOKEEPER") return { missing: `Service not found, Cluster=${cluster}, Service=${service}` };
      if (!hosts) return { missing: `ServiceComponent not found, clusterName=${cluster}, serviceName=${service}, serviceComponentName=${component}` };
      return {
        body: componentResource(href, service, component, hosts),
        keyFields: [
          "ServiceComponentInfo/cluster_name",
          "ServiceComponentInfo/component_name",
          "ServiceComponentInfo/service_name",
          "host_components/HostRoles/cluster_name",
          "host_components/HostRoles/component_name",
          "host_components/HostRoles/host_name",
        ],
      };
    }
    return { missing: url.pathname };
  };

  const brokerHostsNow = () => {
    if (emptyPollsLeft > 0) {
      emptyPollsLeft--;
      return [];
    }
    return brokers;
  };

  const componentResource = (href: string, service: string, component: string, hosts: string[]) => ({
    href,
    ServiceComponentInfo: {
      category: "MASTER",
      cluster_name: cluster,
      component_name: component,
      desired_stack: "HDP-5.1",
      display_name: component === "KAFKA_BROKER" ? "Kafka Broker" : "ZooKeeper Server",
      init_count: 0,
      install_failed_count: 0,
      installed_count: 0,
      service_name: service,
      started_count: hosts.length,
      state: hosts.length > 0 ? "STARTED" : "UNKNOWN",
      total_count: hosts.length,
      unknown_count: 0,
    },
    host_components: hosts.map((host) => ({
      href: `${baseUrl}/api/v1/clusters/${cluster}/hosts/${host}/host_components/${component}`,
      HostRoles: { cluster_name: cluster, component_name: component, host_name: host },
    })),
  });

  const clusterResource = (href: string) => ({
    href,
    Clusters: {
      cluster_id: 2,
      cluster_name: cluster,
      health_report: { "Host/host_state/HEALTHY": brokers.length + zookeepers.length + 2 },
      provisioning_state: "INSTALLED",
      security_type: "NONE",
      total_hosts: brokers.length + zookeepers.length + 2,
      version: "HDP-5.1",
      desired_configs: {
        "kafka-broker": { tag: DEFAULT_TAG, user: "admin", version: 3 },
        "kafka-env": { tag: "version1", user: "admin", version: 1 },
        "zoo.cfg": { tag: "version1", user: "admin", version: 1 },
      },
    },
  });

  const configurationItem = () => ({
    href: `${baseUrl}/api/v1/clusters/${cluster}/configurations?type=kafka-broker&tag=${DEFAULT_TAG}`,
    tag: DEFAULT_TAG,
    type: "kafka-broker",
    version: 3,
    Config: { cluster_name: cluster, stack_id: "HDP-5.1" },
    properties,
    properties_attributes: {},
  });

  let server: Server;
  let tempDir: string | undefined;
  let certificatePath: string | undefined;
  if (options.https) {
    tempDir = mkdtempSync(join(tmpdir(), "fake-ambari-tls-"));
    const { key, cert } = await selfSignedCertificate(tempDir);
    certificatePath = cert;
    server = createHttpsServer({ key: readFileSync(key), cert: readFileSync(cert) }, answer);
  } else {
    server = createHttpServer(answer);
  }
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  baseUrl = `${options.https ? "https" : "http"}://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: baseUrl,
    cluster,
    requests,
    certificatePath,
    close: async () => {
      for (const timer of pending) clearTimeout(timer);
      pending.clear();
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
      if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    },
  };
}

/**
 * Ambari's partial response: keep the paths named in `fields` plus each resource's key
 * properties and every `href`; lists are walked through (a path into `host_components` applies
 * to each element).
 */
export function trimToFields(resource: unknown, fields: string[], keyFields: string[]): unknown {
  return project(resource, [...fields, ...keyFields].map((f) => f.split("/").filter(Boolean)));
}

function project(value: unknown, paths: string[][]): unknown {
  if (Array.isArray(value)) return value.map((v) => project(v, paths));
  if (value === null || typeof value !== "object") return value;
  if (paths.some((p) => p.length === 0)) return value;
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  if ("href" in source) out.href = source.href;
  for (const key of Object.keys(source)) {
    const tails = paths.filter((p) => p[0] === key).map((p) => p.slice(1));
    if (tails.length > 0) out[key] = project(source[key], tails);
  }
  return out;
}

function send(res: ServerResponse, status: number, body: string, contentType: string): void {
  res.writeHead(status, { "Content-Type": contentType, "Content-Length": Buffer.byteLength(body) });
  res.end(body);
}

function basicCredentials(header: string | undefined): { user: string; password: string } | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? "");
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon < 0 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** A throwaway key and certificate for 127.0.0.1 (selfsigned, pure JavaScript: no openssl CLI), written to `dir`. */
export async function selfSignedCertificate(dir: string): Promise<{ key: string; cert: string }> {
  const pems = await generate([{ name: "commonName", value: "127.0.0.1" }], {
    keySize: 2048,
    algorithm: "sha256",
    notAfterDate: new Date(Date.now() + 24 * 3600_000),
    extensions: [{ name: "basicConstraints", cA: false }, { name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }] }],
  });
  const key = join(dir, "key.pem");
  const cert = join(dir, "cert.pem");
  writeFileSync(key, pems.private);
  writeFileSync(cert, pems.cert);
  return { key, cert };
}

const LOGIN_PAGE = `<!DOCTYPE html>
<html><head><title>Sign in to your account</title></head>
<body><form method="post" action="/login"><input name="username"><input name="password" type="password"></form></body></html>
`;
