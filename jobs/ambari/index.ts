// The Ambari client, its errors and its JSON helpers (kafkajs-style module boundaries).
export * from "./client";
export * from "./errors";
export { redactSecret, sortedUniqueHosts } from "./json";
