/**
 * The one HTTP error family of every client (Ambari, Livy, Jupyter, Azure Resource Manager): each
 * carries the service, the request and the status it answered (none when it never answered), and
 * whether waiting may help (`retriable`); the exit code follows from the class. A client refines
 * a status only where its service gives it a meaning of its own (Livy's 404 is a forgotten batch).
 * Messages say what to do and never hold a secret (the core redacts them).
 */
import { LabError } from "../errors";

export type HttpService = "Ambari" | "Livy" | "Jupyter" | "Azure Resource Manager";

export interface HttpErrorFacts {
  service: HttpService;
  /** `GET /api/v1/clusters/x` as a person would type it; none before a request was made. */
  request?: string;
  /** The HTTP status, when the service answered. */
  status?: number;
  /** The service's own message from the body (`message`, `msg`, or ARM's `error`), redacted. */
  serverMessage?: string;
  /** The socket's or TLS layer's code (ECONNREFUSED, DEPTH_ZERO_SELF_SIGNED_CERT...). */
  code?: string;
  retriable?: boolean;
  cause?: unknown;
}

/** A failure of an HTTP service; by itself, an answer not as expected (7). */
export class HttpError extends LabError {
  readonly service: HttpService;
  readonly request?: string;
  readonly status?: number;
  readonly serverMessage?: string;
  readonly code?: string;

  constructor(message: string, facts: HttpErrorFacts) {
    super(message, { cause: facts.cause, retriable: facts.retriable });
    this.service = facts.service;
    this.request = facts.request;
    this.status = facts.status;
    this.serverMessage = facts.serverMessage;
    this.code = facts.code;
  }
}

/** 401: the gateway or the service refused the login. */
export class HttpLoginError extends HttpError {}

/** 403: logged in, but this login may not do that. */
export class HttpForbiddenError extends HttpError {}

/** 404: nothing at that path (a cluster name in the wrong case, a service not deployed yet). */
export class HttpNotFoundError extends HttpError {}

/** The TLS handshake failed: an untrusted or mismatched certificate. Waiting does not help. */
export class HttpTlsError extends HttpError {}

/** A 2xx answer that is not the service's JSON: a login or proxy page, or a URL of another service. */
export class HttpFormatError extends HttpError {}

/** No answer (refused, reset, timed out, unknown host) or 5xx/429: retriable unless waiting cannot help. */
export class HttpUnavailableError extends HttpError {}

/** Every attempt failed retriably; `cause` is the last failure. */
export class HttpRetriesExhaustedError extends HttpError {
  readonly attempts: number;

  constructor(what: string, attempts: number, elapsedMs: number, last: HttpError) {
    super(`Gave up after ${attempts} attempt${attempts === 1 ? "" : "s"} (${(elapsedMs / 1000).toFixed(1)} s) to ${what}: ${last.message}`, { ...last, service: last.service, cause: last, retriable: false });
    this.attempts = attempts;
  }
}
