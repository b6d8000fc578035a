/**
 * The Azure path against the HDInsight 5.1 twin (stacks/twin/), brought up from its compose file:
 * the versions as the running services report them, then the commands a user runs on Azure, with
 * `--stack twin` and nothing else changed: the brokers from the twin's Ambari through its HTTPS
 * gateway (Basic auth, the cluster login), topics and a load through the head node's sshd, and what
 * only Azure has refused by name. Writes tests/results/twin.json. Needs a Docker engine and the
 * debian:bullseye and debian:bookworm base images.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import execa from "execa";
import { join } from "path";
import { docker, progress, ROOT, waitFor } from "./support/docker";
import { bringUpTwin, inTwinNetwork, removeTwin, sparkGateway, topicRecords, twinKafka, twinLeftovers, twinOutputs, twinTopology, TWIN_PASSWORD, TWIN_STACK, type TwinUp } from "./support/twin";
import { runMain, type MainRun } from "./support/commands";
import { main as brokersMain } from "../scripts/brokers";
import { main as topicsMain } from "../scripts/topics";
import { main as loadMain } from "../scripts/load";
import { main as statusMain } from "../scripts/status";
import { main as costMain } from "../scripts/cost";
import { TWIN_VERSIONS, KAFKA_BROKER_PROPERTIES } from "../stacks/twin/topology";
import { main as wordcountMain } from "../scripts/wordcount";
import { main as extendMain } from "../scripts/extend";
import { main as teardownMain } from "../scripts/teardown";
import { main as submitMain } from "../scripts/submit";
import { main as notebookMain } from "../scripts/notebook";
import { EXIT } from "../lib/errors";
import { buildWordCountJar, jobJarBlobName } from "../stacks/jobJar";
import { main as resultsMain } from "../scripts/results";
import { LivyBatchNotFoundError, LivyClient, type LivyClientOptions, LivyCsrfError, LivyJobDeadError, LivyRejectedError } from "../jobs/spark/livy";
import { HttpLoginError, HttpRetriesExhaustedError } from "../lib/http/errors";
import { fileBatchLedger } from "../jobs/spark/control";
import { wordCountArgs } from "../jobs/wordcount/job";
import { fetchTrusting, readTwinAccess } from "../jobs/twin/access";
import { dockerShell } from "../jobs/local/shell";
import { cellTexts, runNotebook } from "../jobs/notebooks/headless";
import { NOTEBOOKS, notebookFingerprint, PARAMETERS_TAG, sourceOf } from "../jobs/notebooks/fill";
import { JupyterContentsClient, type Notebook } from "../jobs/notebooks/jupyter";
import { TWIN_PASSWORD_VARIABLE } from "../stacks/twin/compose";
import { sotuLines } from "../jobs/text/corpus";
import { readCountsTopic, sameCounts, topWords, totalOf } from "../jobs/wordcount/results";
import { countWords } from "./support/wordCount";

const t = twinTopology;
const BROKERS = t.kafka.workers.map((b) => `${b.fqdn}:9092`);
const run = `${Date.now()}`;
const PY_WORDCOUNT = join(ROOT, "jobs", "spark-app", "python", "wordcount.py");
/** Where HDInsight's Jupyter keeps notebooks on the head node. */
const JUPYTER_DIR = "/var/lib/jupyter";

/** The JSON after `COUNTS_JSON ` in a notebook's outputs (its last cell prints it). */
function countsJson(texts: string[]): unknown {
  const line = texts.join("\n").split("\n").find((l) => l.startsWith("COUNTS_JSON "));
  if (!line) throw new Error(`no COUNTS_JSON line in the notebook's outputs:\n${texts.join("\n").slice(-2000)}`);
  return JSON.parse(line.slice("COUNTS_JSON ".length));
}
let twin: TwinUp;

/** What tests/results/twin.json says: filled in as the tests go. */
const results = {
  date: new Date().toISOString().slice(0, 10),
  stack: TWIN_STACK,
  healthySeconds: 0,
  versions: {} as Record<string, string>,
  commands: [] as { command: string; exitCode: number; seconds: number; note?: string }[],
  counts: [] as { what: string; sent: number; inTopic: number; exact: boolean }[],
  notebooks: [] as { notebook: string; kernel: string; seconds: number }[],
};

/** A command's main with the twin's environment (the password as the compose file got it, the SSH key), Pulumi not asked. */
async function command(name: string, main: Parameters<typeof runMain>[0], argv: string[], env: Record<string, string> = {}): Promise<MainRun> {
  const r = await runMain(main, argv, { env: { ...process.env, ...twin.env, ...env }, readStackOutputs: async () => ({}) });
  results.commands.push({ command: `npm run ${name} -- ${argv.join(" ")}`, exitCode: r.exitCode, seconds: r.seconds });
  progress(`${name} ${argv.join(" ")}: exit ${r.exitCode} in ${r.seconds.toFixed(1)} s`);
  return r;
}

beforeAll(async () => {
  twin = await bringUpTwin();
  results.healthySeconds = Number(twin.healthySeconds.toFixed(1));
}, 20 * 60_000);

afterAll(async () => {
  writeFileSync(join(ROOT, "tests", "results", "twin.json"), `${JSON.stringify(results, null, 2)}\n`);
  await removeTwin();
}, 5 * 60_000);

