/**
 * Cluster sizing: the one place that knows default node counts and VM sizes, what each size
 * costs in cores and dollars, and which VM series Azure has retired.
 */

/** One role's nodes in a cluster: how many, of which VM size. */
export interface ClusterNodes {
  role: "headnode" | "workernode" | "zookeepernode";
  count: number;
  vmSize: string;
}

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

export type NodeRole = "headnode" | "workernode" | "zookeepernode";

export interface VmSize {
  cores: number;
  memoryGiB: number;
  /** Most data disks the size can attach (Azure's per-size limit). */
  maxDataDisks: number;
  /** Estimated HDInsight node price: Linux VM list price plus the HDInsight surcharge. */
  usdPerHour: number;
  /** The node roles HDInsight offers the size for. */
  roles: readonly NodeRole[];
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

/**
 * The VM sizes HDInsight 5.1 offers for Kafka and Spark clusters, per node role, as of the date
 * below. Sources: Microsoft Learn "Azure HDInsight supported node configurations" and "Default
 * node configuration and virtual machine sizes for clusters" (which sizes, which roles), "Sizes for
 * virtual machines" (cores, memory, max data disks), the Azure pricing calculator (prices). Where
 * those pages disagree or are vague the stricter reading is kept: the Av2 sizes for ZooKeeper only
 * (where Microsoft's templates use them), head and worker nodes need 4 cores or more, 2-core
 * sizes only for ZooKeeper. A size missing here is refused with the nearest listed ones; an expert
 * who knows HDInsight offers it declares it with `extraVmSizes` (its cores, for the quota check).
 */
export const VM_SIZE_TABLE = {
  // 2026-12: the Dv2-series removed (HDInsight stopped offering it on 2026-03-31), Eadsv5 and Easv4 added.
  asOf: "2026-12",
  source: "learn.microsoft.com/azure/hdinsight/hdinsight-supported-node-configuration; learn.microsoft.com/azure/virtual-machines/sizes",
} as const;

const HW: readonly NodeRole[] = ["headnode", "workernode"];
const ALL: readonly NodeRole[] = ["headnode", "workernode", "zookeepernode"];
const ZK: readonly NodeRole[] = ["zookeepernode"];

export const VM_SIZES: Readonly<Record<string, VmSize>> = {
  // Av2: Microsoft's templates' ZooKeeper sizes (A4_v2 is a documented Kafka ZooKeeper default).
  Standard_A2_v2: { cores: 2, memoryGiB: 4, maxDataDisks: 4, usdPerHour: 0.11, roles: ZK },
  Standard_A4_v2: { cores: 4, memoryGiB: 8, maxDataDisks: 8, usdPerHour: 0.23, roles: ZK },
  Standard_A8_v2: { cores: 8, memoryGiB: 16, maxDataDisks: 16, usdPerHour: 0.48, roles: ZK },
  Standard_E2_v3: { cores: 2, memoryGiB: 16, maxDataDisks: 4, usdPerHour: 0.17, roles: ZK },
  Standard_E4_v3: { cores: 4, memoryGiB: 32, maxDataDisks: 8, usdPerHour: 0.34, roles: ALL },
  Standard_E8_v3: { cores: 8, memoryGiB: 64, maxDataDisks: 16, usdPerHour: 0.67, roles: HW },
  Standard_E16_v3: { cores: 16, memoryGiB: 128, maxDataDisks: 32, usdPerHour: 1.35, roles: HW },
  Standard_E20_v3: { cores: 20, memoryGiB: 160, maxDataDisks: 32, usdPerHour: 1.68, roles: HW },
  Standard_E32_v3: { cores: 32, memoryGiB: 256, maxDataDisks: 32, usdPerHour: 2.69, roles: ["workernode"] },
  Standard_E2_v4: { cores: 2, memoryGiB: 16, maxDataDisks: 4, usdPerHour: 0.17, roles: ZK },
  Standard_E4_v4: { cores: 4, memoryGiB: 32, maxDataDisks: 8, usdPerHour: 0.34, roles: ALL },
  Standard_E8_v4: { cores: 8, memoryGiB: 64, maxDataDisks: 16, usdPerHour: 0.67, roles: HW },
  Standard_D4a_v4: { cores: 4, memoryGiB: 16, maxDataDisks: 8, usdPerHour: 0.27, roles: ALL },
  Standard_D8a_v4: { cores: 8, memoryGiB: 32, maxDataDisks: 16, usdPerHour: 0.54, roles: HW },
  Standard_E4a_v4: { cores: 4, memoryGiB: 32, maxDataDisks: 8, usdPerHour: 0.33, roles: ALL },
  Standard_E8a_v4: { cores: 8, memoryGiB: 64, maxDataDisks: 16, usdPerHour: 0.66, roles: HW },
  // What Microsoft names instead of Dv2 (HDInsight retirements page, 2026-03-31): Eadsv5 and Easv4.
  Standard_E2ads_v5: { cores: 2, memoryGiB: 16, maxDataDisks: 4, usdPerHour: 0.18, roles: ZK },
  Standard_E4ads_v5: { cores: 4, memoryGiB: 32, maxDataDisks: 8, usdPerHour: 0.36, roles: ALL },
  Standard_E8ads_v5: { cores: 8, memoryGiB: 64, maxDataDisks: 16, usdPerHour: 0.72, roles: HW },
  Standard_E16ads_v5: { cores: 16, memoryGiB: 128, maxDataDisks: 32, usdPerHour: 1.44, roles: HW },
  Standard_E2as_v4: { cores: 2, memoryGiB: 16, maxDataDisks: 4, usdPerHour: 0.16, roles: ZK },
  Standard_E4as_v4: { cores: 4, memoryGiB: 32, maxDataDisks: 8, usdPerHour: 0.33, roles: ALL },
  Standard_E8as_v4: { cores: 8, memoryGiB: 64, maxDataDisks: 16, usdPerHour: 0.65, roles: HW },
  Standard_E16as_v4: { cores: 16, memoryGiB: 128, maxDataDisks: 32, usdPerHour: 1.30, roles: HW },
};

/** A size declared by `extraVmSizes`: HDInsight offers it (the user says so), the table does not know it yet. */
export interface ExtraVmSize {
  cores: number;
  maxDataDisks?: number;
}

/** Cores and disks of a size, from the table or from the user's `extraVmSizes`. */
export function coresOf(vmSize: string, extra: Readonly<Record<string, ExtraVmSize>> = {}): number | undefined {
  return VM_SIZES[vmSize]?.cores ?? extra[vmSize]?.cores;
}

/** VM series that old templates still name but that can no longer be deployed, with what to pick instead. */
export const RETIRED_SERIES: ReadonlyArray<{ pattern: RegExp; series: string; instead?: string }> = [
  // Microsoft Learn, "Azure HDInsight retirements and action required" (read 2026-12-03):
  // HDInsight stopped offering the Dv2-series on 2026-03-31 and names Eadsv5 and Easv4 instead.
  { pattern: /^Standard_DS?\d+_v2(_Promo)?$/i, series: "Dv2-series, which HDInsight stopped offering on 2026-03-31", instead: "Standard_E4ads_v5 or Standard_E4as_v4 (Eadsv5 and Easv4, what Microsoft names instead; E8/E16 for larger nodes)" },
  { pattern: /^Basic_A\d+$/i, series: "Basic A-series" },
  { pattern: /^Standard_A\d+$/i, series: "Standard A-series v1 (A0-A11, retired 2024-08-31)" },
  { pattern: /^Standard_DS?\d+$/i, series: "D/DS v1-series" },
  { pattern: /^Standard_GS?\d+$/i, series: "G/GS-series" },
];

export function retiredSeriesOf(vmSize: string): { series: string; instead?: string } | undefined {
  return RETIRED_SERIES.find((r) => r.pattern.test(vmSize));
}
