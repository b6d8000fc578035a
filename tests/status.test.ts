/**
 * npm run status: the lag of a job from its progress lines and the topic's end offsets, and an
 * Azure stack's status end to end with Azure Resource Manager (a fake answering ARM's documented
 * shapes: Azure cannot be reached here) and the brokers from a fake Ambari: both clusters' states,
 * the cost per hour and so far, the deadline, and the parts that cannot be read (Kafka through an
 * SSH gateway that is not there, a Livy that does not answer) named with why while the rest shows.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { kafkaDiskProblem, lagOf, lastProgress, parseKafkaDisk, type TopicState } from "../jobs/status";
import { main as status } from "../scripts/status";
import { fakeCredential, type FakeArm, startFakeArm } from "./support/fakeArm";
import { DEFAULT_ACCOUNT, type FakeAmbari, startFakeAmbari } from "./support/fakeAmbari";
import { runMain } from "./support/commands";

const topic = (name: string, ends: number[]): TopicState => ({ topic: name, partitions: ends.length, replicationFactor: 3, records: ends.reduce((a, b) => a + b, 0), endOffsets: Object.fromEntries(ends.map((e, i) => [String(i), e])) });

test("a job's lag: per partition, the topic's end minus where its last batch ended", () => {
  const events = ["[wordcount] started id=1 run=2", "[wordcount] batch 0: 90 rows in 800 ms", '[wordcount] offsets 0 {"lines":{"0":30,"1":30,"2":30}}',
    "[wordcount] batch 1: 60 rows in 500 ms", '[wordcount] offsets 1 {"lines":{"0":50,"1":40,"2":60}}'];
  const p = lastProgress(events);
  expect(p).toEqual({ lastBatch: "batch 1: 60 rows in 500 ms", offsets: { lines: { 0: 50, 1: 40, 2: 60 } } });
  expect(lagOf(p.offsets, [topic("lines", [50, 55, 61]), topic("other", [9])])).toEqual({ topic: "lines", lag: 16 });
  // A partition the job has not read from yet counts whole; a job past the end (a recreated topic) counts 0 there.
  expect(lagOf({ lines: { 0: 70 } }, [topic("lines", [50, 10])])).toEqual({ topic: "lines", lag: 10 });
  expect(lagOf(undefined, [topic("lines", [1])])).toEqual({});
  expect(lagOf({ gone: { 0: 1 } }, [topic("lines", [1])])).toEqual({ topic: "gone" });
  expect(lastProgress(["[wordcount] offsets 3 not-json"]).offsets).toBeUndefined();
});

describe("an Azure stack", () => {
  let arm: FakeArm;
  let ambari: FakeAmbari;
  let ui: Server;
  let uiUrl = "";
  const now = Date.now();
  const GROUP = "/subscriptions/0000-sub/resourceGroups/rg-mylab42";

  beforeAll(async () => {
    arm = await startFakeArm();
    ambari = await startFakeAmbari();
    // The gateway: its pages ask for the login; its Livy refuses quoting the password (a hostile answer).
    ui = createServer((req, res) => {
      if (req.url?.startsWith("/livy/")) { res.writeHead(400, { "content-type": "application/json" }); res.end(JSON.stringify({ msg: `Rejected login admin:${DEFAULT_ACCOUNT.password}` })); return; }
      res.writeHead(401, { "www-authenticate": 'Basic realm="gateway"' }); res.end();
    });
    await new Promise<void>((r) => ui.listen(0, "127.0.0.1", r));
    uiUrl = `http://127.0.0.1:${(ui.address() as AddressInfo).port}`;
  });
  afterAll(async () => { await arm.close(); await ambari.close(); await new Promise((r) => ui.close(r)); });

  async function run(argv: string[]) {
    arm.reset();
    arm.groups.set("rg-mylab42", { provisioningState: "Succeeded" });
    arm.clusters.set("kafka-mylab42", { clusterState: "Running", createdDate: new Date(now - 3 * 3_600_000).toISOString(), clusterVersion: "5.1.3000.0", workers: 4 });
    arm.clusters.set("spark-mylab42", { clusterState: "Running", createdDate: new Date(now - 2.5 * 3_600_000).toISOString(), clusterVersion: "5.1.3000.0", workers: 3 });
    const { exitCode: code, stdout: out, stderr: err } = await runMain(status, argv, {
      env: { SSH_PASSWORD: "ssh-Secret-77" },
      arm: { credential: fakeCredential, endpoint: arm.endpoint },
      readStackOutputs: async () => ({
        target: "azure", resourceGroupId: GROUP, kafkaClusterName: "kafka-mylab42", sparkClusterName: "spark-mylab42",
        kafkaAmbariUrl: ambari.url, sparkAmbariUrl: uiUrl, sparkLivyUrl: `${uiUrl}/livy`,
        clusterLoginUser: DEFAULT_ACCOUNT.user, clusterLoginPassword: DEFAULT_ACCOUNT.password,
        kafkaSshHost: "kafka-mylab42-ssh.azurehdinsight.net", sparkSshHost: "spark-mylab42-ssh.azurehdinsight.net", sshUser: "sshuser",
        estimatedCost: { usdPerHour: 5.57, usdPerDay: 133.68, totalCores: 66, pricesFrom: "East US list prices of 2026-11", note: "", lines: [] }, autoDeleteAt: new Date(now + 5 * 3_600_000).toISOString(),
      }),
      openGateway: async () => { throw new Error("connect ECONNREFUSED kafka-mylab42-ssh.azurehdinsight.net:22"); },
      ledger: () => ({ ids: () => [], all: () => ({}), record: () => undefined, forget: () => undefined }),
    });
    return { code, out, err };
  }

  test("clusters from ARM, cost per hour and so far, the deadline; what cannot be read is named with why", async () => {
    const r = await run([]);
    expect(r.err).not.toMatch(/error:/);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\| kafka-mylab42 +\| Kafka +\| Running +\| ok +\| HDInsight 5\.1\.3000\.0, 4 workers, created /);
    expect(r.out).toMatch(/\| spark-mylab42 +\| Spark \(Livy, Jupyter\) +\| Running +\| ok +\| HDInsight 5\.1\.3000\.0, 3 workers/);
    expect(r.out).toMatch(/\| US\$ per hour +\| +\$5\.57 \|/);
    expect(r.out).toMatch(/\| running for +\| +3\.0 h \|/);
    expect(r.out).toMatch(/\| US\$ so far \(estimate\) +\| +\$16\.71 \|/);
    expect(r.out).toMatch(/\| time left +\| +5\.0 h \|/);
    // The gateway's UIs answer (a 401 login prompt is an answer); Livy at a closed port does not.
    expect(r.out).toMatch(/\| Ambari \(Spark\) +\| http:\/\/127\.0\.0\.1:\d+ +\| yes/);
    expect(r.out).toMatch(/\| Livy +\| http:\/\/127\.0\.0\.1:\d+\/livy +\| yes/);
    expect(r.out).toContain("Not read:");
    expect(r.out).toContain("Topics: not read (see below).");
    expect(r.out).toMatch(/topics \(Kafka, through the SSH gateway\): .*ECONNREFUSED/);
    // Livy's answer reached the message: only the redaction keeps the password out.
    expect(r.out).toMatch(/jobs \(Livy\): .*Rejected login admin:\*\*\*/);
    expect(r.out + r.err).not.toContain(DEFAULT_ACCOUNT.password);
    expect(r.out + r.err).not.toContain("ssh-Secret-77");
  }, 60_000);

  test("--json: the same figures for scripts", async () => {
    const r = await run(["--json"]);
    const s = JSON.parse(r.out);
    expect(s.target).toBe("azure");
    expect(s.nodes.map((n: { state: string }) => n.state)).toEqual(["Running", "Running"]);
    expect(s.cost.usdPerHour).toBe(5.57);
    expect(s.cost.usdSoFar).toBeCloseTo(16.71, 1);
    expect(s.cost.hoursLeft).toBeCloseTo(5, 1);
  }, 60_000);
});

