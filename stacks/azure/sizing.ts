/**
 * Cluster sizing: the one place that knows default node counts and VM sizes, what each size
 * costs in cores and dollars, and which VM series Azure has retired.
 */

/** Defaults sized like the tutorial (3 Kafka brokers, 4 Spark workers) with current VM sizes. */
export const AZURE_DEFAULTS = {
  kafka: {
    headNodeCount: 2,
    workerNodeCount: 3,
    zookeeperNodeCount: 3,
    disksPerNode: 2,
    headNodeSize: "Standard_E4_v3",
    workerNodeSize: "Standard_E4_v3",
    zookeeperNodeSize: "Standard_E2_v3",
  },
  spark: {
    headNodeCount: 2,
    workerNodeCount: 4,
    headNodeSize: "Standard_E4_v3",
    // The tutorial's D13_v2 (8 cores, 56 GiB) in today's memory-optimised series.
    workerNodeSize: "Standard_E8_v3",
  },
} as const;

export interface VmSize {
  cores: number;
  memoryGiB: number;
  /** Estimated HDInsight node price: Linux VM list price plus the HDInsight surcharge. */
  usdPerHour: number;
}

/**
 * Estimates, not quotes: pay-as-you-go list prices in the region below, per node and hour, as
 * of the date below. They are here so a user sees the order of magnitude before `pulumi up`;
 * the Azure pricing calculator is the authority.
 */
export const PRICE_TABLE = {
  region: "eastus",
  asOf: "2026-11",
  currency: "USD",
} as const;

export const VM_SIZES: Readonly<Record<string, VmSize>> = {
  Standard_E2_v3: { cores: 2, memoryGiB: 16, usdPerHour: 0.17 },
  Standard_E4_v3: { cores: 4, memoryGiB: 32, usdPerHour: 0.34 },
  Standard_E8_v3: { cores: 8, memoryGiB: 64, usdPerHour: 0.67 },
  Standard_E16_v3: { cores: 16, memoryGiB: 128, usdPerHour: 1.35 },
  Standard_E2_v4: { cores: 2, memoryGiB: 16, usdPerHour: 0.17 },
  Standard_E4_v4: { cores: 4, memoryGiB: 32, usdPerHour: 0.34 },
  Standard_E8_v4: { cores: 8, memoryGiB: 64, usdPerHour: 0.67 },
  Standard_D3_v2: { cores: 4, memoryGiB: 14, usdPerHour: 0.39 },
  Standard_D4_v2: { cores: 8, memoryGiB: 28, usdPerHour: 0.78 },
  Standard_D5_v2: { cores: 16, memoryGiB: 56, usdPerHour: 1.56 },
  Standard_D12_v2: { cores: 4, memoryGiB: 28, usdPerHour: 0.44 },
  Standard_D13_v2: { cores: 8, memoryGiB: 56, usdPerHour: 0.88 },
  Standard_D14_v2: { cores: 16, memoryGiB: 112, usdPerHour: 1.77 },
  Standard_D4a_v4: { cores: 4, memoryGiB: 16, usdPerHour: 0.27 },
  Standard_D8a_v4: { cores: 8, memoryGiB: 32, usdPerHour: 0.54 },
  Standard_E4a_v4: { cores: 4, memoryGiB: 32, usdPerHour: 0.33 },
  Standard_E8a_v4: { cores: 8, memoryGiB: 64, usdPerHour: 0.66 },
};

/** VM series that old templates still name but that can no longer be deployed. */
export const RETIRED_SERIES: ReadonlyArray<{ pattern: RegExp; series: string }> = [
  { pattern: /^Basic_A\d+$/i, series: "Basic A-series" },
  { pattern: /^Standard_A\d+$/i, series: "Standard A-series (A0-A11)" },
  { pattern: /^Standard_A\d+m?_v2$/i, series: "Av2-series (the old ZooKeeper default)" },
  { pattern: /^Standard_DS?\d+$/i, series: "D/DS v1-series" },
  { pattern: /^Standard_GS?\d+$/i, series: "G/GS-series" },
];

export function retiredSeriesOf(vmSize: string): string | undefined {
  return RETIRED_SERIES.find((r) => r.pattern.test(vmSize))?.series;
}