test("the running services report HDInsight 5.1's versions: Kafka 3.2.0 on every broker, ZooKeeper 3.6.3, and the JDK nearest Java 8", async () => {
  const kafka: string[] = [];
  for (const b of t.kafka.workers) {
    const log = await docker(["logs", b.container]);
    const version = /Kafka version: (\S+)/.exec(log)?.[1];
    kafka.push(`${b.hostname} ${version}`);
    expect({ broker: b.hostname, version }).toEqual({ broker: b.hostname, version: TWIN_VERSIONS.kafka });
    expect(log).toMatch(/\[KafkaServer id=100[1-3]\] started/);
  }
  const zookeeper = /zookeeper\.version=([\d.]+)/.exec(await docker(["logs", t.kafka.zookeepers[0].container]))?.[1];
  expect(zookeeper).toBe(TWIN_VERSIONS.zookeeper);
  const { stderr } = await execa("docker", ["exec", t.kafka.workers[0].container, "java", "-version"]);
  const jdk = /version "([\d.]+)"/.exec(stderr)?.[1];
  expect(jdk?.split(".")[0]).toBe(TWIN_VERSIONS.jdk);
  Object.assign(results.versions, { kafka: kafka.join(", "), zookeeper, jdk });
}, 60_000);

test("brokers --stack twin: the three workers from the twin's Ambari, through the HTTPS gateway with the cluster login", async () => {
  const r = await command("brokers", brokersMain, ["--stack", TWIN_STACK]);
  expect(r.exitCode).toBe(0);
  expect(r.stdout).toBe(`${BROKERS.join(",")}\n`);
  const json = await command("brokers", brokersMain, ["--stack", TWIN_STACK, "--json"]);
  expect(json.exitCode).toBe(0);
  expect(JSON.parse(json.stdout)).toEqual({ brokers: BROKERS, zookeeper: [`${t.kafka.zookeepers[0].fqdn}:2181`], kafkaBrokerConfig: KAFKA_BROKER_PROPERTIES });
  // The gateway, not the commands, checks the login: a wrong password is Ambari's 401, exit 3.
  const wrong = await command("brokers", brokersMain, ["--stack", TWIN_STACK], { TWIN_CLUSTER_LOGIN_PASSWORD: "not-the-password" });
  expect(wrong.exitCode).toBe(EXIT.LOGIN_REFUSED);
  expect(wrong.stderr).not.toContain("not-the-password");
}, 60_000);

test("topics --stack twin, then load --stack twin: created through the head node's sshd on brokers that keep metadata in ZooKeeper, every line in the topic", async () => {
  const topic = `twin-lines-${run}`;
  const created = await command("topics", topicsMain, ["--stack", TWIN_STACK, "--topic", `${topic}:3:3`, "--json"]);
  expect(created.exitCode).toBe(0);
  expect(created.stderr).toContain(`twin stack "${TWIN_STACK}": 3 brokers through sshuser@127.0.0.1:${t.kafka.sshPort}`);
  const described = await docker(["exec", t.kafka.workers[0].container, "java", "-Dlog4j.configuration=file:/etc/twin/log4j.properties", "-cp", "/usr/local/kafka/libs/*", "kafka.admin.TopicCommand", "--bootstrap-server", "localhost:9092", "--describe", "--topic", topic]);
  expect(described).toMatch(new RegExp(`Topic: ${topic}\\s+TopicId: \\S+\\s+PartitionCount: 3\\s+ReplicationFactor: 3`));
  const lines = 5000;
  const loaded = await command("load", loadMain, ["--stack", TWIN_STACK, "--topic", topic, "--sample", String(lines), "--json"]);
  expect(loaded.exitCode).toBe(0);
  expect(JSON.parse(loaded.stdout)).toMatchObject({ records: lines, malformed: 0 });
  const inTopic = await topicRecords(topic);
  results.counts.push({ what: "load --stack twin (kafkajs through the SSH gateway)", sent: lines, inTopic, exact: inTopic === lines });
  expect(inTopic).toBe(lines);
}, 5 * 60_000);

test("--client platformatic against Kafka 3.2.0 (its README: 3.5.0 to 4.2.0): inside the VNet it loads every line; through the SSH gateway it is refused before sending", async () => {
  const topic = `twin-platformatic-${run}`;
  await docker(["exec", t.kafka.workers[0].container, "java", "-Dlog4j.configuration=file:/etc/twin/log4j.properties", "-cp", "/usr/local/kafka/libs/*", "kafka.admin.TopicCommand", "--bootstrap-server", "localhost:9092", "--create", "--topic", topic, "--partitions", "3", "--replication-factor", "3"]);
  const lines = 20000;
  const inside = await inTwinNetwork(["scripts/load.ts", "--bootstrap", BROKERS[0], "--topic", topic, "--sample", String(lines), "--client", "platformatic", "--json"]);
  results.commands.push({ command: `npm run load -- --bootstrap ${BROKERS[0]} --topic ${topic} --sample ${lines} --client platformatic (inside the twin's network)`, exitCode: inside.exitCode, seconds: 0 });
  expect({ exitCode: inside.exitCode, stderr: inside.exitCode === 0 ? "" : inside.stderr }).toEqual({ exitCode: 0, stderr: "" });
  expect(JSON.parse(inside.stdout)).toMatchObject({ records: lines });
  const inTopic = await topicRecords(topic);
  results.counts.push({ what: "load --client platformatic inside the twin's network (Kafka 3.2.0)", sent: lines, inTopic, exact: inTopic === lines });
  expect(inTopic).toBe(lines);
  const through = await command("load", loadMain, ["--stack", TWIN_STACK, "--topic", topic, "--sample", "10", "--client", "platformatic"]);
  expect(through.exitCode).toBe(EXIT.USAGE);
  expect(through.stderr).toContain("--client kafkajs");
  expect(await topicRecords(topic)).toBe(lines);
}, 5 * 60_000);

