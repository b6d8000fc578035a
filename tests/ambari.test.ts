/**
 * The Ambari client against a fake Ambari (tests/support/fakeAmbari.ts) speaking the shapes and
 * errors of Ambari's REST API: one request per lookup step, `fields=` trimming, retries that are
 * exponential and bounded, each failure a class of the one HTTP error family (lib/http/errors.ts)
 * with Ambari's hints, and no password in any error.
 */
import { AddressInfo, createServer } from "node:net";
import { inspect } from "node:util";
import { AmbariClient, AmbariClientOptions, AmbariClusterStartingError, RetryNotice, sortedUniqueHosts } from "../jobs/azure/ambari";
import {
  HttpError, HttpForbiddenError, HttpFormatError, HttpLoginError, HttpNotFoundError, HttpRetriesExhaustedError, HttpTlsError, HttpUnavailableError,
} from "../lib/http/errors";
import { brokerHost, DEFAULT_ACCOUNT, FakeAmbari, FakeAmbariOptions, startFakeAmbari, zookeeperHost } from "./support/fakeAmbari";

const PASSWORD = DEFAULT_ACCOUNT.password;
const BASIC_TOKEN = Buffer.from(`admin:${PASSWORD}`).toString("base64");
const BROKER_PATH = "/api/v1/clusters/kafka-mylab42/services/KAFKA/components/KAFKA_BROKER";

let fake: FakeAmbari | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function clientFor(options: FakeAmbariOptions = {}, overrides: Partial<AmbariClientOptions> = {}) {
  fake = await startFakeAmbari(options);
  return new AmbariClient({
    baseUrl: fake.url,
    cluster: fake.cluster,
    user: "admin",
    password: PASSWORD,
    timeoutMs: 2000,
    retries: 3,
    backoffMs: 1,
    ...overrides,
  });
}

async function failureOf(promise: Promise<unknown>): Promise<HttpError> {
  try {
    await promise;
  } catch (e) {
    expect(e).toBeInstanceOf(HttpError);
    return e as HttpError;
  }
  throw new Error("expected the lookup to fail");
}

/** The message, the whole cause chain and the stack: none may carry the password. */
function expectNoSecretIn(error: unknown) {
  const text = `${inspect(error, { depth: 10 })}\n${(error as Error).stack}`;
  expect(text).not.toContain(PASSWORD);
  expect(text).not.toContain(BASIC_TOKEN);
}

const requestsTo = (path: string) => fake!.requests.filter((r) => r.path === path);

