/**
 * The real index.ts with an Azure config, under Pulumi mocks: what it would ask Azure to create.
 */
import { runProgram, ofType, isSecretValue, withoutSecrets, unwrapSecrets, ProgramRun, Registered } from "./support/pulumiProgram";
import { AZURE_PROGRAM_CONFIG, AZURE_SECRET_KEYS, VALID_AZURE } from "./support/fixtures";
import { AZURE_OUTPUTS } from "../stacks/outputs";
import { createHash } from "crypto";
import { readFileSync } from "fs";

const CLUSTER = "azure-native:hdinsight:Cluster";
/** The configured jar's stamp as its blob name carries it: 16 hex digits of its bytes' sha256. */
const FIXTURE_JAR_STAMP = createHash("sha256").update(readFileSync(AZURE_PROGRAM_CONFIG.sparkJobJar)).digest("hex").slice(0, 16);
let run: ProgramRun;
const clusterCreations: string[] = [];
const waitedAlone: string[] = [];

beforeAll(async () => {
  // Hold each cluster's creation until the other has been requested too. A dependency edge
  // between them (either way) would make one wait for the other: sequential, ~40 min on Azure.
  let release!: () => void;
  const bothRequested = new Promise<void>((r) => (release = r));
  run = await runProgram(AZURE_PROGRAM_CONFIG, {
    stack: "azure",
    secretKeys: AZURE_SECRET_KEYS,
    beforeCreate: async (args) => {
      if (args.type !== CLUSTER) return;
      clusterCreations.push(args.name);
      if (clusterCreations.length === 2) release();
      let timer: NodeJS.Timeout | undefined;
      const alone = await Promise.race([
        bothRequested.then(() => false),
        new Promise<boolean>((r) => (timer = setTimeout(() => r(true), 5000))),
      ]);
      clearTimeout(timer);
      if (alone) waitedAlone.push(args.name);
    },
  });
  if (run.error) throw run.error;
});

/** A cluster's inputs with secret wrappers removed (the SDK marks the whole `properties` secret). */
const clusters = () => ofType(run, CLUSTER).map((c) => ({ ...c, inputs: unwrapSecrets(c.inputs) as Record<string, any> }));
const cluster = (kind: string): Registered => clusters().find((c) => c.inputs.properties.clusterDefinition.kind === kind)!;
const role = (c: Registered, name: string) => c.inputs.properties.computeProfile.roles.find((r: any) => r.name === name);

describe("network", () => {
  test("one VNet 10.0.0.0/16 and one subnet 10.0.0.0/24 with the NSG attached", () => {
    const vnets = ofType(run, "azure-native:network:VirtualNetwork");
    const subnets = ofType(run, "azure-native:network:Subnet");
    const nsgs = ofType(run, "azure-native:network:NetworkSecurityGroup");
    expect(vnets).toHaveLength(1);
    expect(subnets).toHaveLength(1);
    expect(nsgs).toHaveLength(1);
    expect(vnets[0].inputs.addressSpace.addressPrefixes).toEqual(["10.0.0.0/16"]);
    expect(subnets[0].inputs.addressPrefix).toBe("10.0.0.0/24");
    expect(subnets[0].inputs.networkSecurityGroup.id).toBe(nsgs[0].id);
  });

  test("NSG allows HDInsight management on 443 from the service tag (https://learn.microsoft.com/azure/hdinsight/hdinsight-management-ip-addresses) and the client only on 443, 22 and 23 (SSH to the secondary head node)", () => {
    const rules = ofType(run, "azure-native:network:NetworkSecurityGroup")[0].inputs.securityRules;
    const allowIn = rules.filter((r: any) => r.direction === "Inbound" && r.access === "Allow");
    expect(allowIn).toContainEqual(expect.objectContaining({ sourceAddressPrefix: "HDInsight", destinationPortRange: "443", protocol: "Tcp" }));
    const fromClient = allowIn.filter((r: any) => r.sourceAddressPrefix === VALID_AZURE.clientAddressPrefix);
    expect(fromClient.map((r: any) => r.destinationPortRange).sort()).toEqual(["22", "23", "443"]);
    // Port 23: the cluster's SSH endpoint forwards it to the secondary head node; only the client reaches it.
    expect(allowIn.filter((r: any) => r.destinationPortRange === "23")).toEqual([expect.objectContaining({ sourceAddressPrefix: VALID_AZURE.clientAddressPrefix, protocol: "Tcp", destinationAddressPrefix: "VirtualNetwork" })]);
    // Nothing else is opened: every allow rule is one of these four.
    expect(allowIn).toHaveLength(4);
    expect(allowIn.every((r: any) => r.sourceAddressPrefix !== "*" && r.destinationPortRange !== "*")).toBe(true);
  });
});