/** A Livy session through the Spark cluster's gateway, as sparkmagic opens one: created, idle, then each statement's output. */
async function livySession(gw: Awaited<ReturnType<typeof sparkGateway>>, statements: string[]): Promise<{ id: number; outputs: any[]; appId: string }> {
  const created = await gw("/livy/sessions", { method: "POST", body: { kind: "pyspark" } });
  expect(created.status).toBe(201);
  const id = created.body.id as number;
  const session = await waitFor(`Livy session ${id} idle`, async () => {
    const s = (await gw(`/livy/sessions/${id}`)).body;
    if (["dead", "error", "killed"].includes(s.state)) throw new Error(`session ${id} is ${s.state}: ${(await gw(`/livy/sessions/${id}/log?size=40`)).body.log.join("\n")}`);
    return s.state === "idle" ? s : undefined;
  }, 5 * 60_000, 1000);
  const outputs = [];
  for (const code of statements) {
    const st = await gw(`/livy/sessions/${id}/statements`, { method: "POST", body: { code } });
    expect(st.status).toBe(201);
    outputs.push(await waitFor(`statement ${st.body.id}`, async () => {
      const r = (await gw(`/livy/sessions/${id}/statements/${st.body.id}`)).body;
      return r.state === "available" || r.state === "error" ? r.output : undefined;
    }, 5 * 60_000, 500));
  }
  return { id, outputs, appId: session.appId };
}

test("a Livy session through the Spark gateway runs PySpark on YARN and reports Spark 3.3.1, Hadoop 3.3.4, its Python and JDK; errors come back in Livy's shape", async () => {
  const gw = await sparkGateway();
  expect((await gw("/livy/sessions", { method: "POST", body: { kind: "spark" } })).status).toBe(400);
  const { id, outputs, appId } = await livySession(gw, [
    "spark.version",
    "sc._jvm.org.apache.hadoop.util.VersionInfo.getVersion()",
    "import sys; print('%d.%d.%d' % sys.version_info[:3])",
    "sc._jvm.java.lang.System.getProperty('java.version')",
    "sc.parallelize(range(1000), 4).map(lambda x: x * 2).sum()",
    "1/0",
  ]);
  const text = (o: any) => String(o.data["text/plain"]).replace(/^'|'$/g, "");
  expect(outputs.slice(0, 5).map((o) => o.status)).toEqual(["ok", "ok", "ok", "ok", "ok"]);
  expect(text(outputs[0])).toBe(TWIN_VERSIONS.spark);
  expect(text(outputs[1])).toBe(TWIN_VERSIONS.hadoop);
  expect(text(outputs[4])).toBe("999000");
  expect(outputs[5]).toMatchObject({ status: "error", ename: "ZeroDivisionError", evalue: "division by zero" });
  expect(appId).toMatch(/^application_\d+_\d+$/);
  Object.assign(results.versions, { spark: text(outputs[0]), hadoop: text(outputs[1]), pysparkPython: text(outputs[2]), sparkJdk: text(outputs[3]) });
  expect((await gw(`/livy/sessions/${id}`, { method: "DELETE" })).body).toEqual({ msg: "deleted" });
  expect((await gw(`/livy/sessions/${id}`)).status).toBe(404);
}, 10 * 60_000);

test("wordcount --stack twin: the Spark 3.3 jar from the twin's storage, a Livy batch on YARN in cluster mode, counts exact against an independent count", async () => {
  const lines = [...sotuLines({ from: 2000, to: 2001 })];
  const r = await command("wordcount", wordcountMain, ["--stack", TWIN_STACK, "--name", "twinwc", "--from", "2000", "--to", "2001", "--timeout", "600"]);
  expect(r.stderr).not.toMatch(/error:/);
  expect(r.exitCode).toBe(0);
  const { kafka, close } = await twinKafka(twin.env);
  try {
    const counts = await readCountsTopic(kafka, "twinwc-counts");
    const expected = countWords(lines);
    const exact = sameCounts(counts, expected);
    results.counts.push({ what: "wordcount --stack twin (State of the Union 2000-2001)", sent: totalOf(expected), inTopic: totalOf(counts), exact });
    expect(expected.size).toBeGreaterThan(2000);
    expect(exact).toBe(true);
  } finally {
    await close();
  }
}, 20 * 60_000);

test("submit --stack twin --jar and --py: each uploaded over SSH to the Spark head node's storage, run as a Livy batch, counting exactly", async () => {
  const lines = [...sotuLines({ from: 1994, to: 1995 })];
  const topic = `twin-own-${run}`;
  const file = join(mkdtempSync(join(tmpdir(), "twin-own-")), "lines.txt");
  writeFileSync(file, `${lines.join("\n")}\n`);
  expect((await command("topics", topicsMain, ["--stack", TWIN_STACK, "--topic", `${topic}:3:3`, "--topic", `${topic}-java-counts:3:3`, "--topic", `${topic}-py-counts:3:3`])).exitCode).toBe(0);
  expect((await command("load", loadMain, ["--stack", TWIN_STACK, "--topic", topic, "--file", file])).exitCode).toBe(0);
  const args = (name: string) => ["--", BROKERS.join(","), topic, `own-${name}`, "--sink", "kafka", "--counts-topic", `${topic}-${name}-counts`,
    "--checkpoint", `/kafka-spark-lab/own-${name}-${run}/checkpoint`, "--trigger", "available-now", "--starting-offsets", "earliest"];
  const jar = await buildWordCountJar({ spark: "3.3", runTests: false });
  const java = await command("submit", submitMain, ["--stack", TWIN_STACK, "--jar", jar.path, "--class", "spark.kafka.SparkKafkaWordCount", "--name", `own-java-${run}`, "--follow", ...args("java")]);
  expect(java.stderr).not.toMatch(/error:/);
  expect(java.exitCode).toBe(0);
  const py = await command("submit", submitMain, ["--stack", TWIN_STACK, "--py", PY_WORDCOUNT, "--name", `own-py-${run}`, "--follow", ...args("py")]);
  expect(py.stderr).not.toMatch(/error:/);
  expect(py.exitCode).toBe(0);
  const { kafka, close } = await twinKafka(twin.env);
  try {
    const expected = countWords(lines);
    for (const name of ["java", "py"]) {
      const counts = await readCountsTopic(kafka, `${topic}-${name}-counts`);
      const exact = sameCounts(counts, expected);
      results.counts.push({ what: `submit --stack twin --${name === "java" ? "jar" : "py"} (State of the Union 1994-1995)`, sent: totalOf(expected), inTopic: totalOf(counts), exact });
      expect({ name, exact }).toEqual({ name, exact: true });
    }
  } finally {
    await close();
  }
}, 20 * 60_000);