describe("lookups: one GET each, trimmed with fields=", () => {
  test("kafkaBrokers returns host:9092, one request with Basic auth and fields=host_components/HostRoles/host_name", async () => {
    const client = await clientFor();
    await expect(client.kafkaBrokers()).resolves.toEqual([0, 1, 2].map((n) => `${brokerHost(n)}:9092`));
    expect(fake!.requests).toEqual([
      { method: "GET", path: BROKER_PATH, query: { fields: "host_components/HostRoles/host_name" }, user: "admin" },
    ]);
  });

  test("broker hosts come back sorted in natural order (wn2 before wn10) and deduplicated", async () => {
    const client = await clientFor({ brokerHosts: [brokerHost(10), brokerHost(2), brokerHost(0), brokerHost(2), brokerHost(1)] });
    await expect(client.kafkaBrokers()).resolves.toEqual([0, 1, 2, 10].map((n) => `${brokerHost(n)}:9092`));
    expect(sortedUniqueHosts(["b", "a", "b"])).toEqual(["a", "b"]);
  });

  test("zookeeperHosts returns host:2181 from ZOOKEEPER/ZOOKEEPER_SERVER in one request", async () => {
    const client = await clientFor({ zookeeperHosts: [zookeeperHost(5), zookeeperHost(0), zookeeperHost(2)] });
    await expect(client.zookeeperHosts()).resolves.toEqual([0, 2, 5].map((n) => `${zookeeperHost(n)}:2181`));
    expect(fake!.requests.map((r) => [r.path, r.query])).toEqual([
      ["/api/v1/clusters/kafka-mylab42/services/ZOOKEEPER/components/ZOOKEEPER_SERVER", { fields: "host_components/HostRoles/host_name" }],
    ]);
  });

  test("kafkaBrokerConfig reads the desired kafka-broker tag, then that configuration: two requests", async () => {
    const client = await clientFor();
    const config = await client.kafkaBrokerConfig();
    expect(config["auto.create.topics.enable"]).toBe("true");
    expect(config["default.replication.factor"]).toBe("3");
    expect(fake!.requests.map((r) => [r.path, r.query])).toEqual([
      ["/api/v1/clusters/kafka-mylab42", { fields: "Clusters/desired_configs" }],
      ["/api/v1/clusters/kafka-mylab42/configurations", { type: "kafka-broker", tag: "version1700000000000" }],
    ]);
  });

  test("the fake trims a fields= answer as Ambari does: href and key properties stay, the rest goes", async () => {
    fake = await startFakeAmbari();
    const get = async (query: string): Promise<any> =>
      (await fetch(`${fake!.url}${BROKER_PATH}${query}`, { headers: { Authorization: `Basic ${BASIC_TOKEN}` } })).json();
    const full = await get("");
    const trimmed = await get("?fields=host_components/HostRoles/host_name");
    expect(full.ServiceComponentInfo.state).toBe("STARTED");
    expect(trimmed.ServiceComponentInfo).toEqual({ cluster_name: "kafka-mylab42", component_name: "KAFKA_BROKER", service_name: "KAFKA" });
    expect(trimmed.href).toBe(full.href);
    expect(trimmed.host_components).toEqual(full.host_components);
  });

  test("the password stays out of the client object itself (util.inspect, JSON)", async () => {
    const client = await clientFor();
    expect(inspect(client, { depth: 5, showHidden: true })).not.toContain(PASSWORD);
    expect(JSON.stringify(client)).not.toContain(PASSWORD);
    expect(inspect(client)).not.toContain(BASIC_TOKEN);
  });
});

