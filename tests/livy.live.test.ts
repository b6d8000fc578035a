/**
 * The Livy client (jobs/spark/livy.ts) against a real Apache Livy 0.7.1 server running in the local
 * stack's master with that node's Spark, CSRF protection on as on HDInsight, behind a small real
 * reverse proxy that adds what HDInsight's gateway adds (Basic auth, the /livy prefix). The real
 * word-count jar is submitted, followed to running, its counts checked against the TypeScript
 * counts, then killed; a jar with a wrong main class ends dead with its log tail; Livy's own
 * refusals (CSRF, unknown batch, a local path outside the whitelist) map to their errors.
 * Needs Docker, the base image, Maven and a JDK (.ci/run provides them).
 */
import { Kafka, logLevel, Partitioners } from "kafkajs";
import { PROJECT } from "../stacks/config";
import { describeTopology } from "../stacks/local/topology";
import { IMAGE_CONTEXT } from "../stacks/local/image";
import { adminPerBroker, ensureTopics } from "../jobs/kafka/topics";
import { jobJarBlobName, sourceHash } from "../stacks/jobJar";
import { sampleLines } from "../jobs/text/sampleText";
import { expectedCounts } from "../jobs/wordcount/tokenize";
import { loadRecords } from "../jobs/kafka/loader";
import { dockerShell, JOBS_DIR, putFile } from "../jobs/local/shell";
import { readCountsTopic, sameCounts, topWords, totalOf, wordTable } from "../jobs/wordcount/results";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AmbariClient, type AmbariClientOptions } from "../jobs/azure/ambari";
import { readLocalSshAccess } from "../jobs/local/cluster";
import { jobStatus } from "../jobs/spark/localJobs";
import { SshGateway, type SshGatewayOptions } from "../jobs/kafka/sshGateway";
import { localOutputsFromStackFile } from "../jobs/pulumiStack";
import type { CommandDeps } from "../jobs/cli/command";
import { main as resultsMain } from "../scripts/results";
import { main as submitMain } from "../scripts/submit";
import { fileBatchLedger } from "../jobs/spark/control";
import { main as wordcountMain } from "../scripts/wordcount";
import { startFakeAmbari } from "./support/fakeAmbari";
import { wordCountArgs } from "../jobs/wordcount/job";
import { LivyBatchNotFoundError, LivyClient, LivyCsrfError, LivyJobDeadError, LivyRejectedError } from "../jobs/spark/livy";
import { EXIT } from "../lib/errors";
import { HttpLoginError, HttpRetriesExhaustedError } from "../lib/http/errors";
import { bringUpCluster, inNode, progress, waitFor, wordCountJar } from "./support/docker";
import { startGateway, startLivy, type Gateway } from "./support/livy";
import { countWords } from "./support/wordCount";
import { runMain } from "./support/commands";

const topology = describeTopology({ project: PROJECT, stack: "dev" });
const MASTER = topology.endpoints.containerNames[0];
const KAFKA = { clientId: "livy-live", brokers: topology.endpoints.bootstrapServersHost.split(","), logLevel: logLevel.NOTHING };
const LOGIN = { user: "admin", password: "Gateway-Pass-42!" };
const LINES = [...sampleLines({ seed: 7, lines: 2000 })];
const report: [string, string][] = [];
const kafka = new Kafka(KAFKA);
const PY_WORDCOUNT = join(__dirname, "..", "jobs", "spark-app", "python", "wordcount.py");

let livyUrl = "";
let gateway: Gateway;
let livy: LivyClient;
let jarOnMaster = "";
/** The jar where an Azure stack's URL would name it: its name stamped with the sources it was built from. */
let stampedJarOnMaster = "";
/** The same jar in the cluster's storage (HDFS here), where HDInsight's Livy reads it. */
let stampedJarInHdfs = "";
/** A second Livy, as HDInsight runs it: each batch on YARN, its driver in a container on a worker (cluster mode). */
const YARN_LIVY_PORT = 8999;
let yarnLivyUrl = "";
let yarnGateway: Gateway;

const driverRunning = async () => (await inNode(MASTER, "pgrep -f '[S]parkSubmit.*livy-wc' | wc -l")).trim() !== "0";