// ---- Livy behind the gateway, as the project's client meets it on HDInsight -------------------

/** The project's Livy client on the twin's Spark gateway (cluster login, its certificate trusted), and the word count's jar URL. */
async function twinLivy(o: Partial<LivyClientOptions> = {}): Promise<{ livy: LivyClient; jarUrl: string; trusted: typeof fetch }> {
  const outputs = await twinOutputs(twin.env);
  const trusted = fetchTrusting((await readTwinAccess(t.spark.head.container)).gatewayCertificate);
  const livy = new LivyClient({ baseUrl: String(outputs.sparkLivyUrl), user: t.endpoints.clusterLoginUser, password: TWIN_PASSWORD, fetch: trusted, backoffMs: 200, ...o });
  return { livy, jarUrl: String(outputs.sparkJobJarUrl), trusted };
}

/** A YARN application as the Spark head node's ResourceManager reports it (REST, https://hadoop.apache.org/docs/r3.3.4/hadoop-yarn/hadoop-yarn-site/ResourceManagerRest.html). */
async function yarnApps(query = ""): Promise<{ id: string; name: string; state: string; finalStatus: string; diagnostics: string }[]> {
  const out = await docker(["exec", t.spark.head.container, "curl", "-sf", `http://${t.spark.head.fqdn}:8088/ws/v1/cluster/apps${query}`]);
  return (JSON.parse(out) as { apps: { app: any[] } | null }).apps?.app ?? [];
}

/** Livy's batch total, read through the gateway. */
async function livyBatchTotal(): Promise<number> {
  return (await (await sparkGateway())("/livy/batches")).body.total as number;
}

test("a Livy batch through the gateway with the project's client: the Spark 3.3 jar running on YARN in cluster mode; killed, YARN reports it KILLED and Livy forgets it", async () => {
  const { livy, jarUrl } = await twinLivy();
  const topic = `livy-lines-${run}`;
  expect((await command("topics", topicsMain, ["--stack", TWIN_STACK, "--topic", `${topic}:3:3`, "--topic", `${topic}-counts:3:3`])).exitCode).toBe(0);
  const job = { name: `livy-${run}`, topic, sink: "kafka" as const, countsTopic: `${topic}-counts`, trigger: 2, startingOffsets: "earliest" as const, checkpoint: `/kafka-spark-lab/livy-${run}/checkpoint` };
  const submitted = await livy.submit({ file: jarUrl, className: "spark.kafka.SparkKafkaWordCount", args: wordCountArgs(job, BROKERS.join(",")), name: job.name, conf: { "spark.sql.shuffle.partitions": "2" } });
  expect(submitted.state).toBe("starting");
  const states: string[] = [];
  const running = await livy.follow(submitted.id, { until: ["running"], timeoutMs: 300_000, onState: (s) => states.push(s) });
  expect({ state: running.state, name: running.name, appId: running.appId }).toEqual({ state: "running", name: job.name, appId: expect.stringMatching(/^application_\d+_\d+$/) });
  const app = await waitFor("YARN to run the batch's application", async () => (await yarnApps()).find((a) => a.id === running.appId && a.state === "RUNNING"), 120_000, 500);
  expect(app.name).toBe(job.name);
  expect(await livy.kill(submitted.id)).toBe("killed");
  // Observed independently: YARN ended the application as killed, and Livy no longer knows the batch.
  const ended = await waitFor("YARN to end the application", async () => (await yarnApps()).find((a) => a.id === running.appId && a.state === "KILLED"), 60_000, 500);
  expect(ended.finalStatus).toBe("KILLED");
  await expect(livy.batch(submitted.id)).rejects.toBeInstanceOf(LivyBatchNotFoundError);
}, 10 * 60_000);

test("a jar whose main class does not exist ends dead on YARN: Livy's log has only YARN's diagnostics (exit code 13, two attempts), the class is named in the driver's own log in YARN", async () => {
  const { livy, jarUrl } = await twinLivy();
  const submitted = await livy.submit({ file: jarUrl, className: "spark.kafka.NoSuchClass", name: `livy-dead-${run}` });
  const e = (await livy.follow(submitted.id, { timeoutMs: 300_000 }).catch((x: unknown) => x)) as LivyJobDeadError;
  expect(e).toBeInstanceOf(LivyJobDeadError);
  expect(e.batch.state).toBe("dead");
  expect(e.message).toMatch(/ended dead/);
  // Cluster mode, as on HDInsight: spark-submit's report of the application master's exit, YARN's
  // default of two attempts, and not the driver's exception.
  const appId = e.batch.appId!;
  expect(e.logTail.join("\n")).toContain(`Application ${appId} failed 2 times due to AM Container`);
  expect(e.logTail.join("\n")).toMatch(/exitCode: 13/);
  expect(e.logTail.join("\n")).not.toMatch(/NoSuchClass/);
  const driver = await docker(["exec", t.spark.head.container, "bash", "-lc", `yarn logs -applicationId ${appId} -am -1 -log_files stdout,stderr`]);
  expect(driver).toMatch(/java\.lang\.ClassNotFoundException: spark\.kafka\.NoSuchClass/);
}, 10 * 60_000);

