/**
 * Ambari's REST API as an HDInsight cluster's gateway serves it (https://CLUSTER.azurehdinsight.net,
 * Basic auth with the cluster login; docs/azure.md): the lookups the jobs need after `pulumi up`
 * (Kafka brokers, ZooKeeper servers, the kafka-broker configuration), each one GET with `fields=` so
 * the gateway sends only what we read. The HTTP core (lib/http) does the login, timeouts, retries
 * and error mapping; this adds Ambari's paths, its hints, and "no hosts yet" while a cluster starts.
 * API: https://github.com/apache/ambari/blob/trunk/ambari-server/docs/api/v1/index.md
 */
import { HttpClient, type RetryNotice as CoreRetryNotice } from "../../lib/http/client";
import { HttpError } from "../../lib/http/errors";

export const KAFKA_BROKER_PORT = 9092;
export const ZOOKEEPER_PORT = 2181;

export interface AmbariClientOptions {
  /** Ambari's base URL, e.g. `https://kafka-mylab42.azurehdinsight.net` (no credentials in it). */
  baseUrl: string;
  /** Cluster name as Ambari knows it (case-sensitive). */
  cluster: string;
  user: string;
  password: string;
  /** Per request, including reading the body. Default 30 000. */
  timeoutMs?: number;
  /** Retries after the first attempt, for retriable failures only. Default 5. */
  retries?: number;
  /** First retry delay; doubles on each retry (capped at 30 s). Default 1 000. */
  backoffMs?: number;
  /** Defaults to the platform's `fetch`; tests and proxies inject their own. */
  fetch?: typeof fetch;
  /** Told before each retry (progress for CLIs; the error never holds the password). */
  onRetry?: (retry: RetryNotice) => void;
}

export type RetryNotice = CoreRetryNotice<HttpError>;

/** The component exists but has no hosts yet: HDInsight is still provisioning the cluster. Retried. */
export class AmbariClusterStartingError extends HttpError {
  constructor(readonly cluster: string, readonly component: string, request: string) {
    super(`Cluster "${cluster}" has no ${component} hosts yet: the cluster is still starting`, { service: "Ambari", request, retriable: true });
  }
}

/** Host names in natural order (wn2 before wn10), each once. */
export function sortedUniqueHosts(hosts: Iterable<string>): string[] {
  return [...new Set(hosts)].sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
}

const asObject = (value: unknown): Record<string, unknown> | undefined =>
  value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;

function objectAt(value: unknown, ...keys: string[]): Record<string, unknown> | undefined {
  let current = asObject(value);
  for (const key of keys) current = asObject(current?.[key]);
  return current;
}

/** JSON, but not what this lookup expects (a missing field, not a Kafka cluster). */
const unexpected = (message: string, request: string, detail: string) => new HttpError(message, { service: "Ambari", request, cause: new Error(detail) });

export class AmbariClient {
  readonly cluster: string;
  readonly #http: HttpClient;

  constructor(options: AmbariClientOptions) {
    this.cluster = options.cluster;
    this.#http = new HttpClient({
      service: "Ambari",
      expectedUrl: "https://CLUSTER.azurehdinsight.net",
      timeoutMs: 30_000,
      ...options,
      hints: {
        login: "Check the user name and password. For a stack deployed by this project the user is `pulumi stack output clusterLoginUser` and the password `pulumi stack output clusterLoginPassword --show-secrets`.",
        forbidden: "Use the cluster login user (`pulumi stack output clusterLoginUser`) or ask an Ambari administrator for at least the Cluster User role.",
        notFound: `Check the cluster name "${options.cluster}": the name in Ambari URLs is case-sensitive (use exactly \`pulumi stack output kafkaClusterName\`), and it must be the Kafka cluster, not the Spark one.`,
        url: "Check the cluster name, or --ambari-url (expected https://CLUSTER.azurehdinsight.net).",
      },
    });
  }

  get baseUrl(): string {
    return this.#http.baseUrl;
  }

  get user(): string | undefined {
    return this.#http.user;
  }

  /** `host:9092` for every Kafka broker, sorted and deduplicated (the tutorial's jq line). */
  kafkaBrokers(): Promise<string[]> {
    return this.componentHosts("KAFKA", "KAFKA_BROKER", KAFKA_BROKER_PORT);
  }

  /** `host:2181` for every ZooKeeper server, sorted and deduplicated. */
  zookeeperHosts(): Promise<string[]> {
    return this.componentHosts("ZOOKEEPER", "ZOOKEEPER_SERVER", ZOOKEEPER_PORT);
  }

  /** The current kafka-broker properties (e.g. `auto.create.topics.enable`): the desired tag, then that version. */
  async kafkaBrokerConfig(): Promise<Record<string, string>> {
    const clusterPath = `/api/v1/clusters/${encodeURIComponent(this.cluster)}`;
    const tag = await this.#http.withRetries(`read the desired configurations of cluster "${this.cluster}"`, async () => {
      const path = `${clusterPath}?fields=Clusters/desired_configs`;
      const desired = objectAt(await this.get(path, "read the desired configurations"), "Clusters", "desired_configs");
      if (!desired) throw unexpected(`GET ${path} answered without Clusters.desired_configs`, `GET ${path}`, "no Clusters.desired_configs");
      const kafkaBroker = asObject(desired["kafka-broker"]);
      if (!kafkaBroker || typeof kafkaBroker.tag !== "string") {
        throw unexpected(`Cluster "${this.cluster}" has no kafka-broker configuration: is it a Kafka cluster?`, `GET ${path}`, `desired configurations: ${Object.keys(desired).sort().join(", ") || "none"}`);
      }
      return kafkaBroker.tag;
    });
    return this.#http.withRetries(`read the kafka-broker configuration (tag ${tag}) of cluster "${this.cluster}"`, async () => {
      const path = `${clusterPath}/configurations?type=kafka-broker&tag=${encodeURIComponent(tag)}`;
      const items = asObject(await this.get(path, "read the kafka-broker configuration"))?.items;
      const properties = Array.isArray(items) ? asObject(asObject(items[0])?.properties) : undefined;
      if (!properties) throw unexpected(`Cluster "${this.cluster}" returned no kafka-broker configuration for tag ${tag}`, `GET ${path}`, `items: ${Array.isArray(items) ? items.length : "missing"}`);
      return Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, String(v)]));
    });
  }

  private componentHosts(service: string, component: string, port: number): Promise<string[]> {
    const path = `/api/v1/clusters/${encodeURIComponent(this.cluster)}/services/${service}/components/${component}?fields=host_components/HostRoles/host_name`;
    return this.#http.withRetries(`read the ${component} hosts of cluster "${this.cluster}"`, async () => {
      const body = await this.get(path, `read the ${component} hosts`);
      const hostComponents = asObject(body)?.host_components;
      if (!Array.isArray(hostComponents)) throw unexpected(`GET ${path} answered without a host_components list`, `GET ${path}`, `keys: ${Object.keys(asObject(body) ?? {}).join(", ")}`);
      const hosts = hostComponents.map((hc) => objectAt(hc, "HostRoles")?.host_name).filter((h): h is string => typeof h === "string" && h.length > 0);
      if (hosts.length === 0) throw new AmbariClusterStartingError(this.cluster, component, `GET ${path}`);
      return sortedUniqueHosts(hosts).map((h) => `${h}:${port}`);
    });
  }

  /** One GET, not retried by itself: the lookup around it retries as a whole. */
  private get(path: string, what: string): Promise<unknown> {
    return this.#http.onceJson({ method: "GET", path, what });
  }
}
