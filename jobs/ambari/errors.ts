/**
 * What can go wrong talking to Ambari, one class per failure (kafkajs style: `name`,
 * `retriable`, `cause`), each message saying what to do next and never holding the password.
 */

interface AmbariErrorOptions {
  cause?: unknown;
  retriable?: boolean;
}

/** Base class: every failure of the client is one of its subclasses. */
export class AmbariError extends Error {
  /** True when the same request may succeed later (the client retries these itself). */
  readonly retriable: boolean;

  constructor(message: string, options: AmbariErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = "AmbariError";
    this.retriable = options.retriable ?? false;
  }
}

/** The raw facts of an HTTP answer, kept as the `cause` of the errors that interpret it. */
export class AmbariHttpError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly contentType: string,
    /** Ambari's own `message` field, when the body had one. */
    readonly serverMessage: string | undefined,
  ) {
    super(`${method} ${path}: HTTP ${status}${serverMessage ? ` (${serverMessage})` : ""}`);
    this.name = "AmbariHttpError";
  }
}

/** 401: the gateway or Ambari refused the user/password pair. */
export class AmbariAuthenticationError extends AmbariError {
  constructor(readonly user: string, origin: string, cause: AmbariHttpError) {
    super(
      `Ambari at ${origin} refused the login of user "${user}" (HTTP 401): check the user name and password. ` +
        "For a stack deployed by this project the user is `pulumi stack output clusterLoginUser` and the password " +
        "`pulumi stack output clusterLoginPassword --show-secrets`.",
      { cause },
    );
    this.name = "AmbariAuthenticationError";
  }
}

/** 403: logged in, but this user may not read the resource. */
export class AmbariForbiddenError extends AmbariError {
  constructor(readonly user: string, path: string, cause: AmbariHttpError) {
    super(
      `User "${user}" logged in but may not read ${path} (HTTP 403${cause.serverMessage ? `: ${cause.serverMessage}` : ""}). ` +
        "Use the cluster login user (`pulumi stack output clusterLoginUser`) or ask an Ambari administrator for at least the Cluster User role.",
      { cause },
    );
    this.name = "AmbariForbiddenError";
  }
}

/** 404: most often a cluster name with the wrong case, or the Spark cluster instead of the Kafka one. */
export class AmbariNotFoundError extends AmbariError {
  constructor(readonly cluster: string, path: string, cause: AmbariHttpError) {
    super(
      `Ambari answered HTTP 404 to GET ${path}${cause.serverMessage ? ` (${cause.serverMessage})` : ""}. ` +
        `Check the cluster name "${cluster}": the name in Ambari URLs is case-sensitive ` +
        "(use exactly `pulumi stack output kafkaClusterName`), and it must be the Kafka cluster, not the Spark one.",
      { cause },
    );
    this.name = "AmbariNotFoundError";
  }
}

/** 5xx: the gateway or Ambari is overloaded or restarting; worth retrying. */
export class AmbariServerError extends AmbariError {
  constructor(readonly status: number, path: string, cause: AmbariHttpError) {
    super(`Ambari answered HTTP ${status} to GET ${path}${cause.serverMessage ? ` (${cause.serverMessage})` : ""}`, {
      cause,
      retriable: true,
    });
    this.name = "AmbariServerError";
  }
}

/** A body that is not JSON: typically an HTML login or proxy page, or a URL that is not Ambari. */
export class AmbariResponseFormatError extends AmbariError {
  constructor(readonly contentType: string, url: string, status: number, pageTitle: string | undefined, cause: unknown) {
    const what = pageTitle ? `an HTML page titled "${pageTitle}"` : `content-type "${contentType || "none"}"`;
    super(
      `${url} answered HTTP ${status} with ${what}, not Ambari's JSON` +
        (pageTitle ? ` (content-type "${contentType || "none"}")` : "") +
        ". An HTML page usually means a login or proxy page, or a URL that is not Ambari: " +
        "check --ambari-url (expected https://CLUSTER.azurehdinsight.net).",
      { cause },
    );
    this.name = "AmbariResponseFormatError";
  }
}

/** JSON, but not what this lookup expects (another HTTP status, a missing field, not a Kafka cluster). */
export class AmbariUnexpectedResponseError extends AmbariError {
  constructor(message: string, cause: unknown) {
    super(message, { cause });
    this.name = "AmbariUnexpectedResponseError";
  }
}

/** The TLS handshake failed: an untrusted or mismatched certificate. Waiting does not help. */
export class AmbariTlsError extends AmbariError {
  constructor(readonly code: string, origin: string, detail: string, cause: unknown) {
    const hint =
      code === "ERR_TLS_CERT_ALTNAME_INVALID"
        ? "The certificate is for another host name: check --ambari-url."
        : "The server's certificate is not trusted. If a proxy inspects HTTPS on your network, " +
          "export NODE_EXTRA_CA_CERTS=/path/to/its-ca.pem; do not turn certificate checks off.";
    super(`TLS connection to ${origin} failed: ${code} (${detail}). ${hint}`, { cause });
    this.name = "AmbariTlsError";
  }
}

/** The request never got an answer (refused, reset, unknown host...). */
export class AmbariConnectionError extends AmbariError {
  constructor(message: string, readonly code: string | undefined, cause: unknown, retriable: boolean) {
    super(message, { cause, retriable });
    this.name = "AmbariConnectionError";
  }
}

/** No answer within `timeoutMs`. */
export class AmbariTimeoutError extends AmbariConnectionError {
  constructor(readonly timeoutMs: number, origin: string, path: string, cause: unknown) {
    super(`Ambari at ${origin} did not answer GET ${path} within ${timeoutMs} ms`, "ETIMEDOUT", cause, true);
    this.name = "AmbariTimeoutError";
  }
}

/** The component exists but has no hosts yet: HDInsight is still provisioning the cluster. */
export class AmbariClusterStartingError extends AmbariError {
  constructor(readonly cluster: string, readonly component: string, cause: unknown) {
    super(`Cluster "${cluster}" has no ${component} hosts yet: the cluster is still starting`, { cause, retriable: true });
    this.name = "AmbariClusterStartingError";
  }
}

/** Every attempt failed with a retriable error; `cause` is the last one. */
export class AmbariRetriesExhaustedError extends AmbariError {
  constructor(readonly lookup: string, readonly attempts: number, elapsedMs: number, cause: AmbariError) {
    super(`Gave up after ${attempts} attempts (${(elapsedMs / 1000).toFixed(1)} s) asking Ambari for ${lookup}: ${cause.message}`, {
      cause,
    });
    this.name = "AmbariRetriesExhaustedError";
  }
}
