/** The topics CLI without a cluster: arguments, specs, and refusals that must come before any connection. */
import { mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { main, parseTopicFlag, renderTable } from "../scripts/topics";
import { EXIT } from "../lib/errors";
import { minInsyncReplicasFor } from "../jobs/kafka/topics";
import type { AddressInfo } from "net";
import { Server, utils } from "ssh2";
import { fingerprintOf, publicKeyBlob, SshGateway, type SshGatewayOptions } from "../jobs/kafka/sshGateway";
import { brokerHost, DEFAULT_ACCOUNT, FakeAmbari, startFakeAmbari } from "./support/fakeAmbari";
import { runMain } from "./support/commands";

interface Run { code: number; stdout: string; stderr: string; gatewayOpened: unknown[] }

async function run(argv: string[], overrides: Record<string, unknown> = {}): Promise<Run> {
  const gatewayOpened: unknown[] = [];
  const { exitCode: code, stdout, stderr } = await runMain(main, argv, {
    env: {},
    readStackOutputs: async () => { throw new Error("no stack in this test"); },
    openGateway: async (options) => { gatewayOpened.push(options); throw new Error("no gateway in this test"); },
    ...overrides,
  });
  return { code, stdout, stderr, gatewayOpened };
}

test.each([[1, 1], [2, 1], [3, 2], [5, 2]])("a topic with %i replicas is created with min.insync.replicas %i", (rf, minIsr) => {
  expect(minInsyncReplicasFor(rf)).toBe(minIsr);
});

describe("--topic name[:partitions[:replication]]", () => {
  test.each([
    ["words", { topic: "words", partitions: 3, replicationFactor: 3 }],
    ["words:6", { topic: "words", partitions: 6, replicationFactor: 3 }],
    ["words:6:2", { topic: "words", partitions: 6, replicationFactor: 2 }],
  ])("%s", (flag, spec) => expect(parseTopicFlag(flag)).toEqual(spec));
});

describe("usage errors exit 2 and say what to do", () => {
  test.each([
    [["--topic", "a"], /--stack <name> or --bootstrap/],
    [["--stack", "dev", "--bootstrap", "localhost:9092", "--topic", "a"], /one of them/],
    [["--bootstrap", "localhost:9092"], /no topic given/],
    [["--bootstrap", "localhost:9092", "--topic", "a:x"], /expected name\[:partitions\[:replication\]\]/],
    [["--bootstrap", "localhost:9092", "--topic", "a", "--via-ssh"], /go with --stack/],
    [["--bootstrap", "localhost:9092", "--topic", "a", "--password", "x"], /Unknown option '--password'/],
  ])("%j", async (argv, message) => {
    const r = await run(argv);
    expect(r.code).toBe(EXIT.USAGE);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain("See: npm run topics -- --help");
  });

  test("--file is checked field by field", async () => {
    const dir = mkdtempSync(join(tmpdir(), "topics-"));
    const file = join(dir, "topics.json");
    writeFileSync(file, JSON.stringify([{ topic: "ok", partitions: 1, replicationFactor: 1 }, { topic: "bad", partitions: 0, replicationFactor: 1 }]));
    const r = await run(["--bootstrap", "localhost:9092", "--file", file]);
    expect(r.code).toBe(EXIT.USAGE);
    expect(r.stderr).toContain(`--file ${file}: at 1.partitions:`);
  });

  test("a bad topic name is refused before any connection", async () => {
    const r = await run(["--bootstrap", "localhost:1", "--topic", "no spaces allowed"]);
    expect(r.code).toBe(EXIT.TOPIC_SPEC);
    expect(r.stderr).toContain("a topic name is 1-249 letters, digits");
  });
});

describe("azure stack (fake outputs, fake Ambari)", () => {
  let ambari: FakeAmbari;
  const outputs = (extra: Record<string, string> = {}) => ({
    target: "azure",
    kafkaAmbariUrl: ambari.url,
    kafkaClusterName: "kafka-mylab42",
    clusterLoginUser: DEFAULT_ACCOUNT.user,
    clusterLoginPassword: DEFAULT_ACCOUNT.password,
    kafkaSshHost: "kafka-mylab42-ssh.azurehdinsight.net",
    sshUser: "sshuser",
    ...extra,
  });
  beforeEach(async () => {
    ambari = await startFakeAmbari({ brokerHosts: [brokerHost(0), brokerHost(1), brokerHost(2)] });
  });
  afterEach(async () => ambari.close());

  test("replication factor above Ambari's broker count: refused before any SSH or Kafka connection", async () => {
    const r = await run(["--stack", "azure", "--topic", "words:3:4"], { readStackOutputs: async () => outputs(), env: { SSH_PASSWORD: "Tunnel-Key77" } });
    expect(r.code).toBe(EXIT.TOPIC_SPEC);
    expect(r.stderr).toContain("replication factor 4 is larger than the 3 brokers of this cluster; use at most 3");
    expect(r.gatewayOpened).toEqual([]);
    expect(r.stderr).not.toContain(DEFAULT_ACCOUNT.password);
  });

  test("the SSH endpoint's host key is checked against known_hosts: a real SSH server presenting another key is refused, exit 11", async () => {
    // A real SSH server (ssh2's) with its own host key; known_hosts pins a different key for it.
    const presented = utils.generateKeyPairSync("ed25519");
    const pinned = utils.generateKeyPairSync("ed25519");
    const server = new Server({ hostKeys: [presented.private] }, (client) => {
      client.on("authentication", (ctx) => ctx.accept());
      client.on("error", () => undefined);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as AddressInfo).port;
    const dir = mkdtempSync(join(tmpdir(), "known-hosts-"));
    const knownHosts = join(dir, "known_hosts");
    writeFileSync(knownHosts, `[127.0.0.1]:${port} ${pinned.public}\n`);
    try {
      const r = await run(["--stack", "azure", "--topic", "words:3:3"], {
        readStackOutputs: async () => outputs({ kafkaSshHost: "127.0.0.1" }),
        env: { SSH_PASSWORD: "Tunnel-Key77", SSH_KNOWN_HOSTS: knownHosts },
        // The real gateway, with the test server's port (the stack's endpoint listens on 22).
        openGateway: (options: SshGatewayOptions) => SshGateway.open({ ...options, port }),
      });
      expect(r.stderr).toContain(`host key verification failed for [127.0.0.1]:${port}: it presented ${fingerprintOf(publicKeyBlob(presented.public))}, expected ${fingerprintOf(publicKeyBlob(pinned.public))}`);
      expect(r.code).toBe(EXIT.SSH_GATEWAY);
      expect(r.stderr).toContain(`asking Ambari at ${ambari.url}`);
      expect(r.stderr).not.toContain("Tunnel-Key77");
      expect(r.stderr).not.toContain(DEFAULT_ACCOUNT.password);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  test("the gateway options name the SSH endpoint, the user and the known_hosts policy", async () => {
    const r = await run(["--stack", "azure", "--topic", "words"], {
      readStackOutputs: async () => outputs(),
      env: { SSH_PASSWORD: "Tunnel-Key77", SSH_KNOWN_HOSTS: "/tmp/known_hosts_for_test" },
    });
    expect(r.gatewayOpened).toEqual([{
      host: "kafka-mylab42-ssh.azurehdinsight.net", port: 22, username: "sshuser", password: "Tunnel-Key77",
      hostKey: { knownHostsFile: "/tmp/known_hosts_for_test" },
    }]);
    expect(r.code).toBe(EXIT.UNEXPECTED);
  });

  test("without an SSH credential it says which ones it accepts", async () => {
    const r = await run(["--stack", "azure", "--topic", "words"], { readStackOutputs: async () => outputs() });
    expect(r.code).toBe(EXIT.USAGE);
    expect(r.stderr).toContain("set SSH_PRIVATE_KEY_FILE, run an ssh-agent (SSH_AUTH_SOCK), or set SSH_PASSWORD");
  });

  test("skipping the host-key check is refused on Azure", async () => {
    const r = await run(["--stack", "azure", "--topic", "words", "--insecure-accept-any-host-key"], { readStackOutputs: async () => outputs() });
    expect(r.code).toBe(EXIT.USAGE);
    expect(r.stderr).toContain("for the local stack only");
  });
});

test("the outcome table is aligned", () => {
  expect(renderTable([
    { topic: "words", action: "created", partitions: 3, replicationFactor: 3 },
    { topic: "counts-long-name", action: "unchanged", partitions: 12, replicationFactor: 3, note: "x" },
  ])).toBe([
    "topic             action     partitions  replication  note",
    "words             created    3           3",
    "counts-long-name  unchanged  12          3            x",
    "",
  ].join("\n"));
});