test("Livy's own refusals through the gateway: a local path, an unknown batch, a POST without X-Requested-By (CSRF)", async () => {
  const { livy, jarUrl, trusted } = await twinLivy();
  // A path without a scheme is the cluster's default storage (HDFS here, wasbs on HDInsight); file: is the head node's disk.
  const local = (await livy.submit({ file: "file:///etc/passwd.jar", className: "x.Y" }).catch((x: unknown) => x)) as LivyRejectedError;
  expect(local).toBeInstanceOf(LivyRejectedError);
  expect(local.message).toMatch(/requirement failed: Local path \/etc\/passwd\.jar cannot be added to user sessions/);
  const missing = (await livy.batch(987654).catch((x: unknown) => x)) as LivyBatchNotFoundError;
  expect(missing).toBeInstanceOf(LivyBatchNotFoundError);
  expect(missing.message).toMatch(/Session '987654' not found/);
  // The gateway passes the request on; Livy itself refuses it.
  const auth = `Basic ${Buffer.from(`${t.endpoints.clusterLoginUser}:${TWIN_PASSWORD}`).toString("base64")}`;
  const raw = await trusted(`${t.spark.gatewayUrl}/livy/batches`, { method: "POST", headers: { Authorization: auth, "Content-Type": "application/json" }, body: JSON.stringify({ file: jarUrl }) });
  expect(raw.status).toBe(400);
  expect(await raw.text()).toMatch(/Missing Required Header for CSRF protection/);
  const stripping: typeof fetch = (url, init) => {
    const headers = { ...(init?.headers as Record<string, string>) };
    delete headers["X-Requested-By"];
    return trusted(url, { ...init, headers });
  };
  const before = await livyBatchTotal();
  const { livy: noHeader } = await twinLivy({ fetch: stripping });
  await expect(noHeader.submit({ file: jarUrl, className: "x.Y" })).rejects.toBeInstanceOf(LivyCsrfError);
  expect(await livyBatchTotal()).toBe(before);
}, 2 * 60_000);

test("the gateway refuses a wrong cluster password: 401 with its realm, named by the client, the password never in the message", async () => {
  const { livy: wrong, trusted } = await twinLivy({ password: "not-the-password-9" });
  const e = (await wrong.batch(0).catch((x: unknown) => x)) as HttpLoginError;
  expect(e).toBeInstanceOf(HttpLoginError);
  expect(e.service).toBe("Livy");
  expect(e.message).toMatch(/refused the login of user "admin" \(HTTP 401\) to read batch 0\. Check clusterLoginUser/);
  expect(e.message).not.toContain("not-the-password-9");
  const raw = await trusted(`${t.spark.gatewayUrl}/livy/batches`);
  expect({ status: raw.status, realm: raw.headers.get("www-authenticate") }).toEqual({ status: 401, realm: 'Basic realm="HDInsight"' });
}, 60_000);

test("Livy stopped behind the gateway: reads retried on the gateway's 502 with a doubling delay, then HttpRetriesExhaustedError (exit 8); a submit is never retried; started again, Livy answers", async () => {
  await docker(["exec", t.spark.head.container, "supervisorctl", "stop", "livy"]);
  try {
    const retries: string[] = [];
    const { livy: patient } = await twinLivy({ retries: 3, backoffMs: 50, onRetry: (r) => retries.push(`${r.attempt}/${r.attempts} after ${r.delayMs} ms`) });
    const e = (await patient.batch(987654).catch((x: unknown) => x)) as HttpRetriesExhaustedError;
    expect(e).toBeInstanceOf(HttpRetriesExhaustedError);
    expect(retries).toEqual(["1/4 after 50 ms", "2/4 after 100 ms", "3/4 after 200 ms"]);
    expect({ attempts: e.attempts, exitCode: e.exitCode }).toEqual({ attempts: 4, exitCode: EXIT.UNAVAILABLE });
    expect(e.message).toMatch(/^Gave up after 4 attempts .* to read batch 987654: Livy answered HTTP 502/);
    // A lost answer to a submit must not start the job twice: one attempt only.
    const { livy, jarUrl } = await twinLivy({ retries: 3, backoffMs: 50 });
    const once = (await livy.submit({ file: jarUrl, className: "x.Y", name: "livy-once" }).catch((x: unknown) => x)) as HttpRetriesExhaustedError;
    expect(once).toBeInstanceOf(HttpRetriesExhaustedError);
    expect(once.attempts).toBe(1);
    expect(once.message).toMatch(/^Gave up after 1 attempt /);
  } finally {
    await docker(["exec", t.spark.head.container, "supervisorctl", "start", "livy"]);
  }
  const { livy } = await twinLivy();
  await waitFor("Livy to answer through the gateway again", async () => ((await livy.batch(987654).catch((x: unknown) => x)) instanceof LivyBatchNotFoundError ? true : undefined), 120_000, 500);
  expect((await yarnApps()).filter((a) => a.name === "livy-once")).toEqual([]);
}, 5 * 60_000);

// ---- the Azure path's refusals and failures, on the twin ----------------------------------------

