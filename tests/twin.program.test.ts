/**
 * The twin's config, its outputs read as an Azure stack's, its compose file and its image contract,
 * and the real index.ts with target twin under Pulumi mocks: the Pulumi resources and the compose
 * file describe the same nodes, and no secret reaches the compose file, the logs or a plain output.
 */
import { readFileSync } from "fs";
import { join } from "path";
import { load } from "js-yaml";
import { runProgram, ofType, isSecretValue, unwrapSecrets, type ProgramRun } from "./support/pulumiProgram";
import { validateConfig, PROJECT } from "../stacks/config";
import { ConfigValidationError } from "../stacks/configError";
import { describeTwin, TWIN_ENV, twinStackOutputs, TWIN_DNS_SUFFIX, type TwinRole } from "../stacks/twin/topology";
import { TWIN_COMPOSE_FILE, renderTwinCompose } from "../stacks/twin/compose";
import { twinTopologyFor, twinTopologyKeys } from "../stacks/twin/config";
import { parseOutputs, readStack, readStackFile } from "../jobs/pulumiStack";
import { extendDeadline, type DeadlineStack } from "../jobs/azure/deadline";
import { AzureOnlyError, EXIT, StackOutputsError } from "../lib/errors";
import { jobJarBlobName, sourceHash } from "../stacks/jobJar";

const root = join(__dirname, "..");
const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJx1ZbbFw5ZJ4+qAlvHOgCN8WrNvV9h8Vs2OjKkOxuEm twin@test";
const PASSWORD = "Twin-Rehearsal-Passw0rd!";
const good = { target: "twin", sshPublicKey: KEY, clusterLoginPassword: PASSWORD };
const secret = new Set(["clusterLoginPassword"]);

describe("config", () => {
  test("a twin needs only the login and an SSH key; its ports have defaults", () => {
    const { config, issues } = validateConfig(good, secret);
    expect(issues).toEqual([]);
    expect(config).toMatchObject({ target: "twin", clusterLoginUser: "admin", sshUser: "sshuser", twinGatewayPort: 18443, twinSshPort: 18022, twinBindAddress: "127.0.0.1" });
  });

  test("each Azure-only key is named with what a twin does not have; local keys too; nothing is half-accepted", () => {
    const { config, issues } = validateConfig({ ...good, location: "eastus", kafkaWorkerNodeSize: "Standard_E4ds_v5", coreQuota: "60", autoDeleteAfter: "8h", localWorkerCount: "2" }, secret);
    expect(config).toBeUndefined();
    const byKey = Object.fromEntries(issues.map((i) => [i.key.replace(`${PROJECT}:`, ""), i.message]));
    expect(byKey).toEqual({
      location: "is Azure-only: a twin runs on this machine's Docker engine, in no Azure region",
      kafkaWorkerNodeSize: "is Azure-only: a twin's nodes are containers of the twin's own shape, not VMs of a size",
      coreQuota: "is Azure-only: a twin uses no Azure quota",
      autoDeleteAfter: "is Azure-only: a twin costs nothing, and `npm run teardown -- --stack twin` removes it; there is no Logic App to delete it",
      localWorkerCount: "is a setting of the local stack (target: local), not of a twin",
    });
    for (const i of issues) expect(i.fix).toMatch(/^pulumi config rm \w+ --stack <twin stack>$/);
  });

  test("no SSH key, a password in plain text, one port for two things: each named, the password never echoed", () => {
    const { issues } = validateConfig({ target: "twin", clusterLoginPassword: PASSWORD, twinSshPort: "18443" }, new Set());
    expect(issues.map((i) => i.key.replace(`${PROJECT}:`, "")).sort()).toEqual(["clusterLoginPassword", "sshPublicKey", "twinSshPort"]);
    expect(new ConfigValidationError(issues).message).not.toContain(PASSWORD);
  });
});