beforeAll(async () => {
  const [{ upSeconds }, jar] = await Promise.all([
    bringUpCluster(topology.image, IMAGE_CONTEXT, topology.endpoints.containerNames, { reuse: true }),
    wordCountJar(),
  ]);
  report.push(["cluster up", `${upSeconds.toFixed(1)} s`]);
  jarOnMaster = (await putFile(dockerShell(MASTER), jar.path)).path;
  stampedJarOnMaster = `${JOBS_DIR}/${jobJarBlobName({ of: "sources", stamp: sourceHash() })}`;
  await inNode(MASTER, `mkdir -p "$(dirname ${stampedJarOnMaster})" && cp ${jarOnMaster} ${stampedJarOnMaster}`);
  const start = Date.now();
  stampedJarInHdfs = `hdfs://hadoop-master:9000/kafka-spark-lab/jobs/${stampedJarOnMaster.split("/").pop()}`;
  await inNode(MASTER, `hdfs dfs -mkdir -p /kafka-spark-lab/jobs && hdfs dfs -put -f ${stampedJarOnMaster} ${stampedJarInHdfs}`);
  [livyUrl, yarnLivyUrl] = await Promise.all([
    startLivy(MASTER, { whitelist: `${JOBS_DIR}/` }),
    startLivy(MASTER, { whitelist: `${JOBS_DIR}/`, sparkMaster: "yarn", deployMode: "cluster", port: YARN_LIVY_PORT }),
  ]);
  report.push(["Livy 0.7.1 up in the master", `${((Date.now() - start) / 1000).toFixed(1)} s`]);
  gateway = await startGateway(livyUrl, LOGIN);
  yarnGateway = await startGateway(yarnLivyUrl, LOGIN);
  livy = new LivyClient({ baseUrl: gateway.url, ...LOGIN, backoffMs: 200 });
}, 40 * 60_000);

afterAll(async () => {
  await gateway?.close();
  await yarnGateway?.close();
  // The cluster stays for the next file that reuses it; Livy and its drivers go.
  await inNode(MASTER, "pkill -f org.apache.livy.server.LivyServer; pkill -f '[S]parkSubmit.*livy'; true").catch(() => undefined);
  process.stderr.write(`\nLivy, live\n| step | result |\n|---|---|\n${report.map(([k, v]) => `| ${k} | ${v} |`).join("\n")}\n\n`);
}, 5 * 60_000);

test("the real word-count jar through the gateway: running, exact counts, then killed", async () => {
  const [lines, counts] = ["livy-lines", "livy-counts"];
  await ensureTopics(kafka.admin(), [lines, counts].map((topic) => ({ topic, partitions: 3, replicationFactor: 3 })), { brokerAdmin: adminPerBroker(KAFKA) });
  const producer = kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  await loadRecords({ producer, topic: lines, lines: LINES, format: "text", batchSize: 500 });
  await producer.disconnect();

  const job = { name: "livy-wc", topic: lines, sink: "kafka" as const, countsTopic: counts, trigger: 2, startingOffsets: "earliest" as const, checkpoint: "/tmp/livy-wc-checkpoint" };
  const start = Date.now();
  const submitted = await livy.submit({
    file: jarOnMaster,
    className: "spark.kafka.SparkKafkaWordCount",
    args: wordCountArgs(job, topology.endpoints.bootstrapServersInternal),
    name: "livy-wc",
    driverMemory: "768m",
    conf: { "spark.sql.shuffle.partitions": "2" },
  });
  // Livy answers the POST once spark-submit is launched: starting, or (local mode) already running.
  expect(["starting", "running"]).toContain(submitted.state);
  const states: string[] = [];
  const running = await livy.follow(submitted.id, { until: ["running"], timeoutMs: 180_000, onState: (s) => states.push(s) });
  report.push(["submit -> running", `${((Date.now() - start) / 1000).toFixed(1)} s (${states.join(" -> ")})`]);
  expect(running.state).toBe("running");
  expect(running.name).toBe("livy-wc");

  // The counts, read from Kafka, independently of Livy.
  const expected = expectedCounts(LINES);
  await waitFor("the counts to cover every word", async () => {
    const seen = await readCountsTopic(kafka, counts);
    return [...expected].every(([w, n]) => seen.get(w) === n) ? true : undefined;
  }, 300_000, 2000);
  expect(new Map([...(await readCountsTopic(kafka, counts))].sort())).toEqual(new Map([...expected].sort()));
  report.push(["counts exact", `${((Date.now() - start) / 1000).toFixed(1)} s after submit`]);
  // The job's own progress lines, as Livy relays the driver's output.
  expect((await livy.log(submitted.id, 0, 100_000)).log.join("\n")).toMatch(/\[wordcount\] (started|batch \d+)/);

  expect(await driverRunning()).toBe(true);
  expect(await livy.kill(submitted.id)).toBe("killed");
  // Observed independently: the driver process is gone, and Livy no longer knows the batch.
  await waitFor("the driver to be gone", async () => ((await driverRunning()) ? undefined : true), 60_000, 500);
  await expect(livy.batch(submitted.id)).rejects.toBeInstanceOf(LivyBatchNotFoundError);
}, 15 * 60_000);

