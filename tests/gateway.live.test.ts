/**
 * Reaching private brokers through the SSH gateway, and ensureTopics, against the real local
 * cluster: kafkajs is given only the brokers' internal names (which this host cannot resolve)
 * and the master's sshd, like a laptop facing HDInsight's VNet. Also host-key checking, auth
 * failures and clean shutdown of the tunnels.
 */
import { lookup } from "dns/promises";
import { mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { Kafka, logLevel, Admin, Partitioners } from "kafkajs";
import { PROJECT } from "../stacks/config";
import { describeTopology } from "../stacks/local/topology";
import { IMAGE_CONTEXT } from "../stacks/local/image";
import { SshGateway, fingerprintOf, publicKeyBlob } from "../jobs/kafka/sshGateway";
import { SshAuthError, SshGatewayError, SshHostKeyError, TopicSpecError } from "../lib/errors";
import { adminPerBroker, ensureTopics as ensureTopicsWith, TopicSpec, EnsureTopicsOptions } from "../jobs/kafka/topics";
import { bringUpCluster, inNode, waitFor, ROOT } from "./support/docker";
import { MASTER_HOST_KEY_PATH, readLocalSshAccess } from "../jobs/local/cluster";
import execa from "execa";
import { main as topicsMain } from "../scripts/topics";
import { runMain } from "./support/commands";

const topology = describeTopology({ project: PROJECT, stack: "dev" });
const NODES = topology.endpoints.containerNames;
const INTERNAL_BROKERS = topology.endpoints.bootstrapServersInternal.split(",");
const SSH = { host: "127.0.0.1", port: topology.endpoints.ssh.port, username: topology.endpoints.ssh.user };

let clusterKey: string;
let hostKeyLine: string;
let gateway: SshGateway;
let admin: Admin;
let kafka: Kafka;
let kafkaConfig: ConstructorParameters<typeof Kafka>[0];
/** As the topics command does: return only once every broker serves the new topics. */
const ensureTopics = (a: Admin, specs: TopicSpec[], options: EnsureTopicsOptions = {}) => ensureTopicsWith(a, specs, { brokerAdmin: adminPerBroker(kafkaConfig), ...options });

beforeAll(async () => {
  await bringUpCluster(topology.image, IMAGE_CONTEXT, NODES, { reuse: true });
  // The per-deployment key the nodes trust, and the master's host key, as the topics command
  // reads them; the whole host-key line too, for the known_hosts cases below.
  const access = await readLocalSshAccess();
  clusterKey = access.privateKey;
  hostKeyLine = await inNode("hadoop-master", `cat ${MASTER_HOST_KEY_PATH}`);
  expect(access.hostKeyFingerprint).toBe(fingerprintOf(publicKeyBlob(hostKeyLine)));
  gateway = await SshGateway.open({ ...SSH, privateKey: clusterKey, hostKey: { fingerprint: access.hostKeyFingerprint } });
  kafkaConfig = { clientId: "gateway-test", brokers: [INTERNAL_BROKERS[0]], socketFactory: gateway.socketFactory, logLevel: logLevel.NOTHING };
  kafka = new Kafka(kafkaConfig);
  admin = kafka.admin();
  await admin.connect();
}, 40 * 60_000);

afterAll(async () => {
  await admin?.disconnect().catch(() => undefined);
  await gateway?.close();
  // The cluster stays for the next file that reuses it (tests/support/globalTeardown.ts removes it).
}, 5 * 60_000);

describe("kafkajs through the SSH gateway", () => {
  test("this host cannot resolve the brokers' internal names: any success below went through the tunnel", async () => {
    for (const broker of INTERNAL_BROKERS) await expect(lookup(broker.split(":")[0])).rejects.toThrow();
  });

  test("reaches all three brokers, by their internal names, only through the gateway", async () => {
    const cluster = await admin.describeCluster();
    expect(cluster.brokers.map((b) => `${b.host}:${b.port}`).sort()).toEqual([...INTERNAL_BROKERS].sort());
    // Talk to every broker: metadata from each, as producers and consumers do.
    await ensureTopics(admin, [{ topic: "gateway-rf3", partitions: 3, replicationFactor: 3 }]);
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({ topic: "gateway-rf3", acks: -1, messages: [0, 1, 2].map((p) => ({ partition: p, value: `through the tunnel ${p}` })) });
    await producer.disconnect();
    expect(new Set(gateway.forwarded)).toEqual(new Set(INTERNAL_BROKERS));
  }, 120_000);

  test("creates a topic with replication factor 3 and round-trips a message", async () => {
    const [outcome] = await ensureTopics(admin, [{ topic: "gateway-roundtrip", partitions: 1, replicationFactor: 3 }]);
    expect(outcome).toEqual({ topic: "gateway-roundtrip", action: "created", partitions: 1, replicationFactor: 3 });
    const metadata = await admin.fetchTopicMetadata({ topics: ["gateway-roundtrip"] });
    expect(metadata.topics[0].partitions[0].replicas).toHaveLength(3);

    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({ topic: "gateway-roundtrip", acks: -1, messages: [{ value: "hello via ssh" }] });
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: `gateway-${Date.now()}` });
    const seen: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: "gateway-roundtrip", fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => { seen.push(message.value!.toString()); } });
    await waitFor("the message back through the gateway", async () => (seen.includes("hello via ssh") ? true : undefined), 60_000, 250);
    await consumer.disconnect();
    expect(seen).toEqual(["hello via ssh"]);
  }, 120_000);
});