describe("storage", () => {
  test("one StorageV2 account, HTTPS only, TLS 1.2, no public blob access", () => {
    const accounts = ofType(run, "azure-native:storage:StorageAccount");
    expect(accounts).toHaveLength(1);
    expect(accounts[0].inputs).toMatchObject({
      kind: "StorageV2",
      enableHttpsTrafficOnly: true,
      minimumTlsVersion: "TLS1_2",
      allowBlobPublicAccess: false,
    });
    expect(accounts[0].inputs.accountName).toMatch(/^[a-z0-9]{3,24}$/);
  });

  test("one private container per cluster, named after it", () => {
    const containers = ofType(run, "azure-native:storage:BlobContainer");
    expect(containers.map((c) => c.inputs.containerName).sort()).toEqual(["kafka-lab42", "spark-lab42"]);
    expect(containers.every((c) => c.inputs.publicAccess === "None")).toBe(true);
    for (const kind of ["kafka", "spark"]) {
      const account = cluster(kind).inputs.properties.storageProfile.storageaccounts;
      expect(account).toHaveLength(1);
      expect(account[0]).toMatchObject({ isDefault: true, container: `${kind}-lab42` });
      expect(account[0].name).toMatch(/^st[a-z0-9]+\.blob\.core\.windows\.net$/);
    }
  });
});

describe("the Spark job's jar", () => {
  test("one block blob from the configured jar file, in the Spark cluster's default container of the clusters' storage account", async () => {
    const blobs = ofType(run, "azure-native:storage:Blob");
    expect(blobs).toHaveLength(1);
    const blob = blobs[0];
    // Its name carries its content's hash (a jar of one's own: the file's bytes), so a changed jar is
    // a new blob and the jobs can tell a stale one.
    expect(blob.inputs).toMatchObject({ blobName: `kafka-spark-lab/jobs/spark-job-file-${FIXTURE_JAR_STAMP}.jar`, type: "Block", contentType: "application/java-archive" });
    expect(await blob.inputs.source.path).toBe(AZURE_PROGRAM_CONFIG.sparkJobJar);
    const sparkDefault = cluster("spark").inputs.properties.storageProfile.storageaccounts.find((a: any) => a.isDefault);
    expect(blob.inputs.containerName).toBe(sparkDefault.container);
    expect(`${blob.inputs.accountName}.blob.core.windows.net`).toBe(sparkDefault.name);
    const container = ofType(run, "azure-native:storage:BlobContainer").find((c) => c.inputs.containerName === "spark-lab42")!;
    expect(blob.dependencies).toContain(container.urn);
  });

  test("its wasbs:// URL is exported for Livy, naming that container and account", () => {
    const [account] = ofType(run, "azure-native:storage:StorageAccount");
    expect(run.outputs.sparkJobJarUrl).toBe(`wasbs://spark-lab42@${account.inputs.accountName}.blob.core.windows.net/kafka-spark-lab/jobs/spark-job-file-${FIXTURE_JAR_STAMP}.jar`);
  });
});

