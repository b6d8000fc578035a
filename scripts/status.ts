// npm run status: a stack's nodes or clusters, web UIs, topics, running jobs (with their lag) and,
// on Azure, cost and deadline, as tables or JSON (jobs/status.ts gathers and renders).
import execa from "execa";
import { Kafka } from "kafkajs";
import { armGet, defaultAzureCredential } from "../stacks/azure/arm";
import { EXIT } from "../lib/errors";
import { openKafkaRoute, retryNote } from "../jobs/kafka/route";
import { LivyClient } from "../jobs/spark/livy";
import { dockerShell } from "../jobs/local/shell";
import { parseOutputs } from "../jobs/pulumiStack";
import { armClusterInfo, azureStatus, type BatchInfo, localStatus, renderStatus, statusJson, type StackStatus } from "../jobs/status";
import { defineCommand, runCli, SSH_HELP } from "../jobs/cli/command";

const usage = `Usage: npm run status -- [--stack <name>] [--json]

What a stack is doing now, as tables: each node (local: container state, health, memory) or
cluster (Azure: its state in Azure Resource Manager), the web UIs and whether they answer, the
topics with their partitions and records, the running jobs with how many records each has not
counted yet (from its last progress line), and on Azure the cost per hour, so far, and when Azure
deletes it. A part that cannot be read is named at the end with why; the rest is still shown.

  --stack <name>   default dev
  --json           the same as JSON
  -h, --help

Azure: Resource Manager with your Azure login (az login, or AZURE_CLIENT_ID/AZURE_TENANT_ID/
AZURE_CLIENT_SECRET); Kafka through the SSH gateway; Livy with the cluster login of the stack.
${SSH_HELP}
`;

export const status = defineCommand({
  name: "status",
  summary: { usage: "`npm run status -- --stack <name>`", does: "nodes, web UIs, topics, running jobs and their lag; on Azure cost so far and deadline" },
  usage,
  exits: ["USAGE", "STACK_OUTPUTS"],
  options: { stack: { type: "string" }, json: { type: "boolean" } },
  async run(f, c) {
    const stack = c.stackName(f.stack);
    const outputs = await c.readStack(stack);
    let result: StackStatus;
    if (outputs.target === "azure") {
      const o = parseOutputs(stack, outputs, "azure", ["resourceGroupId", "kafkaClusterName", "sparkClusterName", "kafkaAmbariUrl", "sparkAmbariUrl", "sparkLivyUrl", "clusterLoginUser", "clusterLoginPassword", "estimatedCost", "autoDeleteAt"]);
      const arm = c.deps.arm ?? { credential: await defaultAzureCredential() };
      let close = async () => undefined as void;
      const livy = new LivyClient({ baseUrl: o.sparkLivyUrl, user: o.clusterLoginUser, password: o.clusterLoginPassword, fetch: c.deps.fetch, onRetry: retryNote(c.note), retries: 1 });
      try {
        result = await azureStatus({
          stack,
          clusters: [{ name: o.kafkaClusterName, role: "Kafka" }, { name: o.sparkClusterName, role: "Spark (Livy, Jupyter)" }],
          uis: [
            { name: "Ambari (Kafka)", url: o.kafkaAmbariUrl },
            { name: "Ambari (Spark)", url: o.sparkAmbariUrl },
            { name: "Jupyter", url: `${o.sparkAmbariUrl.replace(/\/+$/, "")}/jupyter/`, note: "npm run notebook -- --stack azure" },
            { name: "Livy", url: o.sparkLivyUrl },
            { name: "Spark history", url: `${o.sparkAmbariUrl.replace(/\/+$/, "")}/sparkhistory/` },
          ],
          usdPerHour: o.estimatedCost.usdPerHour,
          deadline: o.autoDeleteAt,
        }, {
          cluster: async (name) => armClusterInfo(await armGet(`${o.resourceGroupId}/providers/Microsoft.HDInsight/clusters/${encodeURIComponent(name)}?api-version=2021-06-01`, { ...arm, fetch: c.deps.fetch }, `read the HDInsight cluster ${name}`)),
          admin: async () => {
            const route = await openKafkaRoute({ stack, outputs }, c.route("kafka-spark-lab-status"));
            close = () => route.close();
            return new Kafka(route.config).admin();
          },
          batches: async () => {
            const mine = new Set(Object.values(c.deps.ledger(livy.baseUrl).all()).flat());
            const running = (await livy.batches()).filter((b) => mine.has(b.id) && !["success", "dead", "killed", "error"].includes(b.state));
            return Promise.all(running.map(async (b): Promise<BatchInfo> => ({
              name: b.name ?? `batch ${b.id}`, id: b.id, state: b.state, appId: b.appId ?? undefined,
              events: (await livy.log(b.id, 0, 100_000)).log.filter((l) => l.startsWith("[wordcount] ")),
            })));
          },
          fetch: c.deps.fetch,
        });
      } finally {
        await close();
      }
    } else {
      const o = parseOutputs(stack, outputs, "local", ["containerNames", "nameNodeUi", "yarnUi", "nodeManagerUis", "sparkUi"]);
      const route = await openKafkaRoute({ stack, outputs }, { ...c.route("kafka-spark-lab-status"), note: () => undefined });
      const shell = dockerShell(o.containerNames[0]);
      try {
        result = await localStatus({
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
          shell,
          admin: () => new Kafka(route.config).admin(),
          fetch: c.deps.fetch,
        });
      } finally {
        await route.close();
      }
    }
    c.out(f.json ? statusJson(result) : renderStatus(result));
    return EXIT.OK;
  },
});

export const { main, USAGE } = status;

if (require.main === module) runCli(status, "status");
