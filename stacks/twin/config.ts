/**
 * The twin stack's config keys and rules. The cluster login and SSH keys are the Azure stack's own
 * (same names, same rules), so an Azure stack file rehearses as a twin with `target: twin`; the keys
 * only Azure has (region, VM sizes, quota, the deadline...) are refused by name, each with why.
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ConfigIssue, count, field, FieldSpec, fullKey, Out, parseFields } from "../configSchema";
import { AZURE_FIELDS } from "../azure/fields";
import { LOCAL_FIELDS } from "../local/config";
import { describeTwin, TWIN_DEFAULTS, type TwinTopology } from "./topology";

/** The keys the topology is made from (every key but the password). */
const TWIN_TOPOLOGY_FIELDS = {
  clusterLoginUser: AZURE_FIELDS.clusterLoginUser,
  sshUser: AZURE_FIELDS.sshUser,
  sshPublicKey: AZURE_FIELDS.sshPublicKey,
  twinBindAddress: field(
    z.ipv4({ error: "must be an IPv4 address such as 127.0.0.1" }).default(TWIN_DEFAULTS.bindAddress),
    "Twin: host address the gateways and SSH are published on.",
    "127.0.0.1",
  ),
  twinGatewayPort: field(count(1024, 65000, "an unprivileged TCP port").default(TWIN_DEFAULTS.gatewayHostPort), "Twin: host port of the Kafka cluster's HTTPS gateway (Ambari).", "18443"),
  twinSshPort: field(count(1024, 65535, "an unprivileged TCP port").default(TWIN_DEFAULTS.sshHostPort), "Twin: host port of the Kafka cluster head node's sshd.", "18022"),
} satisfies Record<string, FieldSpec>;

export const TWIN_FIELDS = { ...TWIN_TOPOLOGY_FIELDS, clusterLoginPassword: AZURE_FIELDS.clusterLoginPassword } satisfies Record<string, FieldSpec>;

type TwinValues = Out<typeof TWIN_FIELDS>;

export interface TwinConfig extends Omit<TwinValues, "clusterLoginPassword" | "sshPublicKey"> {
  target: "twin";
  sshPublicKey: string;
  /** A secret Output, as on Azure, so nothing downstream prints it by accident. */
  clusterLoginPassword: pulumi.Output<string>;
}

/** What a twin does not have, for the keys only Azure has: said when such a key is set on a twin stack. */
function azureOnlyReason(key: string): string {
  if (key === "location" || key === "extraLocations") return "a twin runs on this machine's Docker engine, in no Azure region";
  if (/Node(Size|Count)$|^extraVmSizes$|^kafkaDisksPerNode$/.test(key)) return "a twin's nodes are containers of the twin's own shape, not VMs of a size";
  if (key === "coreQuota") return "a twin uses no Azure quota";
  if (key === "autoDeleteAfter" || key === "expiresAt") return "a twin costs nothing, and `npm run teardown -- --stack twin` removes it; there is no Logic App to delete it";
  return "it is an Azure setting, which a twin on the local Docker engine does not use";
}

/** The keys of the other targets that a twin stack refuses, each named with the reason. */
function foreignKeyIssues(raw: Record<string, string>, issues: ConfigIssue[]): void {
  for (const key of Object.keys(raw)) {
    if (key === "target" || key in TWIN_FIELDS) continue;
    if (key in AZURE_FIELDS) issues.push({ key: fullKey(key), message: `is Azure-only: ${azureOnlyReason(key)}`, fix: `pulumi config rm ${key} --stack <twin stack>` });
    else if (key in LOCAL_FIELDS) issues.push({ key: fullKey(key), message: "is a setting of the local stack (target: local), not of a twin", fix: `pulumi config rm ${key} --stack <twin stack>` });
  }
}

function secret(value: string): pulumi.Output<string> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require("@pulumi/pulumi") as typeof import("@pulumi/pulumi")).secret(value);
}

/** The twin's topology keys from raw config (the password left out): what the commands derive outputs from, without Pulumi. */
export function twinTopologyKeys(raw: Record<string, string>): { keys?: TwinTopologyKeys; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const v = parseFields(TWIN_TOPOLOGY_FIELDS, raw, issues);
  if (issues.length) return { issues };
  return { keys: v as TwinTopologyKeys, issues };
}

export type TwinTopologyKeys = Omit<TwinValues, "clusterLoginPassword">;

/** The twin's topology from its config, for `pulumi up`, the compose file and the commands alike. */
export function twinTopologyFor(keys: Pick<TwinTopologyKeys, "clusterLoginUser" | "sshUser" | "sshPublicKey" | "twinBindAddress" | "twinGatewayPort" | "twinSshPort">, project: string, stack: string): TwinTopology {
  return describeTwin({
    project, stack,
    clusterLoginUser: keys.clusterLoginUser, sshUser: keys.sshUser, sshPublicKey: keys.sshPublicKey ?? "",
    bindAddress: keys.twinBindAddress, gatewayHostPort: keys.twinGatewayPort, sshHostPort: keys.twinSshPort,
  });
}

export function validateTwin(raw: Record<string, string>, secretKeys: ReadonlySet<string>, issues: ConfigIssue[]): { config?: TwinConfig } {
  foreignKeyIssues(raw, issues);
  const v = parseFields(TWIN_FIELDS, raw, issues);
  if (raw.clusterLoginPassword !== undefined && !secretKeys.has("clusterLoginPassword")) {
    issues.push({ key: fullKey("clusterLoginPassword"), message: "is stored in plain text in the stack file; passwords must be Pulumi secrets", fix: "pulumi config set --secret clusterLoginPassword (you will be prompted; this replaces the plain value)" });
  }
  if (v.sshPublicKey === undefined && !issues.some((i) => i.key === fullKey("sshPublicKey"))) {
    issues.push({ key: fullKey("sshPublicKey"), message: "is required on a twin (its head node's sshd takes keys only, as the commands' SSH gateway uses)", fix: 'pulumi config set sshPublicKey "$(cat ~/.ssh/id_ed25519.pub)"' });
  }
  if (v.twinGatewayPort !== undefined && v.twinGatewayPort === v.twinSshPort) {
    issues.push({ key: fullKey("twinSshPort"), message: `is the gateway's port too (${v.twinGatewayPort})`, fix: `pulumi config set twinSshPort ${TWIN_DEFAULTS.sshHostPort}` });
  }
  if (issues.length) return {};
  const t = v as TwinValues;
  return { config: { ...t, target: "twin", sshPublicKey: t.sshPublicKey!, clusterLoginPassword: secret(t.clusterLoginPassword) } };
}