describe("outputs: a twin read as an Azure stack", () => {
  const t = describeTwin({ project: PROJECT, stack: "twin", sshPublicKey: KEY });
  const outputs = { ...twinStackOutputs(t, "kafka-spark-lab/jobs/spark-job-src-0123456789abcdef.jar"), clusterLoginPassword: PASSWORD };

  test("the Azure path's outputs are there, under Azure's names", () => {
    expect(parseOutputs("twin", outputs, "azure", ["kafkaAmbariUrl", "kafkaClusterName", "kafkaSshHost", "kafkaSshPort", "sshUser", "clusterLoginUser", "clusterLoginPassword"])).toMatchObject({
      kafkaAmbariUrl: "https://127.0.0.1:18443", kafkaClusterName: "kafka-twin", kafkaSshHost: "127.0.0.1", kafkaSshPort: 18022, sshUser: "sshuser", clusterLoginUser: "admin",
    });
  });

  test.each([
    ["resourceGroupId", "Azure Resource Manager resources"],
    ["estimatedCost", "a cost (a twin costs nothing)"],
    ["autoDeleteAt", "a deadline"],
  ])("%s: AzureOnlyError, exit 32, naming it", (key, what) => {
    let error: unknown;
    try { parseOutputs("twin", outputs, "azure", [key as "resourceGroupId"]); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(AzureOnlyError);
    expect((error as AzureOnlyError).exitCode).toBe(EXIT.AZURE_ONLY);
    expect((error as Error).message).toContain(`it has no ${key}, since only Azure has ${what}`);
  });

  test("extend on a twin: AzureOnlyError before anything is changed (a twin has no deadline)", async () => {
    let changed = false;
    const stack = { outputs: async () => outputs, getExpiresAt: async () => undefined, setExpiresAt: async () => { changed = true; }, up: async () => { changed = true; } } as unknown as DeadlineStack;
    await expect(extendDeadline(stack, { byMinutes: 120 }, new Date(), () => undefined)).rejects.toThrow(AzureOnlyError);
    await expect(extendDeadline(stack, { byMinutes: 120 }, new Date(), () => undefined)).rejects.toThrow(/only Azure stacks have a deadline/);
    expect(changed).toBe(false);
  });

  test("the Spark cluster's outputs under Azure's names; its storage account is Azure's only", () => {
    expect(parseOutputs("twin", outputs, "azure", ["sparkClusterName", "sparkLivyUrl", "sparkAmbariUrl", "sparkSshHost", "sparkSshPort", "sparkJobJarUrl"])).toMatchObject({
      sparkClusterName: "spark-twin", sparkLivyUrl: "https://127.0.0.1:18444/livy", sparkAmbariUrl: "https://127.0.0.1:18444", sparkSshHost: "127.0.0.1", sparkSshPort: 18023,
      sparkJobJarUrl: "/kafka-spark-lab/jobs/spark-job-src-0123456789abcdef.jar",
    });
    expect(() => parseOutputs("twin", outputs, "azure", ["storageAccountName"])).toThrow(/only Azure has an Azure storage account \(a twin keeps its files in HDFS/);
  });

  test("without Pulumi, the outputs come from Pulumi.twin.yaml and the password from TWIN_CLUSTER_LOGIN_PASSWORD; without it, the message says so", async () => {
    const noPulumi = async () => { throw new StackOutputsError("no Pulumi here"); };
    const read = await readStack("twin", root, noPulumi, { TWIN_CLUSTER_LOGIN_PASSWORD: PASSWORD });
    expect(parseOutputs("twin", read, "azure", ["kafkaAmbariUrl", "clusterLoginPassword"])).toMatchObject({ kafkaAmbariUrl: "https://127.0.0.1:18443", clusterLoginPassword: PASSWORD });
    const without = await readStack("twin", root, noPulumi, {});
    expect(() => parseOutputs("twin", without, "azure", ["clusterLoginPassword"])).toThrow(/export TWIN_CLUSTER_LOGIN_PASSWORD \(the password its compose file was given\), or deploy it with `pulumi up --stack twin`/);
  });
});

describe("topology, compose file and image contract", () => {
  const t = describeTwin({ project: PROJECT, stack: "twin", sshPublicKey: KEY });

  test("HDInsight's host names: the Kafka cluster's wn0..2-kafka, zk0-kafka, hn0-kafka; the Spark cluster's hn0-spark, wn0..1-spark; one DNS suffix", () => {
    expect(t.nodes.map((n) => `${n.role} ${n.fqdn}`)).toEqual([
      `zookeeper zk0-kafka.${TWIN_DNS_SUFFIX}`,
      `broker wn0-kafka.${TWIN_DNS_SUFFIX}`, `broker wn1-kafka.${TWIN_DNS_SUFFIX}`, `broker wn2-kafka.${TWIN_DNS_SUFFIX}`,
      `kafka-head hn0-kafka.${TWIN_DNS_SUFFIX}`,
      `spark-head hn0-spark.${TWIN_DNS_SUFFIX}`,
      `spark-worker wn0-spark.${TWIN_DNS_SUFFIX}`, `spark-worker wn1-spark.${TWIN_DNS_SUFFIX}`,
    ]);
    // Only the head nodes' gateways and sshd are published: the rest is reachable inside the network only, as in HDInsight's VNet.
    expect(t.nodes.flatMap((n) => n.ports.map((p) => `${n.hostname} ${p.host}->${p.container}`))).toEqual(["hn0-kafka 18443->443", "hn0-kafka 18022->22", "hn0-spark 18444->443", "hn0-spark 18023->22"]);
  });

  test("the committed compose file is the one Pulumi.twin.yaml gives, and holds no password or key", () => {
    const keys = twinTopologyKeys(readStackFile("twin", root)!.raw).keys!;
    const text = readFileSync(join(root, TWIN_COMPOSE_FILE), "utf8");
    expect(text).toBe(renderTwinCompose(twinTopologyFor({ ...keys, sshPublicKey: "" }, PROJECT, "twin")));
    const head = (load(text) as any).services["hn0-kafka"];
    expect(head.environment.CLUSTER_LOGIN_PASSWORD).toBe("${TWIN_CLUSTER_LOGIN_PASSWORD:?set TWIN_CLUSTER_LOGIN_PASSWORD (see stacks/twin/README.md)}");
    expect(head.environment.SSH_PUBLIC_KEY).toBe("${TWIN_SSH_PUBLIC_KEY:?set TWIN_SSH_PUBLIC_KEY (see stacks/twin/README.md)}");
  });

  test("the entrypoint requires, per role, exactly the variables TWIN_ENV gives that role, and every node gets them", () => {
    const entrypoint = readFileSync(join(root, "stacks/twin/image/entrypoint.sh"), "utf8");
    const needs = (text: string) => [...text.matchAll(/\bneed ([A-Z_ ]+)\n/g)].flatMap((m) => m[1].trim().split(/\s+/));
    const functions = Object.fromEntries([...entrypoint.matchAll(/\n(\w+)\(\) \{\n([\s\S]*?)\n\}/g)].map((m) => [m[1], m[2]]));
    expect(Object.keys(functions).sort()).toEqual(["hadoop_conf", "head_node"]);
    const roles: TwinRole[] = ["zookeeper", "broker", "kafka-head", "spark-head", "spark-worker"];
    for (const role of roles) {
      const block = new RegExp(`\\n  ${role}\\)\\n([\\s\\S]*?)\\n    ;;`).exec(entrypoint)?.[1];
      expect(block).toBeDefined();
      const called = Object.keys(functions).filter((f) => new RegExp(`^\\s+${f}$`, "m").test(block!));
      const needed = [...new Set(["TWIN_ROLE", ...needs(`${block}\n`), ...called.flatMap((f) => needs(`${functions[f]}\n`))])].sort();
      const contract = Object.entries(TWIN_ENV).filter(([, v]) => v.roles.includes(role)).map(([k]) => k).sort();
      expect({ role, needed }).toEqual({ role, needed: contract });
      const nodes = t.nodes.filter((x) => x.role === role);
      expect(nodes.length).toBeGreaterThan(0);
      for (const n of nodes) expect([...Object.keys(n.env), ...n.secretEnv].sort()).toEqual(contract);
    }
  });
});

describe("index.ts with target twin, under Pulumi mocks", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runProgram(good, { stack: "twin", secretKeys: ["clusterLoginPassword"] });
    if (run.error) throw run.error;
  });

  test("one network, the twin image (never pushed), a volume and a healthy-waited container per node, as the compose file has them", () => {
    const compose = load(readFileSync(join(root, TWIN_COMPOSE_FILE), "utf8")) as any;
    expect(ofType(run, "docker:index/network:Network").map((n) => n.inputs.name)).toEqual([compose.networks["kafka-spark-lab-twin-vnet"].name]);
    const [image] = ofType(run, "docker:index/image:Image");
    expect(image.inputs).toMatchObject({ skipPush: true });
    expect(image.inputs.imageName).toMatch(/^kafka-spark-lab-twin:[0-9a-f]{12}$/);
    const containers = ofType(run, "docker:index/container:Container");
    expect(containers.map((c) => c.inputs.name).sort()).toEqual(Object.values(compose.services).map((s: any) => s.container_name).sort());
    for (const c of containers) {
      const service = Object.values(compose.services).find((s: any) => s.container_name === c.inputs.name) as any;
      expect(c.inputs).toMatchObject({ hostname: service.hostname, domainname: service.domainname, wait: true, memory: Number.parseInt(service.mem_limit, 10) });
      expect(c.inputs.networksAdvanced[0].aliases).toEqual(service.networks["kafka-spark-lab-twin-vnet"].aliases);
    }
    expect(ofType(run, "docker:index/volume:Volume")).toHaveLength(containers.length);
  });

  test("the password reaches the head node's environment and the outputs only as a secret", () => {
    expect(isSecretValue(run.outputs.clusterLoginPassword)).toBe(true);
    expect(unwrapSecrets(run.outputs.clusterLoginPassword)).toBe(PASSWORD);
    const plain = JSON.stringify({ ...run.outputs, clusterLoginPassword: undefined });
    expect(plain).not.toContain(PASSWORD);
    expect(run.outputs).toMatchObject({ target: "twin", kafkaAmbariUrl: "https://127.0.0.1:18443", kafkaSshPort: 18022, kafkaHeadContainer: "kafka-spark-lab-twin-hn0-kafka", sparkHeadContainer: "kafka-spark-lab-twin-hn0-spark" });
    expect(run.outputs.sparkJobJarUrl).toBe(`/${jobJarBlobName({ of: "sources", stamp: sourceHash() })}`);
    expect(run.warnings.join("\n")).not.toContain(PASSWORD);
  });
});