describe("ensureTopics on a real cluster", () => {
  test("a second run makes no create call and reports unchanged", async () => {
    const specs = [{ topic: "idempotent-a", partitions: 2, replicationFactor: 3 }];
    expect((await ensureTopics(admin, specs))[0].action).toBe("created");
    const create = jest.spyOn(admin, "createTopics");
    const grow = jest.spyOn(admin, "createPartitions");
    try {
      expect(await ensureTopics(admin, specs)).toEqual([{ topic: "idempotent-a", action: "unchanged", partitions: 2, replicationFactor: 3 }]);
      expect(create).not.toHaveBeenCalled();
      expect(grow).not.toHaveBeenCalled();
    } finally {
      create.mockRestore();
      grow.mockRestore();
    }
  }, 120_000);

  test("a mixed list creates only the new topics and waits for their leaders", async () => {
    const create = jest.spyOn(admin, "createTopics");
    try {
      const outcomes = await ensureTopics(admin, [
        { topic: "idempotent-a", partitions: 2, replicationFactor: 3 },
        { topic: "mixed-new-1", partitions: 3, replicationFactor: 3 },
        { topic: "mixed-new-2", partitions: 1, replicationFactor: 3, configs: { "retention.ms": "3600000" } },
      ]);
      expect(outcomes.map((o) => [o.topic, o.action])).toEqual([["idempotent-a", "unchanged"], ["mixed-new-1", "created"], ["mixed-new-2", "created"]]);
      expect(create.mock.calls.map(([arg]) => arg!.topics.map((t) => t.topic))).toEqual([["mixed-new-1"], ["mixed-new-2"]]);
    } finally {
      create.mockRestore();
    }
    // Leaders were waited for: every partition of the new topics has one right after the call,
    // whichever broker answers (all three are replicas).
    const { topics } = await admin.fetchTopicMetadata({ topics: ["mixed-new-1", "mixed-new-2"] });
    expect(topics.flatMap((t) => t.partitions.map((p) => p.leader >= 0))).toEqual([true, true, true, true]);
    const configs = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: "mixed-new-2", configNames: ["retention.ms", "min.insync.replicas"] }] });
    const entries = Object.fromEntries(configs.resources[0].configEntries.map((e) => [e.configName, e.configValue]));
    // RF 3 gets min ISR 2 (jobs/kafka/topics.ts minInsyncReplicasFor), next to the spec's own configs.
    expect(entries).toEqual({ "retention.ms": "3600000", "min.insync.replicas": "2" });
  }, 120_000);

  test("an existing topic with fewer partitions is grown, or only reported with growPartitions: false", async () => {
    await ensureTopics(admin, [{ topic: "growable", partitions: 1, replicationFactor: 3 }]);
    const reported = await ensureTopics(admin, [{ topic: "growable", partitions: 3, replicationFactor: 3 }], { growPartitions: false });
    expect(reported[0]).toMatchObject({ action: "too-few-partitions", partitions: 1 });
    const grown = await ensureTopics(admin, [{ topic: "growable", partitions: 3, replicationFactor: 3 }]);
    expect(grown[0]).toMatchObject({ action: "grown", partitions: 3, note: "was 1 partitions" });
    const { topics } = await admin.fetchTopicMetadata({ topics: ["growable"] });
    expect(topics[0].partitions).toHaveLength(3);
  }, 120_000);

  test("a replication factor above the broker count is refused before any create call", async () => {
    const create = jest.spyOn(admin, "createTopics");
    try {
      await expect(ensureTopics(admin, [{ topic: "too-replicated", partitions: 1, replicationFactor: 4 }]))
        .rejects.toThrow(new TopicSpecError("refusing to create topics, nothing was changed:\n  - too-replicated: replication factor 4 is larger than the 3 brokers of this cluster; use at most 3"));
      expect(create).not.toHaveBeenCalled();
      expect(await admin.listTopics()).not.toContain("too-replicated");
    } finally {
      create.mockRestore();
    }
  }, 60_000);
});