test("a jar whose main class does not exist ends dead, and the client shows the log tail", async () => {
  const submitted = await livy.submit({ file: jarOnMaster, className: "spark.kafka.NoSuchClass", name: "livy-dead", driverMemory: "512m" });
  const e = (await livy.follow(submitted.id, { timeoutMs: 180_000 }).catch((x: unknown) => x)) as LivyJobDeadError;
  expect(e).toBeInstanceOf(LivyJobDeadError);
  expect(e.batch.state).toBe("dead");
  expect(e.message).toMatch(/ended dead/);
  expect(e.logTail.join("\n")).toMatch(/Failed to load class spark\.kafka\.NoSuchClass/);
}, 5 * 60_000);

test("Livy's own refusals: a local path outside the whitelist, an unknown batch", async () => {
  const e = (await livy.submit({ file: "/etc/passwd.jar", className: "x.Y" }).catch((x: unknown) => x)) as LivyRejectedError;
  expect(e).toBeInstanceOf(LivyRejectedError);
  expect(e.message).toMatch(/requirement failed: Local path .* cannot be added to user sessions/);
  const missing = (await livy.batch(987654).catch((x: unknown) => x)) as LivyBatchNotFoundError;
  expect(missing).toBeInstanceOf(LivyBatchNotFoundError);
  expect(missing.message).toMatch(/Session '987654' not found/);
}, 2 * 60_000);

test("a POST without X-Requested-By gets Livy's CSRF refusal (an HTML 400), which the client names", async () => {
  const raw = await fetch(`${livyUrl}/batches`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ file: jarOnMaster }) });
  expect(raw.status).toBe(400);
  expect(await raw.text()).toMatch(/Missing Required Header for CSRF protection/);
  // A client behind a proxy that drops the header meets the same answer.
  const stripping: typeof fetch = (url, init) => {
    const headers = { ...(init?.headers as Record<string, string>) };
    delete headers["X-Requested-By"];
    return fetch(url, { ...init, headers });
  };
  const client = new LivyClient({ baseUrl: livyUrl, fetch: stripping });
  await expect(client.submit({ file: jarOnMaster, className: "x.Y" })).rejects.toBeInstanceOf(LivyCsrfError);
}, 60_000);

test("the gateway refuses a wrong cluster password: 401, named, and the password never in the message", async () => {
  const wrong = new LivyClient({ baseUrl: gateway.url, user: LOGIN.user, password: "not-the-password-9" });
  const e = (await wrong.batch(0).catch((x: unknown) => x)) as HttpLoginError;
  expect(e).toBeInstanceOf(HttpLoginError);
  expect(e.service).toBe("Livy");
  expect(e.message).toMatch(/refused the login of user "admin" \(HTTP 401\) to read batch 0\. Check clusterLoginUser/);
  expect(e.message).not.toContain("not-the-password-9");
}, 60_000);

test("503s from the gateway are retried with a doubling delay, each retry told; past the retries, HttpRetriesExhaustedError", async () => {
  const retries: string[] = [];
  const patient = new LivyClient({ baseUrl: gateway.url, ...LOGIN, retries: 3, backoffMs: 50, onRetry: (r) => retries.push(`${r.attempt}/${r.attempts} after ${r.delayMs} ms`) });
  gateway.failNext(2);
  await expect(patient.batch(987654)).rejects.toBeInstanceOf(LivyBatchNotFoundError);
  expect(retries).toEqual(["1/4 after 50 ms", "2/4 after 100 ms"]);
  gateway.failNext(10);
  const e = (await patient.batch(987654).catch((x: unknown) => x)) as HttpRetriesExhaustedError;
  gateway.failNext(0);
  expect(e).toBeInstanceOf(HttpRetriesExhaustedError);
  expect(e.attempts).toBe(4);
  expect(e.exitCode).toBe(EXIT.UNAVAILABLE);
  expect(e.message).toMatch(/^Gave up after 4 attempts .* to read batch 987654: Livy answered HTTP 503/);
}, 60_000);

