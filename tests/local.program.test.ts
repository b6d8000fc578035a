/**
 * The real index.ts with the repository's own Pulumi.dev.yaml (target: local), under Pulumi
 * mocks, and the generated compose file: both must describe the same cluster.
 */
import { readFileSync } from "fs";
import { join } from "path";
import { load } from "js-yaml";
import { runProgram, ofType, ProgramRun } from "./support/pulumiProgram";
import { factsFromCompose, factsFromPulumi } from "./support/localTopology";
import { PROJECT } from "../stacks/config";
import { describeTopology } from "../stacks/local/topology";
import { COMPOSE_FILE, renderCompose } from "../stacks/local/compose";
import { contentTaggedImage, IMAGE_CONTEXT } from "../stacks/local/image";

const root = join(__dirname, "..");
const devStack = load(readFileSync(join(root, "Pulumi.dev.yaml"), "utf8")) as { config: Record<string, string> };
const devConfig = Object.fromEntries(Object.entries(devStack.config).map(([k, v]) => [k.replace(`${PROJECT}:`, ""), String(v)]));
const composeText = readFileSync(join(root, COMPOSE_FILE), "utf8");
const compose = load(composeText) as any;

let run: ProgramRun;
beforeAll(async () => {
  run = await runProgram(devConfig, { stack: "dev" });
  if (run.error) throw run.error;
});

const containers = () => ofType(run, "docker:index/container:Container");
const container = (name: string) => containers().find((c) => c.inputs.name === name)!;

test("Pulumi.dev.yaml selects the local target", () => {
  expect(devConfig.target).toBe("local");
});

test("one `hadoop` bridge network, labelled with project and stack", () => {
  const networks = ofType(run, "docker:index/network:Network");
  expect(networks).toHaveLength(1);
  expect(networks[0].inputs).toMatchObject({ name: "hadoop", driver: "bridge" });
  expect(networks[0].inputs.labels).toEqual(expect.arrayContaining([
    { label: "kafka-spark-lab.project", value: "kafka-spark-lab" },
    { label: "kafka-spark-lab.stack", value: "dev" },
  ]));
});

test("the node image is built from stacks/local/image, tagged by content, never pushed", () => {
  const images = ofType(run, "docker:index/image:Image");
  expect(images).toHaveLength(1);
  expect(images[0].inputs.skipPush).toBe(true);
  expect(images[0].inputs.build.context).toBe(IMAGE_CONTEXT);
  expect(images[0].inputs.imageName).toBe(contentTaggedImage());
  expect(images[0].inputs.imageName).toMatch(/^kafka-spark-lab-node:[0-9a-f]{12}$/);
});

test("a data volume per node and one shared SSH-key volume", () => {
  const names = ofType(run, "docker:index/volume:Volume").map((v) => v.inputs.name).sort();
  expect(names).toEqual([
    "kafka-spark-lab-dev-hadoop-master-data",
    "kafka-spark-lab-dev-hadoop-worker1-data",
    "kafka-spark-lab-dev-hadoop-worker2-data",
    "kafka-spark-lab-dev-ssh-keys",
  ]);
});

test("each container mounts volumes the stack declares, by their resource, so they exist before it starts", () => {
  const volumes = ofType(run, "docker:index/volume:Volume");
  for (const c of containers()) {
    const mounted = c.inputs.volumes.map((v: any) => volumes.find((vol) => vol.inputs.name === v.volumeName));
    expect(mounted.map((vol: any) => vol?.inputs.name ?? "a volume the stack does not declare")).toEqual(c.inputs.volumes.map((v: any) => v.volumeName));
    expect(c.dependencies).toEqual(expect.arrayContaining(mounted.map((vol: any) => vol.urn)));
  }
  expect(container("hadoop-worker1").inputs.volumes.map((v: any) => `${v.volumeName}:${v.containerPath}`).sort())
    .toEqual(["kafka-spark-lab-dev-hadoop-worker1-data:/data", "kafka-spark-lab-dev-ssh-keys:/etc/lab-ssh"]);
});

