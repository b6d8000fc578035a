/**
 * What a stack is doing now (`npm run status`): its nodes or clusters and their health, the web UIs
 * and whether they answer, the topics with their partitions and records, the running jobs and how
 * far behind each is, and on Azure what it costs and when it is deleted. `stackStatus` picks the
 * probes for the stack's target (gather.ts) from its outputs; render.ts shows the result.
 */
import execa from "execa";
import { Kafka } from "kafkajs";
import { armGet, type ArmOptions, defaultAzureCredential } from "../../stacks/azure/arm";
import { openKafkaRoute, retryNote, type KafkaRouteOptions } from "../kafka/route";
import { FINISHED, type BatchLedger } from "../spark/control";
import { LivyClient } from "../spark/livy";
import { dockerShell } from "../local/shell";
import { onAzurePath, parseOutputs, parseTwinOutputs, type StackOutputs } from "../pulumiStack";
import { gatewayFetch } from "../twin/access";
import { twinClusterInfo } from "../twin/clusters";
import { armClusterInfo, azureStatus, type BatchInfo, type ClusterInfo, localStatus, type StackStatus } from "./gather";

export { renderStatus, statusJson } from "./render";
export * from "./gather";

export interface StackStatusDeps {
  /** How this command reaches Kafka (its route options: secrets, notes, SSH). */
  route: KafkaRouteOptions;
  fetch: typeof fetch;
  /** Azure Resource Manager with the user's login; default: the Azure login of this machine. */
  arm?: Omit<ArmOptions, "fetch">;
  ledger: (livyUrl: string) => BatchLedger;
  note: (m: string) => void;
}

/** The stack's status, every part gathered from its outputs; a part that cannot be read is named, the rest shown. */
export async function stackStatus(stack: string, outputs: StackOutputs, d: StackStatusDeps): Promise<StackStatus> {
  // A twin takes the Azure path, its containers standing for ARM's clusters, without cost or deadline.
  return onAzurePath(outputs) ? azureStackStatus(stack, outputs, d) : localStackStatus(stack, outputs, d);
}

async function azureStackStatus(stack: string, outputs: StackOutputs, d: StackStatusDeps): Promise<StackStatus> {
  const o = parseOutputs(stack, outputs, "azure", ["kafkaClusterName", "sparkClusterName", "kafkaAmbariUrl", "sparkAmbariUrl", "sparkLivyUrl", "clusterLoginUser", "clusterLoginPassword"]);
  const twin = outputs.target === "twin";
  const gateway = o.sparkAmbariUrl.replace(/\/+$/, "");
  // A twin's gateways each have a certificate of their own: every request goes through the fetch that trusts its gateway's.
  const [kafkaFetch, sparkFetch] = [gatewayFetch(stack, outputs, "kafka", d.fetch), gatewayFetch(stack, outputs, "spark", d.fetch)];
  const fetchFor = ((input: string | URL, init?: RequestInit) => (String(input).startsWith(o.kafkaAmbariUrl) ? kafkaFetch : sparkFetch)(input, init)) as typeof fetch;
  const livy = new LivyClient({ baseUrl: o.sparkLivyUrl, user: o.clusterLoginUser, password: o.clusterLoginPassword, fetch: sparkFetch, onRetry: retryNote(d.note), retries: 1 });
  const cluster = twin ? twinClusters(stack, outputs, o) : await armClusters(stack, outputs, d);
  let close = async () => undefined as void;
  try {
    return await azureStatus({
      stack,
      clusters: [{ name: o.kafkaClusterName, role: "Kafka" }, { name: o.sparkClusterName, role: "Spark (Livy, Jupyter)" }],
      uis: [
        { name: "Ambari (Kafka)", url: o.kafkaAmbariUrl },
        { name: "Ambari (Spark)", url: o.sparkAmbariUrl },
        { name: "Jupyter", url: `${gateway}/jupyter/`, note: `npm run notebook -- --stack ${stack}` },
        { name: "Livy", url: o.sparkLivyUrl },
        { name: "Spark history", url: `${gateway}/sparkhistory/` },
      ],
      cost: twin ? undefined : costOf(stack, outputs),
      target: twin ? "twin" : "azure",
    }, {
      cluster,
      admin: async () => {
        const route = await openKafkaRoute({ stack, outputs }, d.route);
        close = () => route.close();
        return new Kafka(route.config).admin();
      },
      batches: async () => {
        const mine = new Set(Object.values(d.ledger(livy.baseUrl).all()).flat());
        const running = (await livy.batches()).filter((b) => mine.has(b.id) && !FINISHED.includes(b.state));
        return Promise.all(running.map(async (b): Promise<BatchInfo> => ({
          name: b.name ?? `batch ${b.id}`, id: b.id, state: b.state, appId: b.appId ?? undefined,
          events: (await livy.log(b.id, 0, 100_000)).log.filter((l) => l.startsWith("[wordcount] ")),
        })));
      },
      fetch: fetchFor,
    });
  } finally {
    await close();
  }
}