test("a submit the gateway answers with 503 is not retried: a lost answer must not start the job twice", async () => {
  const before = ((await (await fetch(`${livyUrl}/batches`)).json()) as { total: number }).total;
  gateway.failNext(1);
  const e = (await livy.submit({ file: jarOnMaster, className: "spark.kafka.SparkKafkaWordCount", name: "livy-once" }).catch((x: unknown) => x)) as HttpRetriesExhaustedError;
  expect(e).toBeInstanceOf(HttpRetriesExhaustedError);
  expect(e.attempts).toBe(1);
  expect(e.message).toMatch(/^Gave up after 1 attempt /);
  expect(((await (await fetch(`${livyUrl}/batches`)).json()) as { total: number }).total).toBe(before);
}, 60_000);

// ---- npm run wordcount: the pipeline command, on the local stack and through Livy -------------

/** The command in-process, its output captured; the stack's outputs are the ones `pulumi up` exports for Pulumi.dev.yaml. */
async function wordcount(args: string[], overrides: Partial<CommandDeps> = {}) {
  const r = await runMain(wordcountMain, args, {
    readStackOutputs: async (stack, { workDir }) => localOutputsFromStackFile(stack, workDir)!,
    ...overrides,
  }, { onStderr: (t) => progress(t.trimEnd()) });
  return { code: r.exitCode, stdout: r.stdout, stderr: r.stderr, seconds: r.seconds };
}

const PIPELINE_LINES = 3000;
const pipelineExpected = expectedCounts(sampleLines({ seed: 11, lines: PIPELINE_LINES }));
const pipelineArgs = ["--lines", String(PIPELINE_LINES), "--seed", "11", "--top", "10"];

test("npm run wordcount --stack dev: spark-submit in the master, exact counts, the top words table, the job stopped", async () => {
  const run = await wordcount(["--stack", "dev", ...pipelineArgs]);
  report.push(["wordcount --stack dev (spark-submit)", `${run.seconds.toFixed(1)} s, exit ${run.code}`]);
  expect(run.stderr).toMatch(/\[4\/7\] start the job \(wordcount-lines -> wordcount-counts, 1 s trigger\): done/);
  expect(run.stdout).toContain(wordTable(pipelineExpected, 10));
  expect(run.stdout).toMatch(/words counted = words loaded\s*\|\s*yes/);
  expect(run.code).toBe(0);
  // Observed independently: the counts topic holds exactly the TypeScript counts, and no driver runs.
  expect(new Map([...(await readCountsTopic(kafka, "wordcount-counts"))].sort())).toEqual(new Map([...pipelineExpected].sort()));
  expect((await jobStatus(dockerShell(MASTER), "wordcount")).running).toBe(false);
}, 15 * 60_000);

