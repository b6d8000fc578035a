/**
 * A small Ambari REST client: the lookups the jobs need after `pulumi up` (Kafka brokers,
 * ZooKeeper servers, the kafka-broker configuration), each one GET with `fields=` so the gateway
 * sends only what we read.
 *
 * Failures become distinct error classes (kafkajs style: `name`, `retriable`, `cause`) whose
 * messages say what to do next. Retries are bounded, with exponential backoff, and only for
 * what can get better by waiting: network errors, timeouts, 5xx and a cluster still starting.
 * No message ever contains the password: it lives only in a private field, as an auth header.
 */
import {
  AmbariAuthenticationError, AmbariClusterStartingError, AmbariConnectionError, AmbariError, AmbariForbiddenError, AmbariHttpError, AmbariNotFoundError,
  AmbariResponseFormatError, AmbariRetriesExhaustedError, AmbariServerError, AmbariTimeoutError, AmbariTlsError, AmbariUnexpectedResponseError,
} from "../../../lib/errors";
import { type RetryNotice as GenericRetryNotice, withRetries } from "../../http/retry";
import { redactSecret } from "../../secrets";
import { asObject, htmlTitle, objectAt, rootCause, serverMessageOf, sortedUniqueHosts, TLS_CODE } from "./json";

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

/** Told before each retry: what was being looked up, the attempt that failed, the delay, the error (never holding the password). */
export type RetryNotice = GenericRetryNotice<AmbariError>;

export class AmbariClient {
  readonly baseUrl: string;
  readonly cluster: string;
  readonly user: string;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly backoffMs: number;
  // ES private fields stay out of util.inspect and JSON.stringify, so a logged client leaks nothing.
  readonly #authorization: string;
  readonly #password: string;
  readonly #fetch: typeof fetch;
  readonly #onRetry?: (retry: RetryNotice) => void;

