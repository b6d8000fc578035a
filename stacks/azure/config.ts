/**
 * The Azure stack's typed config: the keys (fields.ts) parsed, then the rules across them
 * (rules.ts) in order. Everything Azure would refuse is refused here first, each issue with its
 * key, the rule and the fix, before any resource is declared (a wrong name or size costs a second
 * instead of a twenty-minute failed deploy).
 */
import type * as pulumi from "@pulumi/pulumi";
import { ConfigIssue, fullKey, parseFields, PROJECT } from "../configSchema";
import { AZURE_FIELDS, type AzureValues } from "./fields";
import * as rules from "./rules";
import type { ClusterNodes, ExtraVmSize } from "./sizing";

export type { ClusterNodes };

export { AUTO_DELETE_MAX_MINUTES, AUTO_DELETE_MIN_MINUTES, AZURE_FIELDS, durationMinutes, parseCidr, RESERVED_SSH_USERS } from "./fields";
export { addressesNeeded, AZURE_RESERVED_ADDRESSES, cidrContains, containerName, sharesThreeChars } from "./rules";


/** The per-role count and size keys: in the typed config they exist once, as `kafkaNodes` and `sparkNodes`. */
type NodeKeys = `${"kafka" | "spark"}${"Head" | "Worker" | "Zookeeper"}Node${"Count" | "Size"}`;
const NODE_KEY = /^(kafka|spark)(Head|Worker|Zookeeper)Node(Count|Size)$/;

export interface AzureConfig extends Omit<AzureValues, "clusterLoginPassword" | "sshPassword" | "kafkaClusterName" | "sparkClusterName" | "resourceGroupName" | NodeKeys> {
  target: "azure";
  kafkaClusterName: string;
  sparkClusterName: string;
  resourceGroupName: string;
  /** Secrets stay Outputs so that nothing downstream can print them by accident. */
  clusterLoginPassword: pulumi.Output<string>;
  sshPassword?: pulumi.Output<string>;
  kafkaNodes: ClusterNodes[];
  sparkNodes: ClusterNodes[];
  /** When a Logic App deletes the resource group; undefined when autoDeleteAfter is off. */
  autoDelete?: { at: string; explicit: boolean };
}

/**
 * A Pulumi secret, the SDK loaded only here: the commands validate stack files without deploying
 * and should not pay a second of start-up for an SDK they do not use.
 */
function secret(value: string): pulumi.Output<string> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require("@pulumi/pulumi") as typeof import("@pulumi/pulumi")).secret(value);
}

/** Validates an Azure stack's raw config; every problem goes to `issues`, advice to `warnings`. */
export function validateAzure(raw: Record<string, string>, secretKeys: ReadonlySet<string>, now: Date, issues: ConfigIssue[], warnings: string[]): { config?: AzureConfig } {
  const v = parseFields(AZURE_FIELDS, raw, issues);
  const input: rules.RuleInput = { v, raw, issue: (key, message, fix) => issues.push({ key: fullKey(key), message, fix }), warn: (m) => warnings.push(m) };
  rules.secretsAreSecret(input, secretKeys);
  const names = rules.clusterNames(input);
  rules.derivedNames(input, names);
  rules.location(input);
  rules.credentials(input);
  const { kafkaNodes, sparkNodes } = nodesOf(v);
  rules.network(input, { kafkaNodes, sparkNodes });
  rules.vmSizes(input);
  rules.quota(input, { kafkaNodes, sparkNodes });
  const autoDelete = rules.deadline(input, now);

  if (issues.length) return {};
  const a = v as AzureValues;
  // Counts and sizes live on in kafkaNodes/sparkNodes only.
  const rest = Object.fromEntries(Object.entries(a).filter(([key]) => !NODE_KEY.test(key))) as Omit<AzureValues, NodeKeys>;
  const config: AzureConfig = {
    ...rest,
    target: "azure",
    kafkaClusterName: names.kafka!.name,
    sparkClusterName: names.spark!.name,
    resourceGroupName: a.resourceGroupName ?? `rg-${a.baseName}`,
    clusterLoginPassword: secret(a.clusterLoginPassword),
    sshPassword: a.sshPassword === undefined ? undefined : secret(a.sshPassword),
    kafkaNodes,
    sparkNodes,
    autoDelete,
  };
  return { config };
}
type AzureFieldValues = Partial<AzureValues>;

/** Node counts and sizes by cluster and role: the one place they are assembled from the fields. */
function nodesOf(v: AzureFieldValues): { kafkaNodes: ClusterNodes[]; sparkNodes: ClusterNodes[] } {
  return {
    kafkaNodes: [
      { role: "headnode", count: v.kafkaHeadNodeCount ?? 0, vmSize: v.kafkaHeadNodeSize ?? "" },
      { role: "workernode", count: v.kafkaWorkerNodeCount ?? 0, vmSize: v.kafkaWorkerNodeSize ?? "" },
      { role: "zookeepernode", count: v.kafkaZookeeperNodeCount ?? 0, vmSize: v.kafkaZookeeperNodeSize ?? "" },
    ],
    sparkNodes: [
      { role: "headnode", count: v.sparkHeadNodeCount ?? 0, vmSize: v.sparkHeadNodeSize ?? "" },
      { role: "workernode", count: v.sparkWorkerNodeCount ?? 0, vmSize: v.sparkWorkerNodeSize ?? "" },
    ],
  };
}

/** What an Azure environment is made of, for its cost: no credentials needed. */
export interface AzureSizing {
  location: string;
  kafkaNodes: ClusterNodes[];
  sparkNodes: ClusterNodes[];
  extraVmSizes?: Record<string, ExtraVmSize>;
}

/**
 * The sizing of an Azure config with the same rules and defaults as `validateConfig`, checking
 * only the keys that decide the size (location, node counts and VM sizes): a stack whose
 * passwords are not set yet can already be priced.
 */
export function azureSizing(raw: Record<string, string>): { sizing?: AzureSizing; issues: ConfigIssue[] } {
  const all: ConfigIssue[] = [];
  const v = parseFields(AZURE_FIELDS, raw, all);
  // The sizes too, as the program checks them: an unlisted or retired size has no price to add up.
  rules.vmSizes({ v, raw, issue: (key, message, fix) => all.push({ key: fullKey(key), message, fix }), warn: () => undefined });
  const sizingKey = (key: string) => { const k = key.replace(`${PROJECT}:`, ""); return k === "location" || k === "extraVmSizes" || NODE_KEY.test(k); };
  const issues = all.filter((i) => sizingKey(i.key));
  if (issues.length) return { issues };
  return { sizing: { location: v.location as string, extraVmSizes: v.extraVmSizes, ...nodesOf(v) }, issues };
}