test("npm run wordcount --livy <url>: the same counts through Livy behind the gateway; --keep-running, --status and --stop", async () => {
  const env = { ...process.env, LIVY_USER: LOGIN.user, LIVY_PASSWORD: LOGIN.password };
  const run = await wordcount(["--stack", "dev", "--livy", gateway.url, "--insecure-http", "--name", "viawc", "--keep-running", ...pipelineArgs], { env });
  report.push(["wordcount --livy (gateway -> Livy 0.7.1)", `${run.seconds.toFixed(1)} s, exit ${run.code}`]);
  expect(run.stderr).toMatch(/Livy batch \d+: running/);
  expect(run.stdout).toMatch(/job ran with\s*\|\s*Livy at http:\/\/127\.0\.0\.1:\d+\/livy/);
  expect(run.stdout).toContain(wordTable(pipelineExpected, 10));
  expect(run.stdout).not.toContain(LOGIN.password);
  expect(run.stderr).not.toContain(LOGIN.password);
  expect(run.code).toBe(0);
  expect(new Map([...(await readCountsTopic(kafka, "viawc-counts"))].sort())).toEqual(new Map([...pipelineExpected].sort()));

  // Left running: Livy lists it, so does --status; --stop kills it and Livy forgets it.
  const listed = async () => ((await (await fetch(`${livyUrl}/batches`)).json()) as { sessions: { name: string; state: string }[] }).sessions.filter((b) => b.name === "viawc");
  expect((await listed()).map((b) => b.state)).toEqual(["running"]);
  const status = await wordcount(["--stack", "dev", "--livy", gateway.url, "--insecure-http", "--name", "viawc", "--status"], { env });
  expect(status.stdout).toMatch(/^job "viawc" is running \(Livy batch \d+ running(, YARN application application_\d+_\d+)?\)\n$/);
  const id = /Livy batch (\d+)/.exec(status.stdout)![1];
  const stop = await wordcount(["--stack", "dev", "--livy", gateway.url, "--insecure-http", "--name", "viawc", "--stop"], { env });
  expect(stop.stdout).toBe(`job "viawc" stopped (Livy batch ${id} killed)\n`);
  expect(await listed()).toEqual([]);
  await waitFor("the driver to be gone", async () => ((await inNode(MASTER, "pgrep -f '[S]parkSubmit.*viawc' | wc -l")).trim() === "0" ? true : undefined), 60_000, 500);

  // A wrong login: the gateway's 401, exit 3, the password not shown.
  const wrong = await wordcount(["--stack", "dev", "--livy", gateway.url, "--insecure-http", "--status"], { env: { ...env, LIVY_PASSWORD: "wrong-Password-1" } });
  expect(wrong.code).toBe(3);
  expect(wrong.stderr).not.toContain("wrong-Password-1");
}, 15 * 60_000);

/**
 * An Azure-shaped stack around the local cluster. Azure cannot run here; everything else is real:
 * Ambari is a fake answering with its documented shapes and lists the local brokers' internal
 * names, both clusters' SSH endpoints are the master's real sshd, Livy is a real server behind
 * the gateway (`spark.livy`), and the jar URL (`spark.jarUrl`) one that Livy may read: the word count
 * runs as on HDInsight, its batch on YARN in cluster mode with the jar from the cluster's storage
 * (HDFS here). `deps`: what the commands are given on
 * this stack: what DNS does for the clusters' SSH names, and the local brokers' internal port
 * (HDInsight's is 9092). `gateways` keeps each SSH connection opened.
 */
async function azureShapedStack(prefix: string, spark: { livy: Gateway; jarUrl: string }) {
  const ambari = await startFakeAmbari({ cluster: "kafka-lab", accounts: [LOGIN], brokerHosts: [...topology.endpoints.containerNames] });
  const access = await readLocalSshAccess(MASTER);
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const keyFile = join(dir, "id");
  writeFileSync(keyFile, access.privateKey, { mode: 0o600 });
  const outputs = {
    target: "azure", kafkaAmbariUrl: ambari.url, kafkaClusterName: "kafka-lab", clusterLoginUser: LOGIN.user, clusterLoginPassword: LOGIN.password,
    kafkaSshHost: "kafka-lab-ssh.azurehdinsight.net", sparkSshHost: "spark-lab-ssh.azurehdinsight.net", sshUser: topology.endpoints.ssh.user,
    sparkLivyUrl: spark.livy.url, sparkJobJarUrl: spark.jarUrl,
  };
  const gateways: SshGateway[] = [];
  const deps = {
    readStackOutputs: async () => outputs,
    env: { SSH_PRIVATE_KEY_FILE: keyFile, SSH_HOST_KEY_FINGERPRINT: access.hostKeyFingerprint },
    openGateway: async (o: SshGatewayOptions) => {
      const g = await SshGateway.open({ ...o, host: "127.0.0.1", port: topology.endpoints.ssh.port });
      gateways.push(g);
      return g;
    },
    ambari: (o: AmbariClientOptions) => ({ kafkaBrokers: async () => (await new AmbariClient(o).kafkaBrokers()).map((b) => b.replace(/:9092$/, ":19092")) }),
  };
  return {
    ambari, access, dir, gateways, deps,
    close: async () => { await ambari.close(); rmSync(dir, { recursive: true, force: true }); },
  };
}

