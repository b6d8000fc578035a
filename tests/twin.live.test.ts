/**
 * The Azure path against the HDInsight 5.1 twin (stacks/twin/), brought up from its compose file:
 * the versions as the running services report them, then the commands a user runs on Azure, with
 * `--stack twin` and nothing else changed: the brokers from the twin's Ambari through its HTTPS
 * gateway (Basic auth, the cluster login), topics and a load through the head node's sshd, and what
 * only Azure has refused by name. Writes tests/results/twin.json. Needs a Docker engine and the
 * debian:bullseye and debian:bookworm base images.
 */
import { mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import execa from "execa";
import { join } from "path";
import { docker, progress, ROOT, waitFor } from "./support/docker";
import { bringUpTwin, inTwinNetwork, removeTwin, sparkGateway, topicRecords, twinKafka, twinTopology, TWIN_STACK, type TwinUp } from "./support/twin";
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
import { buildWordCountJar } from "../stacks/jobJar";
import { dockerShell } from "../jobs/local/shell";
import { cellTexts, runNotebook } from "../jobs/notebooks/headless";
import { sotuLines } from "../jobs/text/corpus";
import { readCountsTopic, sameCounts, totalOf } from "../jobs/wordcount/results";
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
  expect(text(outputs[0])).toBe("3.3.1");
  expect(text(outputs[1])).toBe("3.3.4");
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
  const left = (args: string[]) => docker([...args, "--filter", `label=kafka-spark-lab.stack=${TWIN_STACK}`, "--format", "{{.Names}}"]).then((o) => o.split("\n").filter(Boolean));
  const [containers, networks] = await Promise.all([left(["ps", "-a"]), left(["network", "ls"])]);
  const volumes = (await docker(["volume", "ls", "--filter", `label=kafka-spark-lab.stack=${TWIN_STACK}`, "--format", "{{.Name}}"])).split("\n").filter(Boolean);
  expect({ containers, networks, volumes }).toEqual({ containers: [], networks: [], volumes: [] });
}, 5 * 60_000);
