import * as pulumi from "@pulumi/pulumi";
import * as storage from "@pulumi/azure-native/storage";
import { createHash } from "crypto";
import { keepCreatedTag } from "./tags";
import { containerName } from "./config";

export interface ClusterStorageArgs {
  resourceGroupName: pulumi.Input<string>;
  location: string;
  /** Seed of the globally unique account name (same seed, same name: no drift between runs). */
  nameSeed: string;
  baseName: string;
  /** One blob container per cluster, named after it. */
  containers: string[];
  tags: Record<string, string>;
}

/** Storage account names: 3-24 lower-case letters and digits, globally unique. */
export function storageAccountName(baseName: string, seed: string): string {
  const stem = baseName.toLowerCase().replace(/[^a-z0-9]/g, "").slice(0, 14);
  const suffix = createHash("sha256").update(seed).digest("hex").slice(0, 8);
  return `st${stem}${suffix}`;
}

export { containerName } from "./config";

/** The clusters' default file system: one StorageV2 account, one private container per cluster. */
export class ClusterStorage extends pulumi.ComponentResource {
  readonly account: storage.StorageAccount;
  /** Blob container per cluster name. */
  readonly containers: Map<string, storage.BlobContainer>;
  /** Secret: the account key HDInsight needs to mount its container. */
  readonly primaryKey: pulumi.Output<string>;

  constructor(name: string, args: ClusterStorageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kafka-spark-lab:azure:ClusterStorage", name, {}, opts);
    const child = { parent: this };

    this.account = new storage.StorageAccount(`${name}-account`, {
      resourceGroupName: args.resourceGroupName,
      location: args.location,
      accountName: storageAccountName(args.baseName, args.nameSeed),
      kind: "StorageV2",
      sku: { name: "Standard_LRS" },
      enableHttpsTrafficOnly: true,
      minimumTlsVersion: "TLS1_2",
      allowBlobPublicAccess: false,
      tags: args.tags,
    }, { ...child, ...keepCreatedTag });

    this.containers = new Map(args.containers.map((cluster) => [cluster, new storage.BlobContainer(`${name}-${containerName(cluster)}`, {
      resourceGroupName: args.resourceGroupName,
      accountName: this.account.name,
      containerName: containerName(cluster),
      publicAccess: "None",
    }, child)]));

    const keys = storage.listStorageAccountKeysOutput({
      resourceGroupName: args.resourceGroupName,
      accountName: this.account.name,
    }, child);
    this.primaryKey = pulumi.secret(keys.keys[0].value);

    this.registerOutputs({ accountName: this.account.name });
  }
}