test("npm run wordcount on an Azure-shaped stack: brokers from Ambari, Kafka through the SSH gateway, the job through Livy, exact counts", async () => {
  const az = await azureShapedStack("wc-azure-", { livy: yarnGateway, jarUrl: stampedJarInHdfs });
  const { ambari, gateways, deps: azureShaped } = az;
  try {
    // First a stack whose jar was built from other sources: refused (29) before any topic or batch.
    const batches = async () => ((await (await fetch(`${yarnLivyUrl}/batches`)).json()) as { total: number }).total;
    const batchesBefore = await batches();
    const staleOutputs = { ...(await azureShaped.readStackOutputs()), sparkJobJarUrl: `hdfs://hadoop-master:9000/${jobJarBlobName({ of: "sources", stamp: "0".repeat(64) })}` };
    const stale = await wordcount(["--stack", "azure", "--name", "azwc", ...pipelineArgs], { ...azureShaped, readStackOutputs: async () => staleOutputs });
    expect(stale.stderr).toContain("was built from other sources (stamp 0000000000000000)");
    expect(stale.stderr).toContain("run `pulumi up` to build and upload the jar from yours");
    expect(stale.code).toBe(EXIT.STALE_JAR);
    expect(await batches()).toBe(batchesBefore);

    const run = await wordcount(["--stack", "azure", "--name", "azwc", ...pipelineArgs], azureShaped);
    const opened = gateways.at(-1);
    report.push(["wordcount --stack azure-shaped (Ambari fake, SSH, Livy)", `${run.seconds.toFixed(1)} s, exit ${run.code}`]);
    expect(run.stderr).toMatch(/3 brokers: hadoop-master:19092, hadoop-worker1:19092, hadoop-worker2:19092/);
    expect(run.stderr).toContain(`the jar pulumi up put in the Spark cluster's storage: ${stampedJarInHdfs}`);
    // On YARN, as HDInsight runs it: the ResourceManager ran the batch as an application of its name, in cluster mode.
    const apps = (await (await fetch(`${topology.endpoints.yarnUi}/ws/v1/cluster/apps?applicationTypes=SPARK`)).json()) as { apps: { app: { name: string; amHostHttpAddress?: string }[] } };
    expect(apps.apps.app.filter((a) => a.name === "azwc").map((a) => a.amHostHttpAddress?.split(":")[0])).toEqual([expect.stringMatching(/^hadoop-worker[12]$/)]);
    expect(run.stderr).toContain(`built from the word-count sources as they are here (stamp ${sourceHash().slice(0, 16)})`);
    expect(run.stdout).toContain(wordTable(pipelineExpected, 10));
    expect(run.code).toBe(0);
    // Ambari was asked for the brokers with the cluster login; every Kafka connection went through the SSH gateway.
    expect(ambari.requests.some((r) => r.path.endsWith("/services/KAFKA/components/KAFKA_BROKER") && r.user === LOGIN.user)).toBe(true);
    expect(new Set(opened!.forwarded)).toEqual(new Set(["hadoop-master:19092", "hadoop-worker1:19092", "hadoop-worker2:19092"]));
    expect(new Map([...(await readCountsTopic(kafka, "azwc-counts"))].sort())).toEqual(new Map([...pipelineExpected].sort()));

    // npm run results on the same stack: the counts topic read through a gateway of its own.
    const gatewaysBefore = gateways.length;
    const { exitCode, stdout: out } = await runMain(resultsMain, ["--stack", "azure", "--topic", "azwc-counts", "--top", "5", "--json"], azureShaped, { onStderr: (t) => progress(t.trimEnd()) });
    expect(exitCode).toBe(0);
    expect(gateways.length).toBe(gatewaysBefore + 1);
    const resultsGateway = gateways.at(-1);
    expect(JSON.parse(out)).toEqual({ distinct: pipelineExpected.size, total: totalOf(pipelineExpected), top: topWords(pipelineExpected, 5) });
    // Every Kafka connection of the command went through its gateway, to the brokers Ambari named.
    expect(resultsGateway!.forwarded.length).toBeGreaterThan(0);
    expect(resultsGateway!.forwarded.filter((t) => !["hadoop-master:19092", "hadoop-worker1:19092", "hadoop-worker2:19092"].includes(t))).toEqual([]);
    // Parquet output lives in a local stack's HDFS: on Azure the command says to read the topic (exit 2).
    const parquet = await runMain(resultsMain, ["--stack", "azure", "--parquet", "/x"], azureShaped);
    expect(parquet.exitCode).toBe(2);
    expect(parquet.stderr).toContain('results: error: --parquet reads the HDFS of a local stack; stack "azure" is on Azure: read its counts topic (--topic)');
  } finally {
    await az.close();
  }
}, 15 * 60_000);

