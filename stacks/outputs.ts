/**
 * The stack outputs, one schema per target: what `index.ts` exports (the producers are typed
 * against these) and what the commands read back (`parseOutputs` in jobs/pulumiStack.ts), so a
 * missing or mistyped output is named once instead of looked up by string in every command.
 */
import { z } from "zod";

const text = z.string().min(1);

/** stacks/azure/cost.ts's estimate, as the Azure stack exports it. */
export const COST_ESTIMATE = z.object({
  usdPerHour: z.number(),
  usdPerDay: z.number(),
  totalCores: z.number().int(),
  pricesFrom: z.string(),
  note: z.string(),
  lines: z.array(z.object({
    cluster: z.enum(["kafka", "spark"]),
    role: z.enum(["headnode", "workernode", "zookeepernode"]),
    count: z.number().int(),
    vmSize: z.string(),
    cores: z.number().int(),
    usdPerHour: z.number().optional(),
  })),
});

export const LOCAL_OUTPUTS = z.object({
  target: z.literal("local"),
  bootstrapServersHost: text,
  bootstrapServersInternal: text,
  sshEndpoint: z.object({ host: text, port: z.number().int(), user: text }),
  nameNodeUi: text,
  yarnUi: text,
  nodeManagerUis: z.array(text),
  sparkUi: text,
  /** Optional: a stack deployed before the notebook service has none until its next `pulumi up`. */
  jupyterUi: text.optional(),
  containerNames: z.array(text).min(1),
  networkName: text,
  imageTag: text,
});

export const AZURE_OUTPUTS = z.object({
  target: z.literal("azure"),
  resourceGroupName: text,
  resourceGroupId: text,
  location: text,
  vnetId: text,
  subnetId: text,
  kafkaClusterName: text,
  sparkClusterName: text,
  kafkaAmbariUrl: text,
  sparkAmbariUrl: text,
  sparkLivyUrl: text,
  sparkJobJarUrl: text,
  kafkaSshHost: text,
  /** The SSH port of kafkaSshHost: 22 on Azure (absent), the published port on a twin. */
  kafkaSshPort: z.number().int().optional(),
  sparkSshHost: text,
  /** The SSH port of sparkSshHost: 22 on Azure (absent), the published port on a twin. */
  sparkSshPort: z.number().int().optional(),
  sshUser: text,
  clusterLoginUser: text,
  clusterLoginPassword: text,
  storageAccountName: text,
  storageContainers: z.array(text),
  estimatedCost: COST_ESTIMATE,
  autoDeleteAt: text,
  autoDeleteWorkflow: text,
});

/**
 * A twin's outputs: the Azure stack's that a twin has, under the same names and meanings (the
 * commands' Azure path reads them unchanged), plus what a Docker deployment adds. The Azure outputs
 * a twin lacks (ARM, cost, the deadline) are refused by name when a command asks for them
 * (`parseOutputs`).
 */
export const TWIN_OUTPUTS = AZURE_OUTPUTS.pick({
  kafkaClusterName: true,
  sparkClusterName: true,
  kafkaAmbariUrl: true,
  sparkAmbariUrl: true,
  sparkLivyUrl: true,
  sparkJobJarUrl: true,
  kafkaSshHost: true,
  sparkSshHost: true,
  sshUser: true,
  clusterLoginUser: true,
  clusterLoginPassword: true,
}).extend({
  target: z.literal("twin"),
  kafkaSshPort: z.number().int(),
  sparkSshPort: z.number().int(),
  /** The head nodes' containers: their gateway certificates and SSH host keys are read from them. */
  kafkaHeadContainer: text,
  sparkHeadContainer: text,
  containerNames: z.array(text).min(1),
  networkName: text,
  imageTag: text,
});

export type LocalOutputs = z.infer<typeof LOCAL_OUTPUTS>;
export type TwinOutputs = z.infer<typeof TWIN_OUTPUTS>;
export type AzureOutputs = z.infer<typeof AZURE_OUTPUTS>;

/** Outputs that are secrets: readable by name, kept out of enumeration once parsed. */
export const SECRET_OUTPUTS = ["clusterLoginPassword"] as const;