test("wordcount on a twin deployed before the sources changed (its jar's stamp another): refused with exit 29 before any topic or batch", async () => {
  const outputs = await twinOutputs(twin.env);
  const stale = { ...outputs, sparkJobJarUrl: `/${jobJarBlobName({ of: "sources", stamp: "0".repeat(64) })}` };
  const before = await livyBatchTotal();
  const r = await runMain(wordcountMain, ["--stack", TWIN_STACK, "--name", `stale-${run}`, "--lines", "100"], { env: { ...process.env, ...twin.env }, readStackOutputs: async () => stale });
  results.commands.push({ command: "npm run wordcount -- --stack twin (outputs of an older pulumi up)", exitCode: r.exitCode, seconds: r.seconds });
  expect(r.stderr).toContain("was built from other sources (stamp 0000000000000000)");
  expect(r.stderr).toContain("run `pulumi up` to build and upload the jar from yours");
  expect(r.exitCode).toBe(EXIT.STALE_JAR);
  expect(await livyBatchTotal()).toBe(before);
  const { kafka, close } = await twinKafka(twin.env);
  try {
    expect((await kafka.admin().listTopics().catch(() => [])).filter((x) => x.startsWith(`stale-${run}`))).toEqual([]);
  } finally {
    await close();
  }
}, 5 * 60_000);

test("wordcount --stack twin whose YARN application is killed while it starts: exit 23, with YARN's own diagnostics", async () => {
  const name = `azkill-${run}`;
  // Killed through the ResourceManager's REST API as soon as it is listed, as an operator or YARN's preemption would.
  const killer = waitFor(`the YARN application of ${name}`, async () => (await yarnApps("?states=NEW,NEW_SAVING,SUBMITTED,ACCEPTED,RUNNING")).find((a) => a.name === name)?.id, 300_000, 200)
    .then(async (id) => {
      await docker(["exec", t.spark.head.container, "curl", "-sf", "-X", "PUT", "-H", "Content-Type: application/json", "-d", '{"state":"KILLED"}', `http://${t.spark.head.fqdn}:8088/ws/v1/cluster/apps/${id}/state`]);
      return id;
    });
  const r = await command("wordcount", wordcountMain, ["--stack", TWIN_STACK, "--name", name, "--lines", "500", "--timeout", "600"]);
  const appId = await killer;
  expect(r.stderr).toMatch(new RegExp(`batch \\d+ \\(${name}\\) was killed \\(YARN application ${appId}\\); YARN says: Application ${appId} was killed by user`));
  expect(r.exitCode).toBe(EXIT.JOB_KILLED);
  expect(r.stderr).not.toContain(TWIN_PASSWORD);
}, 10 * 60_000);