test("a word count on the Azure-shaped stack whose YARN application is killed while it starts: exit 23, with YARN's own diagnostics", async () => {
  const az = await azureShapedStack("kill-azure-", { livy: yarnGateway, jarUrl: stampedJarInHdfs });
  try {
    // The application Livy submits for the batch, killed through the ResourceManager's REST API as
    // soon as it is listed, as an operator or YARN's preemption would.
    const killer = waitFor("the YARN application of azkill", async () => {
      const r = (await (await fetch(`${topology.endpoints.yarnUi}/ws/v1/cluster/apps?states=NEW,NEW_SAVING,SUBMITTED,ACCEPTED,RUNNING`)).json()) as { apps: { app: { id: string; name: string }[] } | null };
      return r.apps?.app.find((a) => a.name === "azkill")?.id;
    }, 180_000, 200).then(async (id) => {
      const put = await fetch(`${topology.endpoints.yarnUi}/ws/v1/cluster/apps/${id}/state`, { method: "PUT", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ state: "KILLED" }) });
      expect(put.status).toBeLessThan(300);
      return id;
    });
    const run = await wordcount(["--stack", "azure", "--name", "azkill", ...pipelineArgs], az.deps);
    const appId = await killer;
    report.push(["wordcount --stack azure-shaped, YARN application killed", `${run.seconds.toFixed(1)} s, exit ${run.code}`]);
    expect(run.stderr).toMatch(new RegExp(`batch \\d+ \\(azkill\\) was killed \\(YARN application ${appId}\\); YARN says: Application ${appId} was killed by user`));
    expect(run.code).toBe(EXIT.JOB_KILLED);
    expect(run.stderr).not.toContain(LOGIN.password);
  } finally {
    await az.close();
  }
}, 10 * 60_000);

// ---- npm run submit --py: a job of one's own on an Azure-shaped stack ---------------------------