describe("each failure has its own error class and an actionable message", () => {
  test("401: names the user, points at the stack output, never the password; not retried", async () => {
    const client = await clientFor({}, { password: "wrong-password" });
    const error = await failureOf(client.kafkaBrokers());
    expect(error).toBeInstanceOf(HttpLoginError);
    expect(error.name).toBe("HttpLoginError");
    expect(error.service).toBe("Ambari");
    expect(error.message).toContain('user "admin"');
    expect(error.message).toContain("pulumi stack output clusterLoginPassword --show-secrets");
    expect(error.message).not.toContain("wrong-password");
    expect(inspect(error, { depth: 10 })).not.toContain("wrong-password");
    expect(error.status).toBe(401);
    expect(error.request).toBe(`GET ${BROKER_PATH}?fields=host_components/HostRoles/host_name`);
    expect(fake!.requests).toHaveLength(1);
  });

  test("403: the user logged in but may not read; says what role to ask for", async () => {
    const client = await clientFor({ accounts: [{ user: "viewer", password: PASSWORD, forbidden: true }] }, { user: "viewer" });
    const error = await failureOf(client.kafkaBrokers());
    expect(error).toBeInstanceOf(HttpForbiddenError);
    expect(error.message).toContain('User "viewer"');
    expect(error.message).toContain("HTTP 403: You do not have permissions to access this resource.");
    expect(error.status).toBe(403);
    expectNoSecretIn(error);
    expect(fake!.requests).toHaveLength(1);
  });

  test("404: a cluster name in the wrong case; quotes Ambari's message and says names are case-sensitive", async () => {
    const client = await clientFor({ cluster: "kafka-mylab42" }, { cluster: "Kafka-MyLab42" });
    const error = await failureOf(client.kafkaBrokers());
    expect(error).toBeInstanceOf(HttpNotFoundError);
    expect(error.message).toContain("The requested resource doesn't exist: Cluster not found, clusterName=Kafka-MyLab42");
    expect(error.message).toContain("case-sensitive");
    expect(error.serverMessage).toMatch(/Cluster not found/);
    expect(error.status).toBe(404);
    expect(fake!.requests).toHaveLength(1);
  });

  test("an HTML page instead of JSON: says what came back (title and content-type)", async () => {
    const client = await clientFor({ htmlLoginPage: true });
    const error = await failureOf(client.kafkaBrokers());
    expect(error).toBeInstanceOf(HttpFormatError);
    expect(error.message).toContain('an HTML page titled "Sign in to your account"');
    expect(error.message).toContain('content-type "text/html; charset=utf-8"');
    expect(error.message).toContain("--ambari-url");
    expect(error.cause).toBeInstanceOf(SyntaxError);
    expect(fake!.requests).toHaveLength(1);
  });

  test("TLS: a self-signed certificate names the cause code and is not retried", async () => {
    const client = await clientFor({ https: true });
    const error = await failureOf(client.kafkaBrokers());
    expect(error).toBeInstanceOf(HttpTlsError);
    expect(error.code).toBe("DEPTH_ZERO_SELF_SIGNED_CERT");
    expect(error.message).toContain("DEPTH_ZERO_SELF_SIGNED_CERT (self-signed certificate)");
    expect(error.message).toContain("NODE_EXTRA_CA_CERTS");
    expect(error.cause).toMatchObject({ message: "fetch failed" }); // fetch's own error, the socket's inside
    expectNoSecretIn(error);
    expect(fake!.requests).toHaveLength(0); // the handshake failed before any HTTP request
  });

  test("not a Kafka cluster: desired configs without kafka-broker", async () => {
    const fakeFetch: typeof fetch = async () =>
      new Response(JSON.stringify({ href: "x", Clusters: { cluster_name: "spark-mylab42", desired_configs: { "spark2-defaults": { tag: "v1" } } } }));
    const client = new AmbariClient({ baseUrl: "https://spark-mylab42.azurehdinsight.net", cluster: "spark-mylab42", user: "admin", password: PASSWORD, fetch: fakeFetch });
    const error = await failureOf(client.kafkaBrokerConfig());
    expect(error).toBeInstanceOf(HttpError);
    expect(error.message).toBe('Cluster "spark-mylab42" has no kafka-broker configuration: is it a Kafka cluster?');
    expect((error.cause as Error).message).toBe("desired configurations: spark2-defaults");
  });

  test("an unknown host name is a typo, not an outage: one attempt, ENOTFOUND", async () => {
    let calls = 0;
    const fakeFetch: typeof fetch = async () => {
      calls++;
      throw new TypeError("fetch failed", { cause: Object.assign(new Error("getaddrinfo ENOTFOUND kafka-typo.azurehdinsight.net"), { code: "ENOTFOUND" }) });
    };
    const client = new AmbariClient({ baseUrl: "https://kafka-typo.azurehdinsight.net", cluster: "kafka-typo", user: "admin", password: PASSWORD, fetch: fakeFetch });
    const error = await failureOf(client.kafkaBrokers());
    expect(error).toBeInstanceOf(HttpUnavailableError);
    expect(error.message).toContain("No such host kafka-typo.azurehdinsight.net (ENOTFOUND)");
    expect(calls).toBe(1);
  });
});

