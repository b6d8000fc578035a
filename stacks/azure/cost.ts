import type { z } from "zod";
import { COST_ESTIMATE } from "../outputs";
import { type ClusterNodes, coresOf, PRICE_TABLE, VM_SIZES } from "./sizing";

/** The estimate's shape is the Azure stack's output schema (stacks/outputs.ts), stated once. */
export type CostEstimate = z.infer<typeof COST_ESTIMATE>;
export type CostLine = CostEstimate["lines"][number];

const round2 = (n: number) => Math.round(n * 100) / 100;

/** What the estimate reads of an Azure config (stacks/azure/config.ts's AzureConfig has it). */
export interface CostInputs {
  kafkaNodes: ClusterNodes[];
  sparkNodes: ClusterNodes[];
  location: string;
  extraVmSizes?: Parameters<typeof coresOf>[1];
}

/** Node counts times the dated price table: what the environment costs while it exists. */
export function estimateCost(config: CostInputs): CostEstimate {
  const lines: CostLine[] = [
    ...config.kafkaNodes.map((n) => ({ ...n, cluster: "kafka" as const })),
    ...config.sparkNodes.map((n) => ({ ...n, cluster: "spark" as const })),
  ].map(({ cluster, role, count, vmSize }) => {
    const size = VM_SIZES[vmSize];
    return { cluster, role, count, vmSize, cores: count * (coresOf(vmSize, config.extraVmSizes) ?? 0), usdPerHour: size ? round2(count * size.usdPerHour) : undefined };
  });
  const usdPerHour = round2(lines.reduce((sum, l) => sum + (l.usdPerHour ?? 0), 0));
  const unpriced = lines.filter((l) => l.usdPerHour === undefined).map((l) => l.vmSize);
  const notes = [
    `Estimated ${PRICE_TABLE.currency} list prices in ${PRICE_TABLE.region} as of ${PRICE_TABLE.asOf} (HDInsight node price = VM + HDInsight surcharge); prices in ${config.location} may differ.`,
    "Billing runs from creation until deletion: HDInsight clusters cannot be paused.",
    "Storage and the implicit Spark ZooKeeper nodes are not included.",
  ];
  if (unpriced.length) notes.push(`Not priced (declared in extraVmSizes, not in the table): ${[...new Set(unpriced)].join(", ")}.`);
  return {
    usdPerHour,
    usdPerDay: round2(usdPerHour * 24),
    totalCores: lines.reduce((sum, l) => sum + l.cores, 0),
    pricesFrom: `${PRICE_TABLE.region}, ${PRICE_TABLE.asOf}`,
    note: notes.join(" "),
    lines,
  };
}