describe("gateway security and lifecycle", () => {
  test("host-key checking is on: a wrong pinned key is refused, naming both fingerprints", async () => {
    const wrong = "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    const attempt = SshGateway.open({ ...SSH, privateKey: clusterKey, hostKey: { fingerprint: wrong } });
    await expect(attempt).rejects.toBeInstanceOf(SshHostKeyError);
    await expect(attempt).rejects.toThrow(`it presented ${fingerprintOf(publicKeyBlob(hostKeyLine))}, expected ${wrong}`);
  });

  test("a known_hosts file with the master's key is accepted; one without it is refused", async () => {
    const dir = mkdtempSync(join(tmpdir(), "known-hosts-"));
    const good = join(dir, "good");
    const other = join(dir, "other");
    writeFileSync(good, `[127.0.0.1]:${SSH.port} ${hostKeyLine.split(" ").slice(0, 2).join(" ")}\n`);
    writeFileSync(other, `example.org ${hostKeyLine.split(" ").slice(0, 2).join(" ")}\n`);
    const ok = await SshGateway.open({ ...SSH, privateKey: clusterKey, hostKey: { knownHostsFile: good } });
    await ok.close();
    await expect(SshGateway.open({ ...SSH, privateKey: clusterKey, hostKey: { knownHostsFile: other } })).rejects.toThrow(/none found/);
  });

  test("the explicit opt-out accepts any host key (local stack only): a key no known-hosts file lists, and the session works", async () => {
    // The master's key, listed for another host only: checked, it is refused ...
    const other = join(mkdtempSync(join(tmpdir(), "known-hosts-")), "other");
    writeFileSync(other, `example.org ${hostKeyLine.split(" ").slice(0, 2).join(" ")}\n`);
    await expect(SshGateway.open({ ...SSH, privateKey: clusterKey, hostKey: { knownHostsFile: other } })).rejects.toThrow(/none found/);
    // ... is accepted with the opt-out, and the session is the master's.
    const g = await SshGateway.open({ ...SSH, privateKey: clusterKey, hostKey: { insecureAcceptAnyHostKey: true } });
    try {
      expect(await g.exec("hostname")).toMatchObject({ stdout: "hadoop-master\n", code: 0 });
    } finally {
      await g.close();
    }
  });

  test("a key the cluster does not trust fails as an authentication error", async () => {
    const stranger = await inNode("hadoop-master", "d=$(mktemp -d) && ssh-keygen -q -t ed25519 -N '' -f $d/k && cat $d/k && rm -rf $d");
    await expect(SshGateway.open({ ...SSH, privateKey: stranger, hostKey: { insecureAcceptAnyHostKey: true } })).rejects.toBeInstanceOf(SshAuthError);
  });

  test("close() shuts the tunnels: the client's connections end and no new one can open", async () => {
    const g = await SshGateway.open({ ...SSH, privateKey: clusterKey, hostKey: { insecureAcceptAnyHostKey: true } });
    const k = new Kafka({ clientId: "close-test", brokers: [INTERNAL_BROKERS[0]], socketFactory: g.socketFactory, logLevel: logLevel.NOTHING, retry: { retries: 0 } });
    const a = k.admin();
    await a.connect();
    expect((await a.describeCluster()).brokers).toHaveLength(3);
    await g.close();
    await expect(a.describeCluster()).rejects.toThrow();
    expect(() => g.socketFactory({ host: "hadoop-master", port: 19092, ssl: undefined as never, onConnect: () => undefined })).toThrow(SshGatewayError);
    await a.disconnect().catch(() => undefined);
  }, 60_000);
});

describe("the topics command on the local stack", () => {
  const cli = (args: string[]) => execa(join(ROOT, "node_modules", ".bin", "tsx"), [join(ROOT, "scripts", "topics.ts"), ...args], { cwd: ROOT, reject: false });

  test("run twice with --bootstrap: created, then unchanged (a table on stdout, progress on stderr)", async () => {
    const args = ["--bootstrap", topology.endpoints.bootstrapServersHost, "--topic", "cli-words:3:3"];
    const first = await cli(args);
    expect(first.exitCode).toBe(0);
    expect(first.stdout).toMatch(/^topic\s+action\s+partitions\s+replication/);
    expect(first.stdout).toMatch(/cli-words\s+created\s+3\s+3/);
    expect(first.stderr).toContain("topics: [");
    const second = await cli(args);
    expect(second.exitCode).toBe(0);
    expect(second.stdout).toMatch(/cli-words\s+unchanged\s+3\s+3/);
  }, 120_000);

  test("--stack with --via-ssh goes through the master's sshd with the cluster's own keys, host key pinned", async () => {
    const opened: unknown[] = [];
    const { exitCode: code, stdout, stderr } = await runMain(topicsMain, ["--stack", "dev", "--via-ssh", "--topic", "via-ssh:2:3", "--json"], {
      // The Pulumi CLI cannot run here: the outputs are the local program's own (see local.program.test.ts).
      readStackOutputs: async () => ({ target: "local", ...topology.endpoints, sshEndpoint: topology.endpoints.ssh }),
      openGateway: async (options) => { opened.push(options.hostKey); return SshGateway.open(options); },
    });
    expect({ code, stderr }).toMatchObject({ code: 0 });
    expect(JSON.parse(stdout)).toEqual([{ topic: "via-ssh", action: "created", partitions: 2, replicationFactor: 3 }]);
    expect(opened).toEqual([{ fingerprint: fingerprintOf(publicKeyBlob(hostKeyLine)) }]);
    expect(stderr).toContain("through the SSH gateway localhost:2222");
    expect(stderr).not.toContain("PRIVATE KEY");
  }, 120_000);
});
