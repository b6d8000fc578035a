/** The pure topology: what changes with the number of workers and the stack. */
import { describeTopology, goDuration, kafkaClusterId, nodeNames } from "../stacks/local/topology";
import { hostPlatform } from "../stacks/local/image";
import { validateConfig } from "../stacks/config";

const topology = (workerCount: number) => describeTopology({ project: "kafka-spark-lab", stack: "dev", workerCount });

test("the KRaft quorum has every node as a voter, ids 1..N", () => {
  const t = topology(3);
  expect(t.nodes.map((n) => n.kafkaNodeId)).toEqual([1, 2, 3, 4]);
  for (const n of t.nodes) {
    expect(n.env.KAFKA_CONTROLLER_QUORUM_VOTERS).toBe("1@hadoop-master:19093,2@hadoop-worker1:19093,3@hadoop-worker2:19093,4@hadoop-worker3:19093");
    expect(n.env.KAFKA_BROKER_COUNT).toBe("4");
  }
});

test("host ports never collide, whatever the worker count", () => {
  for (const workers of [2, 3, 4]) {
    const ports = topology(workers).nodes.flatMap((n) => n.ports.map((p) => p.host));
    expect(new Set(ports).size).toBe(ports.length);
  }
});

test("the Kafka cluster id is stable per stack, distinct between stacks, and Kafka-shaped", () => {
  expect(kafkaClusterId("kafka-spark-lab", "dev")).toBe(kafkaClusterId("kafka-spark-lab", "dev"));
  expect(kafkaClusterId("kafka-spark-lab", "dev")).not.toBe(kafkaClusterId("kafka-spark-lab", "other"));
  expect(kafkaClusterId("kafka-spark-lab", "dev")).toMatch(/^[A-Za-z0-9_-]{22}$/);
});

test("volumes are named per project and stack, so two stacks never share data", () => {
  const a = Object.values(describeTopology({ project: "p", stack: "a" }).volumes).map((v) => v.name);
  const b = Object.values(describeTopology({ project: "p", stack: "b" }).volumes).map((v) => v.name);
  expect(a.filter((n) => b.includes(n))).toEqual([]);
});

test("a non-loopback bind address is what clients are told to use", () => {
  const t = describeTopology({ project: "p", stack: "s", bindAddress: "192.0.2.10" });
  expect(t.endpoints.bootstrapServersHost).toBe("192.0.2.10:9092,192.0.2.10:9093,192.0.2.10:9094");
  expect(t.nodes[0].env.KAFKA_EXTERNAL_ADVERTISED).toBe("192.0.2.10:9092");
});

test("each broker's host listener has the same port inside its container; the other brokers' ports are forwarded on every node", () => {
  const t = describeTopology({ project: "p", stack: "s", workerCount: 3, kafkaHostPort: 9192 });
  const kafkaPorts = t.nodes.map((n) => n.ports.filter((p) => p.purpose.startsWith("Kafka broker")));
  expect(kafkaPorts.map((ps) => ps.map((p) => [p.host, p.container]))).toEqual([[[9192, 9192]], [[9193, 9193]], [[9194, 9194]], [[9195, 9195]]]);
  expect(t.nodes.map((n) => n.env.KAFKA_EXTERNAL_PORT)).toEqual(["9192", "9193", "9194", "9195"]);
  expect(t.nodes[0].env.KAFKA_PEER_FORWARDS).toBe("9193=hadoop-worker1:9193,9194=hadoop-worker2:9194,9195=hadoop-worker3:9195");
  expect(t.nodes[2].env.KAFKA_PEER_FORWARDS).toBe("9192=hadoop-master:9192,9193=hadoop-worker1:9193,9195=hadoop-worker3:9195");
  // Advertised addresses are the host's; inside, the same addresses lead to the same brokers.
  for (const [i, n] of t.nodes.entries()) {
    const reachable = [`localhost:${9192 + i}`, ...n.env.KAFKA_PEER_FORWARDS.split(",").map((f) => `localhost:${f.split("=")[0]}`)].sort();
    expect(reachable).toEqual(t.endpoints.bootstrapServersHost.split(",").sort());
  }
});