describe("clusters", () => {
  test("two HDInsight clusters: kafka-<base> and spark-<base>, version 5.1, Kafka 3.2 and Spark 3.3", () => {
    expect(clusters()).toHaveLength(2);
    expect(cluster("kafka").inputs.clusterName).toBe("kafka-lab42");
    expect(cluster("spark").inputs.clusterName).toBe("spark-lab42");
    for (const c of clusters()) {
      expect(c.inputs.properties.clusterVersion).toBe("5.1");
      expect(c.inputs.properties.minSupportedTlsVersion).toBe("1.2");
      expect(c.inputs.properties.osType).toBe("Linux");
    }
    expect(cluster("kafka").inputs.properties.clusterDefinition.componentVersion).toEqual({ Kafka: "3.2" });
    expect(cluster("spark").inputs.properties.clusterDefinition.componentVersion).toEqual({ Spark: "3.3" });
  });

  test("Kafka roles: 2 head, 3 workers with managed data disks, 3 ZooKeeper (docs/azure.md)", () => {
    const kafka = cluster("kafka");
    expect(role(kafka, "headnode").targetInstanceCount).toBe(2);
    expect(role(kafka, "workernode").targetInstanceCount).toBe(3);
    expect(role(kafka, "workernode").dataDisksGroups).toEqual([{ disksPerNode: 2 }]);
    expect(role(kafka, "zookeepernode").targetInstanceCount).toBe(3);
    expect(role(kafka, "headnode").dataDisksGroups).toBeUndefined();
  });

  test("Spark roles: 2 head, 4 workers (the tutorial's size) in current VM sizes", () => {
    const spark = cluster("spark");
    expect(role(spark, "headnode").targetInstanceCount).toBe(2);
    expect(role(spark, "workernode").targetInstanceCount).toBe(4);
    expect(role(spark, "workernode").hardwareProfile.vmSize).toBe("Standard_E8_v3");
  });

  test("every role of both clusters sits in the one subnet of the one VNet", () => {
    const vnet = ofType(run, "azure-native:network:VirtualNetwork")[0];
    const subnet = ofType(run, "azure-native:network:Subnet")[0];
    const roles = clusters().flatMap((c) => c.inputs.properties.computeProfile.roles);
    expect(roles).toHaveLength(5);
    for (const r of roles) expect(r.virtualNetworkProfile).toEqual({ id: vnet.id, subnet: subnet.id });
  });

  test("gateway password, SSH password and storage key are sent as secrets", () => {
    for (const raw of ofType(run, CLUSTER)) {
      // The block that carries the credentials reaches the engine encrypted.
      expect(isSecretValue(raw.inputs.properties)).toBe(true);
      const props = unwrapSecrets(raw.inputs.properties);
      const gateway = props.clusterDefinition.configurations.gateway;
      expect(gateway["restAuthCredential.isEnabled"]).toBe(true);
      expect(gateway["restAuthCredential.username"]).toBe("admin");
      expect(gateway["restAuthCredential.password"]).toBe(VALID_AZURE.clusterLoginPassword);
      for (const r of props.computeProfile.roles) {
        expect(r.osProfile.linuxOperatingSystemProfile).toEqual({ username: "sshuser", password: VALID_AZURE.sshPassword });
      }
      expect(props.storageProfile.storageaccounts[0].key).toBe("mock-storage-account-key");
    }
  });

  test("no password or key appears in plain text in any resource input or stack output", () => {
    const plain = JSON.stringify([run.resources.map((r) => withoutSecrets(r.inputs)), withoutSecrets(run.outputs)]);
    for (const secret of [VALID_AZURE.clusterLoginPassword, VALID_AZURE.sshPassword, "mock-storage-account-key"]) {
      expect(plain).not.toContain(secret);
    }
  });

  test("no dependency edge between the clusters: both are requested before either is created", () => {
    const [kafka, spark] = [cluster("kafka"), cluster("spark")];
    expect(kafka.dependencies).not.toContain(spark.urn);
    expect(spark.dependencies).not.toContain(kafka.urn);
    expect(clusterCreations.sort()).toEqual(["kafka", "spark"]);
    expect(waitedAlone).toEqual([]);
  });

  test("each cluster waits for the network, the storage account and its own container", () => {
    const shared = ["azure-native:network:Subnet", "azure-native:network:VirtualNetwork", "azure-native:storage:StorageAccount"]
      .flatMap((t) => ofType(run, t).map((r) => r.urn));
    const containers = ofType(run, "azure-native:storage:BlobContainer");
    for (const c of clusters()) {
      expect(c.dependencies).toEqual(expect.arrayContaining(shared));
      const own = containers.find((b) => b.inputs.containerName === c.inputs.clusterName)!;
      expect(c.dependencies).toContain(own.urn);
    }
  });

  test("read-back drift is ignored so a second `up` plans no replacement (docs/azure.md)", () => {
    for (const c of clusters()) {
      expect(c.ignoreChanges).toEqual(expect.arrayContaining([
        "properties.clusterVersion",
        "properties.clusterDefinition.kind",
        "properties.computeProfile.roles[*].hardwareProfile.vmSize",
        "tags.created",
      ]));
    }
  });
});