describe("a node's Kafka disk", () => {
  test("read from df -Pk and supervisorctl as a node prints them", () => {
    expect(parseKafkaDisk("tmpfs 262144 262144 0 100% /data/kafka\nkafka                            BACKOFF   Exited too quickly (process log may have details)"))
      .toEqual({ usedPercent: 100, availableKb: 0, broker: "BACKOFF" });
    expect(parseKafkaDisk("/dev/sda1 102400000 33792000 68608000 33% /data\nkafka RUNNING pid 12, uptime 0:05:01")).toEqual({ usedPercent: 33, availableKb: 68608000, broker: "RUNNING" });
    expect(parseKafkaDisk("")).toBeUndefined();
    expect(parseKafkaDisk("df: /data/kafka: No such file or directory")).toBeUndefined();
  });

  test("full or nearly: named with what happens to its broker and the fix; with room: nothing", () => {
    expect(kafkaDiskProblem("hadoop-worker2", { usedPercent: 100, availableKb: 0, broker: "BACKOFF" })).toBe(
      "hadoop-worker2: Kafka's disk (/data/kafka) is 100 % full, 0.0 MB free: its broker has stopped (supervisor: BACKOFF) and cannot start again until there is room. " +
      "Free space on the disk that holds it (docker system df shows what Docker keeps), then: docker exec hadoop-worker2 supervisorctl restart kafka");
    expect(kafkaDiskProblem("hadoop-worker1", { usedPercent: 98, availableKb: 3072, broker: "RUNNING" })).toMatch(/3\.0 MB free: its broker shuts down at the first write that does not fit/);
    expect(kafkaDiskProblem("hadoop-master", { usedPercent: 98, availableKb: 70 * 1024 * 1024, broker: "RUNNING" })).toBeUndefined();
  });
});