test("with a non-loopback bind address nothing is forwarded (the address is the host's, reachable from the nodes)", () => {
  const t = describeTopology({ project: "p", stack: "s", bindAddress: "192.0.2.10" });
  expect(t.nodes.map((n) => n.env.KAFKA_PEER_FORWARDS)).toEqual(["", "", ""]);
});

test("JupyterLab runs on the master only and is published on loopback whatever the bind address (it runs code as root)", () => {
  const t = describeTopology({ project: "p", stack: "s", bindAddress: "192.0.2.10" });
  const jupyter = t.nodes.flatMap((n) => n.ports.filter((p) => p.purpose === "JupyterLab").map((p) => ({ node: n.name, ...p })));
  expect(jupyter).toEqual([{ node: "hadoop-master", host: 8888, container: 8888, purpose: "JupyterLab", bindAddress: "127.0.0.1" }]);
  expect(t.nodes.map((n) => n.env.JUPYTER_PORT)).toEqual(["8888", undefined, undefined]);
  expect(t.endpoints.jupyterUi).toBe("http://127.0.0.1:8888/");
  // Every other port follows the bind address.
  expect(t.nodes.flatMap((n) => n.ports).filter((p) => p.purpose !== "JupyterLab" && p.bindAddress !== undefined)).toEqual([]);
});

test("node names follow the lab", () => {
  expect(nodeNames(2)).toEqual(["hadoop-master", "hadoop-worker1", "hadoop-worker2"]);
});

describe("local config rules", () => {
  test.each([
    [{ localWorkerCount: "1" }, "localWorkerCount", /at least 2/],
    [{ localWorkerCount: "5" }, "localWorkerCount", /at most 4/],
    [{ localBindAddress: "localhost" }, "localBindAddress", /IPv4 address/],
    [{ localKafkaHostPort: "8087" }, "localKafkaHostPort", /collide with 8088/],
    [{ localKafkaHostPort: "8999" }, "localKafkaHostPort", /9000 is used inside the nodes/],
    [{ localKafkaHostPort: "19091" }, "localKafkaHostPort", /19092, 19093 is used inside the nodes/],
    [{ localSshPort: "22" }, "localSshPort", /at least 1024/],
  ])("%o is refused on %s", (overrides, key, message) => {
    const result = validateConfig({ target: "local", ...overrides });
    expect(result.config).toBeUndefined();
    expect(result.issues).toContainEqual(expect.objectContaining({ key: `kafka-spark-lab:${key}`, message: expect.stringMatching(message) }));
  });

  test("defaults are valid and 0.0.0.0 warns", () => {
    expect(validateConfig({ target: "local" }).config).toEqual({ target: "local", localWorkerCount: 2, localBindAddress: "127.0.0.1", localKafkaHostPort: 9092, localSshPort: 2222 });
    expect(validateConfig({ target: "local", localBindAddress: "0.0.0.0" }).warnings).toContainEqual(expect.stringMatching(/no authentication/));
  });
});

describe("values in the form the Docker engine reports them back (no drift after a refresh)", () => {
  test.each([[0, "0s"], [5, "5s"], [60, "1m0s"], [180, "3m0s"], [3725, "1h2m5s"]])("goDuration(%i) is %s, as Go prints it", (s, text) => {
    expect(goDuration(s)).toBe(text);
  });

  test("goDuration refuses fractions and negatives instead of rounding them away", () => {
    expect(() => goDuration(1.5)).toThrow(/1.5 is not a whole number/);
    expect(() => goDuration(-1)).toThrow(RangeError);
  });

  test("every node states its swap limit as Docker's default, twice the memory", () => {
    for (const n of describeTopology({ project: "p", stack: "s" }).nodes) expect(n.memorySwapMb).toBe(2 * n.memoryMb);
  });

  test.each([["x64", "linux/amd64"], ["arm64", "linux/arm64"]])("the image is built for the host's platform: %s -> %s", (arch, platform) => {
    expect(hostPlatform(arch)).toBe(platform);
  });
});
