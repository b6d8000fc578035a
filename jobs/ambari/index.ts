// The Ambari client, its errors (in the project's one hierarchy, jobs/errors.ts) and its JSON helpers.
export * from "./client";
export {
  AmbariAuthenticationError, AmbariClusterStartingError, AmbariConnectionError, AmbariError, AmbariForbiddenError, AmbariHttpError, AmbariNotFoundError,
  AmbariResponseFormatError, AmbariRetriesExhaustedError, AmbariServerError, AmbariTimeoutError, AmbariTlsError, AmbariUnexpectedResponseError,
} from "../errors";
export { sortedUniqueHosts } from "./json";