/** An Azure stack's clusters from ARM (https://learn.microsoft.com/rest/api/hdinsight/clusters/get). */
async function armClusters(stack: string, outputs: StackOutputs, d: StackStatusDeps): Promise<(name: string) => Promise<ClusterInfo>> {
  const { resourceGroupId } = parseOutputs(stack, outputs, "azure", ["resourceGroupId"]);
  const arm = d.arm ?? { credential: await defaultAzureCredential() };
  return async (name) => armClusterInfo(await armGet(`${resourceGroupId}/providers/Microsoft.HDInsight/clusters/${encodeURIComponent(name)}?api-version=2021-06-01`, { ...arm, fetch: d.fetch }, `read the HDInsight cluster ${name}`));
}

/** A twin's clusters from their containers (the Kafka cluster's end in -kafka, the Spark cluster's in -spark). */
function twinClusters(stack: string, outputs: StackOutputs, o: { kafkaClusterName: string }): (name: string) => Promise<ClusterInfo> {
  const { containerNames } = parseTwinOutputs(stack, outputs, ["containerNames"]);
  return (name) => twinClusterInfo(containerNames.filter((c) => c.endsWith(name === o.kafkaClusterName ? "-kafka" : "-spark")));
}

function costOf(stack: string, outputs: StackOutputs): { usdPerHour: number; deadline: string } {
  const { estimatedCost, autoDeleteAt } = parseOutputs(stack, outputs, "azure", ["estimatedCost", "autoDeleteAt"]);
  return { usdPerHour: estimatedCost.usdPerHour, deadline: autoDeleteAt };
}

async function localStackStatus(stack: string, outputs: StackOutputs, d: StackStatusDeps): Promise<StackStatus> {
  const o = parseOutputs(stack, outputs, "local", ["containerNames", "nameNodeUi", "yarnUi", "nodeManagerUis", "sparkUi"]);
  const route = await openKafkaRoute({ stack, outputs }, { ...d.route, note: () => undefined });
  try {
    return await localStatus({
      stack,
      containers: o.containerNames,
      uis: [
        { name: "HDFS NameNode", url: o.nameNodeUi },
        { name: "YARN ResourceManager", url: o.yarnUi },
        ...o.nodeManagerUis.map((url, i) => ({ name: `YARN NodeManager ${i + 1}`, url })),
        { name: "Spark (a driver on the master)", url: o.sparkUi, note: "no driver running" },
        ...(typeof outputs.jupyterUi === "string" ? [{ name: "JupyterLab", url: outputs.jupyterUi, note: "npm run notebook prints it with its token" }] : []),
      ],
    }, {
      docker: async (args) => (await execa("docker", args)).stdout,
      shell: dockerShell(o.containerNames[0]),
      admin: () => new Kafka(route.config).admin(),
      fetch: d.fetch,
    });
  } finally {
    await route.close();
  }
}