describe("tags", () => {
  test("every taggable resource carries project, stack, owner and created; the group also when it expires", () => {
    const tagged = run.resources.filter((r) => r.inputs.tags !== undefined);
    expect(tagged.map((r) => r.type).sort()).toEqual([
      "azure-native:hdinsight:Cluster", "azure-native:hdinsight:Cluster",
      "azure-native:logic:Workflow",
      "azure-native:network:NetworkSecurityGroup", "azure-native:network:VirtualNetwork",
      "azure-native:resources:ResourceGroup", "azure-native:storage:StorageAccount",
    ]);
    const common = { project: "kafka-spark-lab", stack: "azure", owner: "alice@example.com", created: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) };
    for (const r of tagged) {
      const expires = r.type === "azure-native:resources:ResourceGroup" || r.type === "azure-native:logic:Workflow";
      expect(r.inputs.tags).toEqual(expires ? { ...common, "expires-at": run.outputs.autoDeleteAt } : common);
      expect(r.ignoreChanges).toContain("tags.created");
    }
  });
});

describe("stack outputs", () => {
  test("name what the jobs need next: clusters, endpoints, network, storage", () => {
    expect(run.outputs).toMatchObject({
      target: "azure",
      resourceGroupName: "rg-lab42",
      kafkaClusterName: "kafka-lab42",
      sparkClusterName: "spark-lab42",
      kafkaAmbariUrl: "https://kafka-lab42.azurehdinsight.net",
      sparkAmbariUrl: "https://spark-lab42.azurehdinsight.net",
      sparkLivyUrl: "https://spark-lab42.azurehdinsight.net/livy",
      kafkaSshHost: "kafka-lab42-ssh.azurehdinsight.net",
      sparkSshHost: "spark-lab42-ssh.azurehdinsight.net",
      clusterLoginUser: "admin",
      sshUser: "sshuser",
      storageContainers: ["kafka-lab42", "spark-lab42"],
    });
    expect(run.outputs.vnetId).toBe(ofType(run, "azure-native:network:VirtualNetwork")[0].id);
    expect(run.outputs.subnetId).toBe(ofType(run, "azure-native:network:Subnet")[0].id);
    expect(run.outputs.storageAccountName).toBe(ofType(run, "azure-native:storage:StorageAccount")[0].inputs.accountName);
  });

  test("match the Azure outputs schema the commands read them with (stacks/outputs.ts), every key, nothing else", () => {
    const plain = unwrapSecrets(run.outputs) as Record<string, unknown>;
    expect(AZURE_OUTPUTS.strict().safeParse(plain).error?.issues ?? []).toEqual([]);
    expect(plain.clusterLoginPassword).toBe(VALID_AZURE.clusterLoginPassword);
  });

  test("the login password is exported as a secret output", () => {
    expect(isSecretValue(run.outputs.clusterLoginPassword)).toBe(true);
    expect(run.outputs.clusterLoginPassword.value).toBe(VALID_AZURE.clusterLoginPassword);
  });

  test("estimated cost per hour: node counts x dated prices, with region and date", () => {
    const cost = run.outputs.estimatedCost;
    // Defaults: Kafka 2 x E4_v3 + 3 x E4_v3 + 3 x E2_v3; Spark 2 x E4_v3 + 4 x E8_v3.
    expect(cost.lines).toHaveLength(5);
    expect(cost.totalCores).toBe(2 * 4 + 3 * 4 + 3 * 2 + 2 * 4 + 4 * 8);
    expect(cost.usdPerHour).toBeCloseTo(7 * 0.34 + 3 * 0.17 + 4 * 0.67, 2);
    expect(cost.usdPerDay).toBeCloseTo(cost.usdPerHour * 24, 1);
    expect(cost.pricesFrom).toBe("eastus, 2026-11");
    expect(cost.note).toMatch(/westeurope may differ/);
  });
});
