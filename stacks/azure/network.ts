import * as pulumi from "@pulumi/pulumi";
import * as network from "@pulumi/azure-native/network";
import type * as azureInputs from "@pulumi/azure-native/types/input";
import { keepCreatedTag } from "./tags";

export interface ClusterNetworkArgs {
  resourceGroupName: pulumi.Input<string>;
  location: string;
  vnetAddressSpace: string;
  subnetAddressPrefix: string;
  /** Source allowed to reach the clusters' public gateways (HTTPS 443, SSH 22). */
  clientAddressPrefix: string;
  tags: Record<string, string>;
}

/**
 * Inbound rules of the clusters' subnet. Everything else inbound from outside the VNet is denied
 * by Azure's default rules, while VNet-internal traffic (Spark to Kafka on 9092, ZooKeeper,
 * HDFS) and the Azure load balancer probes stay allowed by those same defaults.
 */
/** What the client (`clientAddressPrefix`) may reach, and why. */
const CLIENT_PORTS = [
  // The public cluster gateway: Ambari REST, Livy, Jupyter (HTTPS).
  { name: "allow-client-https", priority: 310, port: "443" },
  // The public SSH endpoint CLUSTER-ssh.azurehdinsight.net, also our SSH gateway to the brokers.
  { name: "allow-client-ssh", priority: 320, port: "22" },
  // The same endpoint's port 23 reaches the secondary head node (for when the primary is down).
  { name: "allow-client-ssh-secondary-head", priority: 330, port: "23" },
];

export function inboundRules(clientAddressPrefix: string): azureInputs.network.SecurityRuleArgs[] {
  return [
    {
      // HDInsight's health and management service calls the nodes on 443; without this rule
      // cluster creation fails. The service tag keeps the IP list current.
      name: "allow-hdinsight-management",
      priority: 300,
      direction: "Inbound",
      access: "Allow",
      protocol: "Tcp",
      sourceAddressPrefix: "HDInsight",
      sourcePortRange: "*",
      destinationAddressPrefix: "VirtualNetwork",
      destinationPortRange: "443",
    },
    ...CLIENT_PORTS.map(({ name, priority, port }) => ({
      name,
      priority,
      direction: "Inbound",
      access: "Allow",
      protocol: "Tcp",
      sourceAddressPrefix: clientAddressPrefix,
      sourcePortRange: "*",
      destinationAddressPrefix: "VirtualNetwork",
      destinationPortRange: port,
    })),
  ];
}

/** The VNet both clusters share, its one subnet, and the subnet's security group. */
export class ClusterNetwork extends pulumi.ComponentResource {
  readonly vnet: network.VirtualNetwork;
  readonly subnet: network.Subnet;
  readonly securityGroup: network.NetworkSecurityGroup;

  constructor(name: string, args: ClusterNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kafka-spark-lab:azure:ClusterNetwork", name, {}, opts);
    const child = { parent: this };

    this.securityGroup = new network.NetworkSecurityGroup(`${name}-nsg`, {
      resourceGroupName: args.resourceGroupName,
      location: args.location,
      securityRules: inboundRules(args.clientAddressPrefix),
      tags: args.tags,
    }, { ...child, ...keepCreatedTag });

    this.vnet = new network.VirtualNetwork(`${name}-vnet`, {
      resourceGroupName: args.resourceGroupName,
      location: args.location,
      addressSpace: { addressPrefixes: [args.vnetAddressSpace] },
      tags: args.tags,
    }, { ...child, ...keepCreatedTag });

    this.subnet = new network.Subnet(`${name}-subnet`, {
      resourceGroupName: args.resourceGroupName,
      virtualNetworkName: this.vnet.name,
      subnetName: "default",
      addressPrefix: args.subnetAddressPrefix,
      networkSecurityGroup: { id: this.securityGroup.id },
    }, child);

    this.registerOutputs({ vnetId: this.vnet.id, subnetId: this.subnet.id });
  }
}