describe("retries: exponential, bounded, only for what waiting can fix", () => {
  test("two 503s, then the answer: 3 requests, delays doubling from backoffMs", async () => {
    const notices: RetryNotice[] = [];
    const client = await clientFor({ failFirst: { count: 2, status: 503 } }, { backoffMs: 5, onRetry: (n) => notices.push(n) });
    await expect(client.kafkaBrokers()).resolves.toHaveLength(3);
    expect(fake!.requests).toHaveLength(3);
    expect(notices.map((n) => [n.attempt, n.attempts, n.delayMs])).toEqual([
      [1, 4, 5],
      [2, 4, 10],
    ]);
    expect(notices[0].error).toBeInstanceOf(HttpUnavailableError);
    expect(notices[0].error.status).toBe(503);
    expect(notices[0].error.message).toContain("HTTP 503");
  });

  test("a 500 is retried too", async () => {
    const client = await clientFor({ failFirst: { count: 1, status: 500 } });
    await expect(client.zookeeperHosts()).resolves.toHaveLength(3);
    expect(fake!.requests).toHaveLength(2);
  });

  test("cluster still starting (KAFKA_BROKER with no host_components) recovers after K polls", async () => {
    const notices: RetryNotice[] = [];
    const client = await clientFor({ emptyBrokerPolls: 2 }, { onRetry: (n) => notices.push(n) });
    await expect(client.kafkaBrokers()).resolves.toEqual([0, 1, 2].map((n) => `${brokerHost(n)}:9092`));
    expect(requestsTo(BROKER_PATH)).toHaveLength(3);
    expect(notices.map((n) => n.error)).toEqual([expect.any(AmbariClusterStartingError), expect.any(AmbariClusterStartingError)]);
    expect(notices[0].error.message).toBe('Cluster "kafka-mylab42" has no KAFKA_BROKER hosts yet: the cluster is still starting');
  });

  test("bounded: gives up after retries + 1 attempts, wrapping the last cause", async () => {
    const client = await clientFor({ failFirst: { count: 100, status: 503 } }, { retries: 2 });
    const error = await failureOf(client.kafkaBrokers());
    expect(error).toBeInstanceOf(HttpRetriesExhaustedError);
    expect(error.name).toBe("HttpRetriesExhaustedError");
    expect(error.message).toMatch(/^Gave up after 3 attempts \(\d+\.\d s\) to read the KAFKA_BROKER hosts of cluster "kafka-mylab42": Ambari answered HTTP 503/);
    expect(error.cause).toBeInstanceOf(HttpUnavailableError);
    expect(fake!.requests).toHaveLength(3);
    expectNoSecretIn(error);
  });

  test("a cluster that never finishes starting: gives up with the starting error as cause", async () => {
    const client = await clientFor({ emptyBrokerPolls: 100 }, { retries: 1 });
    const error = await failureOf(client.kafkaBrokers());
    expect(error).toBeInstanceOf(HttpRetriesExhaustedError);
    expect(error.cause).toBeInstanceOf(AmbariClusterStartingError);
    expect(fake!.requests).toHaveLength(2);
  });

  test("a slow answer times out per request, is retried, then gives up", async () => {
    const client = await clientFor({ delayMs: 1000 }, { timeoutMs: 50, retries: 1 });
    const error = await failureOf(client.kafkaBrokers());
    expect(error).toBeInstanceOf(HttpRetriesExhaustedError);
    expect(error.cause).toBeInstanceOf(HttpUnavailableError);
    expect((error.cause as HttpError).code).toBe("ETIMEDOUT");
    expect((error.cause as Error).message).toContain("did not answer GET " + BROKER_PATH);
    expect((error.cause as Error).message).toContain("within 50 ms");
    expect(fake!.requests).toHaveLength(2);
  });

  test("connection refused is retried, then gives up with the socket's code", async () => {
    const port = await closedPort();
    const client = new AmbariClient({ baseUrl: `http://127.0.0.1:${port}`, cluster: "kafka-mylab42", user: "admin", password: PASSWORD, retries: 2, backoffMs: 1 });
    const error = await failureOf(client.kafkaBrokers());
    expect(error).toBeInstanceOf(HttpRetriesExhaustedError);
    expect(error.message).toContain("after 3 attempts");
    expect(error.cause).toBeInstanceOf(HttpUnavailableError);
    expect((error.cause as HttpUnavailableError).code).toBe("ECONNREFUSED");
    expect(error.exitCode).toBe(8);
  });

  test("an injected fetch is used for every request: a reset connection, then the answer", async () => {
    const seen: RequestInit[] = [];
    const fakeFetch: typeof fetch = async (_url, init) => {
      seen.push(init ?? {});
      if (seen.length === 1) {
        throw new TypeError("fetch failed", { cause: Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }) });
      }
      return new Response(JSON.stringify({ host_components: [{ HostRoles: { host_name: brokerHost(0) } }] }), {
        headers: { "content-type": "application/json" },
      });
    };
    const client = new AmbariClient({ baseUrl: "https://kafka-mylab42.azurehdinsight.net/", cluster: "kafka-mylab42", user: "admin", password: PASSWORD, backoffMs: 1, fetch: fakeFetch });
    await expect(client.kafkaBrokers()).resolves.toEqual([`${brokerHost(0)}:9092`]);
    expect(seen).toHaveLength(2);
    expect((seen[1].headers as Record<string, string>).Authorization).toBe(`Basic ${BASIC_TOKEN}`);
    expect(seen[1].signal).toBeInstanceOf(AbortSignal);
  });
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((ok) => server.close(() => ok()));
  return port;
}
