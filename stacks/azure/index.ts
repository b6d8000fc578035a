import * as pulumi from "@pulumi/pulumi";
import * as resources from "@pulumi/azure-native/resources";
import * as storage from "@pulumi/azure-native/storage";
import type { AzureConfig } from "./config";
import { PROJECT } from "../configSchema";
import { ClusterNetwork } from "./network";
import { environmentTags, EXPIRES_TAG_PATH, keepCreatedTag, resourceGroupTags } from "./tags";
import { AutoDelete } from "./autoDelete";
import { ClusterStorage } from "./storage";
import { HdinsightCluster } from "./hdinsightCluster";
import { estimateCost } from "./cost";
import type { AzureOutputs } from "../outputs";
import { jobJarBlobName, type JobJar } from "../jobJar";


/**
 * The tutorial's environment: a resource group with one VNet and subnet holding a Kafka and a
 * Spark HDInsight cluster, and the storage account both use as their file system.
 * The two clusters depend on the network and storage only, never on each other, so Azure
 * creates them in parallel (about 20 minutes instead of 40).
 */
export interface AzureEnvironmentArgs {
  config: AzureConfig;
  /** The Spark job's jar on this machine, with its stamp: uploaded to the Spark cluster's default container. */
  sparkJobJar: JobJar;
}

export class AzureEnvironment extends pulumi.ComponentResource {
  readonly outputs: { [K in keyof AzureOutputs]: pulumi.Input<AzureOutputs[K]> };

  constructor(name: string, { config, sparkJobJar }: AzureEnvironmentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kafka-spark-lab:azure:Environment", name, {}, opts);
    const tags = environmentTags(config, pulumi.getStack(), new Date());
    const child = { parent: this };

    const group = new resources.ResourceGroup("resource-group", {
      resourceGroupName: config.resourceGroupName,
      location: config.location,
      tags: resourceGroupTags(config, pulumi.getStack(), new Date()),
    }, {
      ...child,
      // A deadline computed at this run (now + autoDeleteAfter) is kept from the first run.
      ignoreChanges: [...keepCreatedTag.ignoreChanges, ...(config.autoDelete && !config.autoDelete.explicit ? [EXPIRES_TAG_PATH] : [])],
    });

    // First, so that a deployer who may not create role assignments fails in the first minute,
    // before any cluster (the part that bills) exists: the clusters depend on it.
    const autoDelete = config.autoDelete && new AutoDelete("auto-delete", {
      resourceGroupId: group.id,
      resourceGroupName: group.name,
      location: config.location,
      workflowName: `${config.baseName}-auto-delete`,
      deadline: config.autoDelete.at,
      keepFirstDeadline: !config.autoDelete.explicit,
      tags,
    }, child);

    const net = new ClusterNetwork("network", {
      resourceGroupName: group.name,
      location: config.location,
      vnetAddressSpace: config.vnetAddressSpace,
      subnetAddressPrefix: config.subnetAddressPrefix,
      clientAddressPrefix: config.clientAddressPrefix,
      tags,
    }, child);

    const store = new ClusterStorage("storage", {
      resourceGroupName: group.name,
      location: config.location,
      baseName: config.baseName,
      nameSeed: `${PROJECT}/${pulumi.getStack()}/${config.baseName}`,
      containers: [config.kafkaClusterName, config.sparkClusterName],
      tags,
    }, child);

    const common = {
      resourceGroupName: group.name,
      location: config.location,
      clusterVersion: config.hdinsightVersion,
      vnetId: net.vnet.id,
      subnetId: net.subnet.id,
      login: { user: config.clusterLoginUser, password: config.clusterLoginPassword },
      ssh: { user: config.sshUser, password: config.sshPassword, publicKey: config.sshPublicKey },
      tags,
    };
    // The container's name output (not the plain string) makes each cluster wait for its container.
    const storageFor = (cluster: string) => ({
      accountName: store.account.name,
      container: store.containers.get(cluster)!.name,
      key: store.primaryKey,
    });

    const kafka = new HdinsightCluster("kafka", {
      ...common,
      kind: "kafka",
      clusterName: config.kafkaClusterName,
      componentVersion: config.kafkaVersion,
      nodes: config.kafkaNodes,
      disksPerNode: config.kafkaDisksPerNode,
      storage: storageFor(config.kafkaClusterName),
      dependsOn: autoDelete ? [autoDelete.roleAssignment] : [],
    }, child);

    const spark = new HdinsightCluster("spark", {
      ...common,
      kind: "spark",
      clusterName: config.sparkClusterName,
      componentVersion: config.sparkVersion,
      nodes: config.sparkNodes,
      storage: storageFor(config.sparkClusterName),
      dependsOn: autoDelete ? [autoDelete.roleAssignment] : [],
    }, child);

    // The job's jar in the Spark cluster's default container, where Livy reads wasbs:// paths. Its
    // name carries its stamp (the sources' hash, or the file's): a changed jar replaces the blob
    // under a new name, and the jobs refuse a jar that the sources here did not make.
    const sparkContainer = store.containers.get(config.sparkClusterName)!;
    const jar = new storage.Blob("spark-job-jar", {
      resourceGroupName: group.name,
      accountName: store.account.name,
      containerName: sparkContainer.name,
      blobName: jobJarBlobName(sparkJobJar),
      type: "Block",
      contentType: "application/java-archive",
      source: new pulumi.asset.FileAsset(sparkJobJar.path),
    }, child);

    this.outputs = {
      target: "azure" as const,
      resourceGroupName: group.name,
      // The teardown asks Azure about this id (subscription included) after pulumi destroy.
      resourceGroupId: group.id,
      location: config.location,
      vnetId: net.vnet.id,
      subnetId: net.subnet.id,
      kafkaClusterName: kafka.name,
      sparkClusterName: spark.name,
      kafkaAmbariUrl: kafka.httpsEndpoint,
      sparkAmbariUrl: spark.httpsEndpoint,
      sparkLivyUrl: pulumi.interpolate`${spark.httpsEndpoint}/livy`,
      sparkJobJarUrl: pulumi.interpolate`wasbs://${sparkContainer.name}@${store.account.name}.blob.core.windows.net/${jar.name}`,
      kafkaSshHost: kafka.sshHost,
      sparkSshHost: spark.sshHost,
      sshUser: config.sshUser,
      clusterLoginUser: config.clusterLoginUser,
      clusterLoginPassword: config.clusterLoginPassword,
      storageAccountName: store.account.name,
      storageContainers: pulumi.all([...store.containers.values()].map((c) => c.name)),
      estimatedCost: estimateCost(config),
      // From the group's tags: the first run's deadline stays there until `npm run extend`.
      autoDeleteAt: autoDelete ? group.tags.apply((t) => t?.["expires-at"] ?? autoDelete.deadline) : "off",
      autoDeleteWorkflow: autoDelete ? autoDelete.workflow.name : "none",
    };
    this.registerOutputs(this.outputs);
  }
}
