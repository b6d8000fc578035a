import * as pulumi from "@pulumi/pulumi";
import * as hdinsight from "@pulumi/azure-native/hdinsight";
import type { ClusterNodes } from "./config";
import { CREATED_TAG_PATH } from "./tags";

export interface HdinsightClusterArgs {
  kind: "kafka" | "spark";
  clusterName: string;
  resourceGroupName: pulumi.Input<string>;
  location: string;
  clusterVersion: string;
  /** Version of the cluster's main component (Kafka 3.2 or Spark 3.3 on HDInsight 5.1). */
  componentVersion: string;
  nodes: ClusterNodes[];
  /** Managed data disks per Kafka broker (Kafka only). */
  disksPerNode?: number;
  vnetId: pulumi.Input<string>;
  subnetId: pulumi.Input<string>;
  storage: { accountName: pulumi.Input<string>; container: pulumi.Input<string>; key: pulumi.Input<string> };
  /** What must exist before the cluster is created (the deadline's role assignment). */
  dependsOn?: pulumi.Resource[];
  login: { user: string; password: pulumi.Input<string> };
  ssh: { user: string; password?: pulumi.Input<string>; publicKey?: string };
  tags: Record<string, string>;
}

/**
 * Fields Azure reads back differently from what was sent ("5.1" becomes "5.1.3000.x", kind and
 * VM sizes change case, passwords and keys are never returned). Without ignoring them every
 * `pulumi up` would plan to replace the cluster. HDInsight cannot change these in place anyway:
 * to change a VM size or a password, replace the cluster (`pulumi up --replace <urn>`).
 */
export const CLUSTER_READBACK_DRIFT = [
  "properties.clusterVersion",
  "properties.clusterDefinition.kind",
  "properties.clusterDefinition.configurations",
  "properties.computeProfile.roles[*].hardwareProfile.vmSize",
  "properties.computeProfile.roles[*].osProfile",
  "properties.storageProfile.storageaccounts[*].key",
  CREATED_TAG_PATH,
];

const COMPONENT = { kafka: "Kafka", spark: "Spark" } as const;

/** One HDInsight cluster with every role in the shared subnet, its gateway and endpoints. */
export class HdinsightCluster extends pulumi.ComponentResource {
  readonly cluster: hdinsight.Cluster;
  readonly name: pulumi.Output<string>;
  /** Ambari (and the cluster's other HTTPS services) behind the public gateway. */
  readonly httpsEndpoint: pulumi.Output<string>;
  readonly sshHost: pulumi.Output<string>;

  constructor(name: string, args: HdinsightClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kafka-spark-lab:azure:HdinsightCluster", name, {}, opts);

    const osProfile = {
      linuxOperatingSystemProfile: {
        username: args.ssh.user,
        password: args.ssh.password,
        sshProfile: args.ssh.publicKey ? { publicKeys: [{ certificateData: args.ssh.publicKey }] } : undefined,
      },
    };
    const roles = args.nodes.map((n) => ({
      name: n.role,
      targetInstanceCount: n.count,
      hardwareProfile: { vmSize: n.vmSize },
      osProfile,
      virtualNetworkProfile: { id: args.vnetId, subnet: args.subnetId },
      dataDisksGroups: args.kind === "kafka" && n.role === "workernode" ? [{ disksPerNode: args.disksPerNode }] : undefined,
    }));

    this.cluster = new hdinsight.Cluster(name, {
      clusterName: args.clusterName,
      resourceGroupName: args.resourceGroupName,
      location: args.location,
      tags: args.tags,
      properties: {
        clusterVersion: args.clusterVersion,
        osType: "Linux",
        tier: "Standard",
        minSupportedTlsVersion: "1.2",
        clusterDefinition: {
          kind: args.kind,
          componentVersion: { [COMPONENT[args.kind]]: args.componentVersion },
          configurations: {
            gateway: {
              "restAuthCredential.isEnabled": true,
              "restAuthCredential.username": args.login.user,
              "restAuthCredential.password": args.login.password,
            },
          },
        },
        computeProfile: { roles },
        storageProfile: {
          storageaccounts: [{
            name: pulumi.interpolate`${args.storage.accountName}.blob.core.windows.net`,
            isDefault: true,
            container: args.storage.container,
            key: args.storage.key,
          }],
        },
      },
    }, { parent: this, ignoreChanges: CLUSTER_READBACK_DRIFT, dependsOn: args.dependsOn });

    this.name = this.cluster.name;
    this.httpsEndpoint = pulumi.interpolate`https://${this.cluster.name}.azurehdinsight.net`;
    this.sshHost = pulumi.interpolate`${this.cluster.name}-ssh.azurehdinsight.net`;
    this.registerOutputs({ name: this.name, httpsEndpoint: this.httpsEndpoint, sshHost: this.sshHost });
  }
}
