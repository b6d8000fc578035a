// The Ambari client, its errors (in the project's one hierarchy, lib/errors.ts) and its JSON helpers.
export * from "./client";
export {
  AmbariAuthenticationError, AmbariClusterStartingError, AmbariConnectionError, AmbariError, AmbariForbiddenError, AmbariHttpError, AmbariNotFoundError,
  AmbariResponseFormatError, AmbariRetriesExhaustedError, AmbariServerError, AmbariTimeoutError, AmbariTlsError, AmbariUnexpectedResponseError,
} from "../../../lib/errors";
export { sortedUniqueHosts } from "./json";