  constructor(options: AmbariClientOptions) {
    let url: URL;
    try {
      url = new URL(options.baseUrl);
    } catch (e) {
      throw new AmbariError(`Not a URL: "${options.baseUrl}" (expected https://CLUSTER.azurehdinsight.net)`, { cause: e });
    }
    if (url.username || url.password) {
      throw new AmbariError("The Ambari URL must not carry credentials: pass the user and password separately");
    }
    this.baseUrl = url.href.replace(/\/+$/, "");
    this.cluster = options.cluster;
    this.user = options.user;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.retries = options.retries ?? 5;
    this.backoffMs = options.backoffMs ?? 1_000;
    this.#password = options.password;
    this.#authorization = "Basic " + Buffer.from(`${options.user}:${options.password}`).toString("base64");
    this.#fetch = options.fetch ?? fetch;
    this.#onRetry = options.onRetry;
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
    const tag = await this.withRetries(`the desired configurations of cluster "${this.cluster}"`, async () => {
      const body = await this.getJson(clusterPath, { fields: "Clusters/desired_configs" });
      const desired = objectAt(body, "Clusters", "desired_configs");
      if (!desired) {
        throw new AmbariUnexpectedResponseError(
          `GET ${clusterPath} answered without Clusters.desired_configs`,
          new Error(`keys: ${Object.keys(asObject(body) ?? {}).join(", ")}`),
        );
      }
      const kafkaBroker = asObject(desired["kafka-broker"]);
      if (!kafkaBroker || typeof kafkaBroker.tag !== "string") {
        throw new AmbariUnexpectedResponseError(
          `Cluster "${this.cluster}" has no kafka-broker configuration: is it a Kafka cluster?`,
          new Error(`desired configurations: ${Object.keys(desired).sort().join(", ") || "none"}`),
        );
      }
      return kafkaBroker.tag;
    });

    return this.withRetries(`the kafka-broker configuration (tag ${tag}) of cluster "${this.cluster}"`, async () => {
      const body = await this.getJson(`${clusterPath}/configurations`, { type: "kafka-broker", tag });
      const items = asObject(body)?.items;
      const properties = Array.isArray(items) ? asObject(asObject(items[0])?.properties) : undefined;
      if (!properties) {
        throw new AmbariUnexpectedResponseError(
          `Cluster "${this.cluster}" returned no kafka-broker configuration for tag ${tag}`,
          new Error(`items: ${Array.isArray(items) ? items.length : "missing"}`),
        );
      }
      return Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, String(v)]));
    });
  }

  private componentHosts(service: string, component: string, port: number): Promise<string[]> {
    const path = `/api/v1/clusters/${encodeURIComponent(this.cluster)}/services/${service}/components/${component}`;
    return this.withRetries(`the ${component} hosts of cluster "${this.cluster}"`, async () => {
      const body = await this.getJson(path, { fields: "host_components/HostRoles/host_name" });
      const hostComponents = asObject(body)?.host_components;
      if (!Array.isArray(hostComponents)) {
        throw new AmbariUnexpectedResponseError(
          `GET ${path} answered without a host_components list`,
          new Error(`keys: ${Object.keys(asObject(body) ?? {}).join(", ")}`),
        );
      }
      const hosts = hostComponents
        .map((hc) => objectAt(hc, "HostRoles")?.host_name)
        .filter((h): h is string => typeof h === "string" && h.length > 0);
      if (hosts.length === 0) {
        throw new AmbariClusterStartingError(this.cluster, component, new Error(`GET ${path}: host_components is empty`));
      }
      return sortedUniqueHosts(hosts).map((h) => `${h}:${port}`);
    });
  }

  /** Runs one lookup step, again after a doubling delay while it fails retriably, at most `retries` more times. */
  private withRetries<T>(lookup: string, attempt: () => Promise<T>): Promise<T> {
    return withRetries<T, AmbariError>(lookup, attempt, { retries: this.retries, backoffMs: this.backoffMs }, {
      onRetry: this.#onRetry,
      isRetriable: (e): e is AmbariError => e instanceof AmbariError && e.retriable,
      exhausted: (last, attempts, elapsedMs) => new AmbariRetriesExhaustedError(lookup, attempts, elapsedMs, last),
    });
  }

  /** One GET: authenticated, bounded in time, and every failure mapped to an error class. */
  private async getJson(path: string, query: Record<string, string>): Promise<unknown> {
    const url = new URL(this.baseUrl + path);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    // Unencoded, as a person would type it: this only goes into messages.
    const shownPath = `${path}?${Object.entries(query).map(([k, v]) => `${k}=${v}`).join("&")}`;
    const origin = url.origin;

    let status: number;
    let contentType: string;
    let text: string;
    try {
      const response = await this.#fetch(url, {
        headers: { Authorization: this.#authorization, Accept: "application/json" },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      status = response.status;
      contentType = response.headers.get("content-type") ?? "";
      text = await response.text();
    } catch (e) {
      throw this.networkError(e, origin, shownPath);
    }

    if (status >= 200 && status < 300) {
      try {
        return JSON.parse(text);
      } catch (e) {
        // Decided by parsing, not by Content-Type: Ambari versions differ in how they label JSON.
        throw new AmbariResponseFormatError(contentType, this.redact(url.origin + shownPath), status, htmlTitle(text, this.#password), e);
      }
    }

    const http = new AmbariHttpError("GET", shownPath, status, contentType, this.redact(serverMessageOf(text)));
    if (status === 401) throw new AmbariAuthenticationError(this.user, origin, http);
    if (status === 403) throw new AmbariForbiddenError(this.user, shownPath, http);
    if (status === 404) throw new AmbariNotFoundError(this.cluster, shownPath, http);
    if (status >= 500 || status === 429) throw new AmbariServerError(status, shownPath, http);
    throw new AmbariUnexpectedResponseError(`Ambari answered HTTP ${status} to GET ${shownPath}${http.serverMessage ? ` (${http.serverMessage})` : ""}`, http);
  }

  private networkError(e: unknown, origin: string, path: string): AmbariError {
    // Duck-typed, not instanceof: fetch's DOMException may come from another realm (vm, jest).
    const name = (e as { name?: unknown } | undefined)?.name;
    if (name === "TimeoutError" || name === "AbortError") {
      return new AmbariTimeoutError(this.timeoutMs, origin, path, e);
    }
    const root = rootCause(e);
    const code = root.code;
    const detail = this.redact(root.message ?? String(e));
    if (code && TLS_CODE.test(code)) return new AmbariTlsError(code, origin, detail, e);
    // An unknown host name is a typo, not an outage: waiting does not fix it.
    if (code === "ENOTFOUND") {
      return new AmbariConnectionError(
        `No such host ${new URL(origin).hostname} (ENOTFOUND): check the cluster name (the URL is https://CLUSTER.azurehdinsight.net) or --ambari-url`,
        code,
        e,
        false,
      );
    }
    return new AmbariConnectionError(`Could not reach Ambari at ${origin}: ${code ?? "network error"} (${detail})`, code, e, true);
  }

  /** Defence in depth: a server echoing the password back must not put it in our messages. */
  private redact(text: string): string;
  private redact(text: string | undefined): string | undefined;
  private redact(text: string | undefined): string | undefined {
    return text === undefined ? undefined : redactSecret(text, this.#password);
  }
}