test("three containers, each waiting on its healthcheck, on the image just built", () => {
  expect(containers().map((c) => c.inputs.name).sort()).toEqual(["hadoop-master", "hadoop-worker1", "hadoop-worker2"]);
  const image = ofType(run, "docker:index/image:Image")[0];
  for (const c of containers()) {
    expect(c.inputs.wait).toBe(true);
    expect(c.inputs.healthcheck.tests).toEqual(["CMD", "/usr/local/bin/healthcheck.sh"]);
    expect(c.inputs.image).toBe(image.inputs.imageName);
    expect(c.dependencies).toContain(image.urn);
    expect(c.inputs.memory).toBeGreaterThan(0);
  }
});

test("ports are published on loopback only, with the lab's UI ports", () => {
  const published = (name: string) => container(name).inputs.ports.map((p: any) => `${p.ip}:${p.external}->${p.internal}`).sort();
  expect(published("hadoop-master")).toEqual(["127.0.0.1:2222->22", "127.0.0.1:4040->4040", "127.0.0.1:8088->8088", "127.0.0.1:8888->8888", "127.0.0.1:9092->9092", "127.0.0.1:9870->9870"]);
  expect(published("hadoop-worker1")).toEqual(["127.0.0.1:8040->8042", "127.0.0.1:9093->9093"]);
  expect(published("hadoop-worker2")).toEqual(["127.0.0.1:8041->8042", "127.0.0.1:9094->9094"]);
});

test("each broker advertises its host port, so localhost:9092,9093,9094 all work from the host", () => {
  const env = (name: string) => Object.fromEntries(container(name).inputs.envs.map((e: string) => e.split("=")));
  expect(["hadoop-master", "hadoop-worker1", "hadoop-worker2"].map((n) => env(n).KAFKA_EXTERNAL_ADVERTISED)).toEqual(["localhost:9092", "localhost:9093", "localhost:9094"]);
  expect(new Set(["hadoop-master", "hadoop-worker1", "hadoop-worker2"].map((n) => env(n).KAFKA_CLUSTER_ID)).size).toBe(1);
});

test("stack outputs give what the jobs need", () => {
  expect(run.outputs).toEqual({
    target: "local",
    bootstrapServersHost: "localhost:9092,localhost:9093,localhost:9094",
    bootstrapServersInternal: "hadoop-master:19092,hadoop-worker1:19092,hadoop-worker2:19092",
    jupyterUi: "http://127.0.0.1:8888/",
    sshEndpoint: { host: "localhost", port: 2222, user: "root" },
    nameNodeUi: "http://localhost:9870",
    yarnUi: "http://localhost:8088",
    nodeManagerUis: ["http://localhost:8040", "http://localhost:8041"],
    sparkUi: "http://localhost:4040",
    containerNames: ["hadoop-master", "hadoop-worker1", "hadoop-worker2"],
    networkName: "hadoop",
    imageTag: contentTaggedImage(),
  });
});

describe("the compose file", () => {
  test("is the one generated from the topology (npm run compose:generate)", () => {
    expect(composeText).toBe(renderCompose(describeTopology({ project: PROJECT, stack: "dev" })));
  });

  test.each(["hadoop-master", "hadoop-worker1", "hadoop-worker2"])("agrees with the Pulumi stack on every port, env var, volume and healthcheck of %s", (name) => {
    expect(factsFromCompose(compose, name)).toEqual(factsFromPulumi(container(name).inputs));
  });

  test("declares the same network and volumes as the Pulumi stack, and nothing else", () => {
    expect(Object.keys(compose.services).sort()).toEqual(containers().map((c) => c.inputs.name).sort());
    expect(Object.values(compose.networks).map((n: any) => n.name)).toEqual(ofType(run, "docker:index/network:Network").map((n) => n.inputs.name));
    expect(Object.values(compose.volumes).map((v: any) => v.name).sort()).toEqual(ofType(run, "docker:index/volume:Volume").map((v) => v.inputs.name).sort());
  });

  test("builds the image from the same context", () => {
    for (const s of Object.values(compose.services) as any[]) expect(join(root, "stacks/local", s.build.context)).toBe(IMAGE_CONTEXT);
  });
});