test("submit --stack twin: a job of one's own that fails ends dead (22), and --status, --log and --stop say what Livy knows", async () => {
  const ledgerFile = join(mkdtempSync(join(tmpdir(), "twin-ledger-")), "livy-batches.json");
  const submit = async (argv: string[]) => {
    const r = await runMain(submitMain, argv, { env: { ...process.env, ...twin.env }, readStackOutputs: async () => ({}), ledger: (url) => fileBatchLedger(ledgerFile, url) });
    results.commands.push({ command: `npm run submit -- ${argv.join(" ")}`, exitCode: r.exitCode, seconds: r.seconds });
    return { code: r.exitCode, out: r.stdout, err: r.stderr };
  };
  const failing = await submit(["--stack", TWIN_STACK, "--py", join(ROOT, "tests", "fixtures", "failing_job.py"), "--follow"]);
  // Livy's log holds spark-submit's "User application exited with status 1"; the driver's own error
  // (with the KAFKA_BROKERS it was given) is read from YARN's log on the head node.
  const error = `ValueError: no topic named fixture-missing at ${BROKERS.join(",")}`;
  expect(failing.code).toBe(EXIT.JOB_DEAD);
  expect(failing.err).toMatch(/error: job "failing_job" died \(Livy batch \d+ dead, YARN application application_\d+_\d+\); its driver's log in YARN says:/);
  expect(failing.err).toContain(error);
  const dead = await submit(["--stack", TWIN_STACK, "--status", "--name", "failing_job"]);
  expect(dead.code).toBe(EXIT.OK);
  expect(dead.out).toMatch(/^job "failing_job" is not running: it died \(Livy batch \d+ dead, YARN application application_\d+_\d+\); its driver's log in YARN says:/);
  expect(dead.out).toContain(error);
  const log = await submit(["--stack", TWIN_STACK, "--log", "--name", "failing_job"]);
  expect(log.code).toBe(EXIT.OK);
  expect(log.out).toContain("User application exited with status 1");
  expect(log.out).toMatch(/--- the driver's own log in YARN \(application application_\d+_\d+\) ---/);
  expect(log.out).toContain(error);
  expect((await submit(["--stack", TWIN_STACK, "--stop", "--name", "failing_job"])).out).toBe('job "failing_job" was not running\n');
  const gone = await submit(["--stack", TWIN_STACK, "--status", "--name", "failing_job"]);
  expect(gone.out).toMatch(/Livy knows no batch of that name/);
  expect(Object.values(JSON.parse(readFileSync(ledgerFile, "utf8")) as Record<string, object>)).toEqual([{}]);
  for (const r of [failing, dead, log, gone]) expect(r.out + r.err).not.toContain(TWIN_PASSWORD);
}, 10 * 60_000);

test("results --stack twin reads the counts topic through the SSH gateway; --parquet is refused (a local stack's HDFS)", async () => {
  const expected = countWords([...sotuLines({ from: 2000, to: 2001 })]);
  const r = await command("results", resultsMain, ["--stack", TWIN_STACK, "--topic", "twinwc-counts", "--top", "5", "--json"]);
  expect(r.exitCode).toBe(0);
  expect(JSON.parse(r.stdout)).toEqual({ distinct: expected.size, total: totalOf(expected), top: topWords(expected, 5) });
  const parquet = await command("results", resultsMain, ["--stack", TWIN_STACK, "--parquet", "/x"]);
  expect(parquet.exitCode).toBe(EXIT.USAGE);
  expect(parquet.stderr).toContain(`results: error: --parquet reads the HDFS of a local stack; stack "${TWIN_STACK}"`);
}, 5 * 60_000);

test("notebook --stack twin uploads through Jupyter's contents API; all three then run through sparkmagic's PySpark3 kernel and Livy, %%configure -f as written, counting exactly", async () => {
  const uploaded = await command("notebook", notebookMain, ["--stack", TWIN_STACK, "--topic", `nb-${run}`]);
  expect(uploaded.exitCode).toBe(0);
  expect(uploaded.stdout).toBe(`${t.spark.gatewayUrl}/jupyter/tree/kafka-spark-lab\n`);
  const head = dockerShell(t.spark.head.container);
  const lines = [...sotuLines({ from: 2001, to: 2002 })];
  await docker(["exec", "-i", t.spark.head.container, "bash", "-c", "cat > /tmp/nb-text.txt && hdfs dfs -mkdir -p /kafka-spark-lab && hdfs dfs -put -f /tmp/nb-text.txt /kafka-spark-lab/nb-text.txt"], `${lines.join("\n")}\n`);
  const runOne = async (file: string, parameters: Record<string, string | number>) => {
    const started = Date.now();
    const nb = await runNotebook(head, `kafka-spark-lab/${file}`, parameters, 900, JUPYTER_DIR);
    const texts = cellTexts(nb);
    const kernel = (nb.metadata as { kernelspec?: { name?: string } }).kernelspec?.name;
    results.notebooks.push({ notebook: file, kernel: kernel ?? "?", seconds: Math.round((Date.now() - started) / 100) / 10 });
    expect({ file, kernel, failed: texts.filter((x) => /The code failed|Traceback|Error:/.test(x)) }).toEqual({ file, kernel: "pyspark3kernel", failed: [] });
    return texts;
  };
  const produced = await runOne("01-produce-lines.ipynb", { TEXT_PATH: "/kafka-spark-lab/nb-text.txt" });
  expect(produced.join("\n")).toContain(`TOPIC_RECORDS ${lines.length}`);
  const counted = countsJson(await runOne("02-wordcount.ipynb", { LIVE_SECONDS: 0 }));
  expect(sameCounts(new Map(Object.entries(counted as Record<string, number>)), countWords(lines))).toBe(true);
  const windows = countsJson(await runOne("03-windowed-events.ipynb", {})) as Record<string, Record<string, number>>;
  expect(Object.values(windows).flatMap((w) => Object.values(w)).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
}, 30 * 60_000);

test("a PySpark3 cell, run through sparkmagic and Livy as a notebook's cells are, reports the Python, Spark and JDK the notebooks run on", async () => {
  const cell = (source: string, tags: string[] = []) => ({ cell_type: "code", metadata: { tags }, source, outputs: [], execution_count: null });
  const nb = {
    cells: [cell('WHAT = "versions"', [PARAMETERS_TAG]), cell("import sys\nprint('PYTHON %d.%d.%d' % sys.version_info[:3])\nprint('SPARK ' + spark.version)\nprint('JDK ' + sc._jvm.java.lang.System.getProperty('java.version'))")],
    metadata: { kernelspec: { name: "pyspark3kernel", display_name: "PySpark3", language: "" } },
    nbformat: 4, nbformat_minor: 5,
  };
  const path = `versions-${run}.ipynb`;
  await docker(["exec", "-i", t.spark.head.container, "bash", "-c", `cat > ${JUPYTER_DIR}/${path}`], JSON.stringify(nb));
  const ran = await runNotebook(dockerShell(t.spark.head.container), path, {}, 600, JUPYTER_DIR);
  // A cell's outputs one after another: sparkmagic's progress widget, then what the cell printed.
  const said = cellTexts(ran).join("\n");
  const reported = (what: string) => new RegExp(`\\b${what} (\\S+)`).exec(said)?.[1];
  expect({ spark: reported("SPARK"), python: reported("PYTHON"), jdk: reported("JDK")?.split(".")[0] }).toEqual({ spark: TWIN_VERSIONS.spark, python: expect.stringMatching(/^3\.\d+\.\d+$/), jdk: TWIN_VERSIONS.jdk });
  Object.assign(results.versions, { pyspark3CellPython: reported("PYTHON")!, pyspark3CellSpark: reported("SPARK")!, pyspark3CellJdk: reported("JDK")! });
}, 10 * 60_000);

test("notebook --stack twin into a nested folder, then again: unchanged notebooks left as they are; one edited on the cluster: exit 28 naming it, --overwrite keeps it as a backup; a wrong password: exit 3", async () => {
  const folder = `course/week-${run}`;
  const trusted = fetchTrusting((await readTwinAccess(t.spark.head.container)).gatewayCertificate);
  const jupyter = new JupyterContentsClient({ baseUrl: `${t.spark.gatewayUrl}/jupyter`, user: t.endpoints.clusterLoginUser, password: TWIN_PASSWORD, fetch: trusted, retries: 0 });
  const readBack = async (path: string) => (await jupyter.get(path, { content: true }))?.content as Notebook;
  const upload = (extra: string[] = [], env: Record<string, string> = {}) => command("notebook", notebookMain, ["--stack", TWIN_STACK, "--folder", folder, ...extra], env);

  const first = await upload();
  expect(first.stderr).toContain(`created the folder ${folder}`);
  expect(first.exitCode).toBe(0);
  expect(first.stdout).toBe(`${t.spark.gatewayUrl}/jupyter/tree/${folder}\n`);
  // What Jupyter wrote to the head node's disk: valid nbformat 4 (the head node's own nbformat), filled for HDInsight.
  const files = NOTEBOOKS.map((n) => `${JUPYTER_DIR}/${folder}/${n.file}`);
  const validate = "import sys, nbformat\nfor f in sys.argv[1:]:\n    nbformat.validate(nbformat.read(f, as_version=4))\nprint('valid', len(sys.argv) - 1)";
  expect((await docker(["exec", t.spark.head.container, "python3", "-c", validate, ...files])).trim()).toBe(`valid ${files.length}`);
  for (const { file } of NOTEBOOKS) {
    const nb = await readBack(`${folder}/${file}`);
    expect(nb.metadata.kernelspec).toMatchObject({ name: "pyspark3kernel", display_name: "PySpark3" });
    expect(sourceOf(nb.cells.find((c) => (c.metadata.tags ?? []).includes(PARAMETERS_TAG))!)).toContain(`BROKERS = "${BROKERS.join(",")}"\n`);
  }

  // Run once on the cluster (outputs added): the same cells, so left as it is.
  const produce = `${folder}/01-produce-lines.ipynb`;
  const ran = await readBack(produce);
  ran.cells[3].outputs = [{ output_type: "stream", name: "stdout", text: "PRODUCED 10 lines\n" }];
  await jupyter.putNotebook(produce, ran);
  const again = await upload();
  expect(again.exitCode).toBe(0);
  expect(again.stderr).toContain(`${produce}: already there with the same cells, left as it is`);
  expect((await readBack(produce)).cells[3].outputs).toHaveLength(1);

  // Edited on the cluster: nothing uploaded, exit 28; --overwrite saves the cluster's copy as a backup.
  const wordcount = `${folder}/02-wordcount.ipynb`;
  const edited = await readBack(wordcount);
  edited.cells.push({ cell_type: "code", source: "print('my own analysis')", metadata: {}, outputs: [], execution_count: null, id: "mine" });
  await jupyter.putNotebook(wordcount, edited);
  const refused = await upload();
  expect(refused.exitCode).toBe(EXIT.NOTEBOOK_EXISTS);
  expect(refused.stderr).toContain(`notebook: error: ${wordcount} already exists on the cluster with other cells`);
  expect(refused.stderr).toContain("pass --overwrite");
  expect(notebookFingerprint(await readBack(wordcount))).toBe(notebookFingerprint(edited));
  const replaced = await upload(["--overwrite"]);
  expect(replaced.exitCode).toBe(0);
  const backup = new RegExp(`${wordcount.replace(/[.]/g, "\\.")}: replaced \\(the cluster's copy saved as (${folder}/02-wordcount\\.backup-\\d{8}-\\d{6}\\.ipynb)\\)`).exec(replaced.stderr)?.[1];
  expect(backup).toBeDefined();
  expect(notebookFingerprint(await readBack(backup!))).toBe(notebookFingerprint(edited));
  expect(sourceOf((await readBack(wordcount)).cells.at(-1)!)).not.toContain("my own analysis");

  // The gateway checks the login: a wrong password is refused (exit 3) and shown nowhere.
  const wrong = "Wr0ng-Pa55word-Here!";
  const refusedLogin = await upload([], { [TWIN_PASSWORD_VARIABLE]: wrong });
  expect(refusedLogin.exitCode).toBe(EXIT.LOGIN_REFUSED);
  for (const secret of [wrong, TWIN_PASSWORD]) expect(refusedLogin.stdout + refusedLogin.stderr).not.toContain(secret);
}, 5 * 60_000);

test("on a twin, status shows both clusters running from their containers, no cost, and the Spark gateway's pages answering", async () => {
  const status = await command("status", statusMain, ["--stack", TWIN_STACK, "--json"]);
  expect(status.exitCode).toBe(0);
  const s = JSON.parse(status.stdout);
  expect(s.target).toBe("twin");
  expect(s.nodes.map((n: { name: string; state: string }) => `${n.name} ${n.state}`)).toEqual([`${t.kafka.name} Running`, `${t.spark.name} Running`]);
  expect(s.cost).toBeUndefined();
  const cost = await command("cost", costMain, ["--stack", TWIN_STACK]);
  expect(cost).toMatchObject({ exitCode: 0, stdout: `Stack "${TWIN_STACK}" is an HDInsight 5.1 twin on the local Docker engine: it runs on your machine, no cloud cost.\n` });
  const extend = await command("extend", extendMain, ["--stack", TWIN_STACK, "--by", "1h"]);
  expect({ exitCode: extend.exitCode, stderr: extend.stderr }).toEqual({ exitCode: EXIT.AZURE_ONLY, stderr: expect.stringContaining(`stack "${TWIN_STACK}" is a twin (HDInsight 5.1 on the local Docker engine): only Azure stacks have a deadline`) });
}, 5 * 60_000);

test("teardown --stack twin --yes: every container, the network and the data volumes gone, checked by the project's labels afterwards", async () => {
  const r = await command("teardown", teardownMain, ["--stack", TWIN_STACK, "--yes"]);
  expect(r.stderr).not.toMatch(/error:/);
  expect(r.exitCode).toBe(0);
  expect(r.stdout).toContain(`Stack "${TWIN_STACK}" (twin)`);
  expect(await twinLeftovers()).toEqual({ containers: [], networks: [], volumes: [] });
}, 5 * 60_000);
