/**
 * `npm run submit -- --jar|--py` on an Azure stack, the parts that need no cluster: the Livy batch
 * built for a .py and for a jar (the uploaded file, the main class, the project's jar for the Kafka
 * source, KAFKA_BROKERS, the job's arguments and name), which batches belong to a job name (Livy's
 * names, else the ledger's ids), and what the command refuses on an Azure stack before Livy is
 * asked anything: --yarn, no SSH credential, a head node that refuses the connection (a real SSH
 * client against a closed port; the brokers come from the fake Ambari). The whole path through a
 * real sshd, HDFS and Livy is tests/livy.live.test.ts's.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ownBatchRequest, storedName } from "../jobs/spark/ownAppAzure";
import { EXIT } from "../lib/errors";
import { batchesOfName, fileBatchLedger } from "../jobs/spark/control";
import type { Batch } from "../jobs/spark/livy";
import type { SparkApp } from "../jobs/spark/ownAppFile";
import { shellQuote, SshGateway } from "../jobs/kafka/sshGateway";
import { main } from "../scripts/submit";
import { DEFAULT_ACCOUNT, type FakeAmbari, startFakeAmbari } from "./support/fakeAmbari";
import { runMain } from "./support/commands";

const dir = mkdtempSync(join(tmpdir(), "az-own-job-"));
const py = join(dir, "my job.py");
writeFileSync(py, "print('hello')\n");
const JOB_JAR = "wasbs://spark-lab@labstore.blob.core.windows.net/jars/stream-kafka-spark-3.3.jar";
const BROKERS = "wn0-kafka.internal:9092,wn1-kafka.internal:9092";
let ambari: FakeAmbari;

beforeAll(async () => { ambari = await startFakeAmbari(); });
afterAll(async () => {
  await ambari.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("the Livy batch of a job of one's own", () => {
  const conf = { "spark.executorEnv.KAFKA_BROKERS": BROKERS, "spark.yarn.appMasterEnv.KAFKA_BROKERS": BROKERS, "spark.yarn.maxAppAttempts": "1" };

  test("a .py: the uploaded file, the project's jar for format(\"kafka\"), KAFKA_BROKERS for driver and executors, the job's args and name", () => {
    const app: SparkApp = { kind: "py", path: py };
    const fileUrl = `wasbs://spark-lab@labstore.blob.core.windows.net/kafka-spark-lab/jobs/${storedName(py)}`;
    expect(ownBatchRequest({ app, fileUrl, name: "my-job", args: ["--in", "lines", "it's"], jobJarUrl: JOB_JAR, brokers: BROKERS })).toEqual({
      file: "wasbs://spark-lab@labstore.blob.core.windows.net/kafka-spark-lab/jobs/my-job.py",
      args: ["--in", "lines", "it's"],
      name: "my-job",
      jars: [JOB_JAR],
      conf,
    });
  });

  test("a jar: its main class, and the project's jar beside it unless it is that very jar", () => {
    const app: SparkApp = { kind: "jar", path: join(dir, "my-job.jar"), className: "com.example.MyJob" };
    expect(ownBatchRequest({ app, fileUrl: "hdfs://hadoop-master:9000/kafka-spark-lab/jobs/my-job.jar", name: "mine", args: [], jobJarUrl: JOB_JAR, brokers: BROKERS })).toEqual({
      file: "hdfs://hadoop-master:9000/kafka-spark-lab/jobs/my-job.jar", className: "com.example.MyJob", args: [], name: "mine", jars: [JOB_JAR], conf,
    });
    const itself = ownBatchRequest({ app: { ...app, path: join(dir, "stream-kafka-spark-3.3.jar") }, fileUrl: "wasbs://c@a.blob.core.windows.net/kafka-spark-lab/jobs/stream-kafka-spark-3.3.jar", name: "wc", args: ["a"], jobJarUrl: JOB_JAR, brokers: BROKERS });
    expect(itself.jars).toBeUndefined();
    expect(itself.className).toBe("com.example.MyJob");
  });

  test("the name in storage is the file's, made fit for a URI", () => {
    expect(storedName("/home/me/my job (v2).py")).toBe("my-job-v2-.py");
    expect(storedName("/x/.hidden.py")).toBe("hidden.py");
    expect(storedName("/x/wordcount.py")).toBe("wordcount.py");
  });
});

test("an argument of a command run over SSH reaches the remote shell as one word, whatever it holds", () => {
  expect(shellQuote("it's")).toBe("'it'\\''s'");
  const hostile = ["it's", "$(touch /tmp/pwned)", "a b\tc\nd", "`id`", "'; rm -rf ~; '", "\\", "", "--name=x;y"];
  // A real POSIX shell reads the command line as SshGateway.exec builds it: each word comes back as it was.
  const line = ["printf '%s\\0'", ...hostile.map(shellQuote)].join(" ");
  expect(execFileSync("sh", ["-c", line], { encoding: "utf8" }).split("\0").slice(0, -1)).toEqual(hostile);
});

describe("which batches are a job's", () => {
  const batch = (id: number, name: string | null, state: Batch["state"] = "running"): Batch => ({ id, name, state });

  test("by the name Livy reports, else (Livy 0.5, no names) by the ids this machine recorded; recorded ids Livy forgot are gone", () => {
    const known = [batch(1, "a"), batch(2, "b", "dead"), batch(3, null), batch(4, null, "success"), batch(5, "a", "dead")];
    expect(batchesOfName(known, [3, 9], "a")).toEqual({ batches: [batch(1, "a"), batch(3, null), batch(5, "a", "dead")], gone: [9] });
    expect(batchesOfName(known, [], "b")).toEqual({ batches: [batch(2, "b", "dead")], gone: [] });
    // A recorded id whose batch carries another name is not this job's.
    expect(batchesOfName(known, [2], "a").batches.map((b) => b.id)).toEqual([1, 5]);
  });

  test("the ledger keeps ids per Livy URL and name, in a file; a forgotten last id drops the name", () => {
    const path = join(dir, "ledger", "livy-batches.json");
    const a = fileBatchLedger(path, "https://spark-a.azurehdinsight.net/livy");
    const b = fileBatchLedger(path, "https://spark-b.azurehdinsight.net/livy");
    a.record("my-job", 7);
    a.record("my-job", 8);
    a.record("my-job", 7);
    b.record("my-job", 1);
    expect(a.ids("my-job")).toEqual([8, 7]);
    expect(b.all()).toEqual({ "my-job": [1] });
    a.forget("my-job", 8);
    a.forget("my-job", 7);
    expect(a.all()).toEqual({});
    expect(b.ids("my-job")).toEqual([1]);
  });
});

describe("npm run submit --py on an Azure stack: refusals before Livy is asked anything", () => {
  const SSH_PASSWORD = "ssh-Secret-4711";

  async function run(argv: string[], o: { env?: Record<string, string>; sshPort?: number } = {}) {
    const fetched: string[] = [];
    const opened: string[] = [];
    const { exitCode: code, stdout: out, stderr: err } = await runMain(main, argv, {
      env: o.env ?? {},
      fetch: (url, init) => { fetched.push(String(url)); return fetch(url, init); },
      readStackOutputs: async () => ({
        target: "azure", kafkaAmbariUrl: ambari.url, kafkaClusterName: "kafka-mylab42", clusterLoginUser: DEFAULT_ACCOUNT.user, clusterLoginPassword: DEFAULT_ACCOUNT.password,
        sparkLivyUrl: "http://127.0.0.1:9/livy", sparkJobJarUrl: JOB_JAR, sparkSshHost: "spark-lab-ssh.azurehdinsight.net", sshUser: "sshuser",
      }),
      // What DNS would do for the head node's name: here, a local port nothing listens on.
      openGateway: (g) => { opened.push(`${g.username}@${g.host}:${g.port}`); return SshGateway.open({ ...g, host: "127.0.0.1", port: o.sshPort ?? 9 }); },
      ledger: () => {
        const used = (): never => { throw new Error("the ledger was used"); };
        return { ids: used, all: used, record: used, forget: used };
      },
    });
    return { code, out, err, fetched, opened };
  }

  test("--yarn: exit 2, nothing contacted", async () => {
    const r = await run(["--stack", "azure", "--py", py, "--yarn"], { env: { SSH_PASSWORD } });
    expect(r.err).toContain('submit: error: --yarn is for a local stack: stack "azure" is on Azure, where a job always runs on the Spark cluster\'s YARN (through Livy)');
    expect(r.code).toBe(EXIT.USAGE);
    expect(r.fetched).toEqual([]);
    expect(r.opened).toEqual([]);
  });

  test("no SSH credential in the environment: exit 2 naming the three ways, nothing contacted", async () => {
    const r = await run(["--stack", "azure", "--py", py]);
    expect(r.err).toContain("no SSH credential: set SSH_PRIVATE_KEY_FILE, run an ssh-agent (SSH_AUTH_SOCK), or set SSH_PASSWORD");
    expect(r.code).toBe(EXIT.USAGE);
    expect(r.fetched).toEqual([]);
    expect(r.opened).toEqual([]);
  });

  test("a head node that refuses the connection: exit 11 after Ambari named the brokers; Livy never asked, no secret shown", async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, "127.0.0.1", () => { const p = (s.address() as { port: number }).port; s.close(() => resolve(p)); });
    });
    const r = await run(["--stack", "azure", "--py", py, "--name", "az-job", "--", "x"], { env: { SSH_PASSWORD, SSH_HOST_KEY_FINGERPRINT: "SHA256:abc" }, sshPort: port });
    expect(r.err).toMatch(/\[1\/4\] ask Ambari for the Kafka brokers: done/);
    expect(r.err).toMatch(/\[2\/4\] upload the application to the Spark cluster's storage \.\.\./);
    expect(r.err).toMatch(/error: cannot reach the SSH gateway 127\.0\.0\.1:\d+: connect ECONNREFUSED/);
    expect(r.code).toBe(EXIT.SSH_GATEWAY);
    expect(r.opened).toEqual(["sshuser@spark-lab-ssh.azurehdinsight.net:22"]);
    expect(r.fetched.length).toBeGreaterThan(0);
    expect(r.fetched.every((u) => u.startsWith(ambari.url))).toBe(true);
    expect(r.out + r.err).not.toContain(SSH_PASSWORD);
    expect(r.out + r.err).not.toContain(DEFAULT_ACCOUNT.password);
  }, 30_000);
});