test("npm run submit --py on an Azure-shaped stack: uploaded over SSH into the default storage, a Livy batch with the project's jar, exact counts; a failing job ends dead (22) and --status says so", async () => {
  // Livy in client mode here: the assertions below read the driver's own lines (its Python error)
  // in Livy's log, where a client-mode driver writes them; in cluster mode they stay in YARN's
  // container logs (HDInsight's case: docs/azure.md says where to find them).
  const az = await azureShapedStack("submit-azure-", { livy: gateway, jarUrl: stampedJarOnMaster });
  // The batch ids of this test only, not the ones of this machine's real stacks.
  const ledgerFile = join(az.dir, "livy-batches.json");
  const submit = async (argv: string[]) => {
    const r = await runMain(submitMain, argv, { ...az.deps, ledger: (url) => fileBatchLedger(ledgerFile, url) }, { onStderr: (t) => progress(t.trimEnd()) });
    return { code: r.exitCode, out: r.stdout, err: r.stderr };
  };
  const run = `${Date.now()}`;
  const [lines, counts] = [`az-py-lines-${run}`, `az-py-counts-${run}`];
  const text = [...sampleLines({ seed: 5, lines: 1500 })];
  await ensureTopics(kafka.admin(), [lines, counts].map((topic) => ({ topic, partitions: 3, replicationFactor: 3 })), { brokerAdmin: adminPerBroker(KAFKA) });
  const producer = kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  await loadRecords({ producer, topic: lines, lines: text, format: "text", batchSize: 500 });
  await producer.disconnect();
  const secrets = [LOGIN.password, az.access.privateKey.trim()];
  try {
    const start = Date.now();
    const py = await submit(["--stack", "azure", "--py", PY_WORDCOUNT, "--name", "az-py", "--follow", "--",
      topology.endpoints.bootstrapServersInternal, lines, "az-py", "--sink", "kafka", "--counts-topic", counts,
      "--checkpoint", `/kafka-spark-lab/az-py-${run}/checkpoint`, "--trigger", "available-now", "--starting-offsets", "earliest"]);
    report.push(["submit --py --stack azure-shaped (SSH upload, Livy)", `${((Date.now() - start) / 1000).toFixed(1)} s, exit ${py.code}`]);
    expect(py.err).not.toMatch(/error:/);
    expect(py.code).toBe(EXIT.OK);
    // The steps: brokers from Ambari, the file into the default storage (HDFS here: its URL from
    // fs.defaultFS, as Livy needs it), a Livy batch, followed to its end with its log.
    expect(py.err).toMatch(/3 brokers: hadoop-master:19092, hadoop-worker1:19092, hadoop-worker2:19092/);
    const stored = "hdfs://hadoop-master:9000/kafka-spark-lab/jobs/wordcount\\.py";
    expect(py.err).toMatch(new RegExp(`uploaded to ${stored}|${stored} already holds these bytes`));
    expect(py.err).toMatch(/Livy batch \d+: (running|success)/);
    expect(az.gateways.at(-1)!.endpoint).toBe(`127.0.0.1:${topology.endpoints.ssh.port}`);
    // Livy keeps a batch's last 200 log lines (livy.cache-log.size): Spark's INFO lines between two
    // polls can push any of the job's own lines out (its first one too, seen in a CI run of
    // 2026-12-07), so what the command follows is asserted by the end it reports and the counts.
    expect(py.out).toMatch(/job "az-py" is not running: it finished \(Livy batch \d+ success\)/);
    // Observed independently: the counts topic equals an independent count of the text; the file in
    // HDFS holds the very bytes of the local one, and no temporary copy is left on the head node.
    expect(sameCounts(await readCountsTopic(kafka, counts), countWords(text))).toBe(true);
    const sha = createHash("sha256").update(readFileSync(PY_WORDCOUNT)).digest("hex");
    expect((await inNode(MASTER, "hdfs dfs -cat /kafka-spark-lab/jobs/wordcount.py | sha256sum")).trim().split(" ")[0]).toBe(sha);
    expect((await inNode(MASTER, "ls /tmp | grep -c '^kafka-spark-lab-' || true")).trim()).toBe("0");
    const status = await submit(["--stack", "azure", "--status", "--name", "az-py"]);
    expect(status.out).toMatch(/^job "az-py" is not running: it finished \(Livy batch \d+ success\)/);

    // A job that fails once its SparkContext is up: dead, exit 22, its Python error line. (Livy here
    // runs the driver in client mode, where spark.yarn.appMasterEnv does not reach it, so the
    // fixture's KAFKA_BROKERS lookup is what fails; on HDInsight's YARN cluster mode it is set.)
    const failing = await submit(["--stack", "azure", "--py", join(__dirname, "fixtures", "failing_job.py"), "--follow"]);
    expect(failing.code).toBe(EXIT.JOB_DEAD);
    expect(failing.err).toMatch(/error: job "failing_job" died \(Livy batch \d+ dead\); the end of its log says:/);
    expect(failing.err).toContain("KeyError: 'KAFKA_BROKERS'");
    const dead = await submit(["--stack", "azure", "--status", "--name", "failing_job"]);
    expect(dead.code).toBe(EXIT.OK);
    expect(dead.out).toMatch(/^job "failing_job" is not running: it died \(Livy batch \d+ dead\); the end of its log says:/);
    expect(dead.out).toContain("KeyError: 'KAFKA_BROKERS'");
    const log = await submit(["--stack", "azure", "--log", "--name", "failing_job"]);
    expect(log.out).toContain("KeyError: 'KAFKA_BROKERS'");

    // --stop deletes the batches from Livy and the ledger forgets them.
    for (const name of ["az-py", "failing_job"]) expect((await submit(["--stack", "azure", "--stop", "--name", name])).out).toBe(`job "${name}" was not running\n`);
    const gone = await submit(["--stack", "azure", "--status", "--name", "failing_job"]);
    expect(gone.out).toMatch(/Livy knows no batch of that name/);
    expect(JSON.parse(readFileSync(ledgerFile, "utf8"))).toEqual({ [gateway.url]: {} });
    for (const r of [py, failing, dead, log]) for (const secret of secrets) expect(r.out + r.err).not.toContain(secret);
  } finally {
    await az.close();
  }
}, 15 * 60_000);
