/**
 * The Azure path against the HDInsight 5.1 twin (stacks/twin/), brought up from its compose file:
 * the versions as the running services report them, then the commands a user runs on Azure, with
 * `--stack twin` and nothing else changed: the brokers from the twin's Ambari through its HTTPS
 * gateway (Basic auth, the cluster login), topics and a load through the head node's sshd, and what
 * only Azure has refused by name. Writes tests/results/twin.json. Needs a Docker engine and the
 * debian:bullseye and debian:bookworm base images.
 */
import { writeFileSync } from "fs";
import execa from "execa";
import { join } from "path";
import { docker, progress, ROOT } from "./support/docker";
import { bringUpTwin, inTwinNetwork, removeTwin, topicRecords, twinTopology, TWIN_STACK, type TwinUp } from "./support/twin";
import { runMain, type MainRun } from "./support/commands";
import { main as brokersMain } from "../scripts/brokers";
import { main as topicsMain } from "../scripts/topics";
import { main as loadMain } from "../scripts/load";
import { main as statusMain } from "../scripts/status";
import { main as costMain } from "../scripts/cost";
import { TWIN_VERSIONS, KAFKA_BROKER_PROPERTIES } from "../stacks/twin/topology";
import { EXIT } from "../lib/errors";

const t = twinTopology;
const BROKERS = t.kafka.brokers.map((b) => `${b.fqdn}:9092`);
const run = `${Date.now()}`;
let twin: TwinUp;

/** What tests/results/twin.json says: filled in as the tests go. */
const results = {
  date: new Date().toISOString().slice(0, 10),
  stack: TWIN_STACK,
  healthySeconds: 0,
  versions: {} as Record<string, string>,
  commands: [] as { command: string; exitCode: number; seconds: number; note?: string }[],
  counts: [] as { what: string; sent: number; inTopic: number; exact: boolean }[],
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
  for (const b of t.kafka.brokers) {
    const log = await docker(["logs", b.container]);
    const version = /Kafka version: (\S+)/.exec(log)?.[1];
    kafka.push(`${b.hostname} ${version}`);
    expect({ broker: b.hostname, version }).toEqual({ broker: b.hostname, version: TWIN_VERSIONS.kafka });
    expect(log).toMatch(/\[KafkaServer id=100[1-3]\] started/);
  }
  const zookeeper = /zookeeper\.version=([\d.]+)/.exec(await docker(["logs", t.kafka.zookeepers[0].container]))?.[1];
  expect(zookeeper).toBe(TWIN_VERSIONS.zookeeper);
  const { stderr } = await execa("docker", ["exec", t.kafka.brokers[0].container, "java", "-version"]);
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
  expect(created.stderr).toContain(`twin stack "${TWIN_STACK}": 3 brokers through sshuser@127.0.0.1:${t.endpoints.kafkaSshPort}`);
  const described = await docker(["exec", t.kafka.brokers[0].container, "java", "-Dlog4j.configuration=file:/etc/twin/log4j.properties", "-cp", "/usr/local/kafka/libs/*", "kafka.admin.TopicCommand", "--bootstrap-server", "localhost:9092", "--describe", "--topic", topic]);
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
  await docker(["exec", t.kafka.brokers[0].container, "java", "-Dlog4j.configuration=file:/etc/twin/log4j.properties", "-cp", "/usr/local/kafka/libs/*", "kafka.admin.TopicCommand", "--bootstrap-server", "localhost:9092", "--create", "--topic", topic, "--partitions", "3", "--replication-factor", "3"]);
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

test("on a twin, status refuses what only Azure has (ARM) by name with its own exit code, and cost says it costs nothing", async () => {
  const status = await command("status", statusMain, ["--stack", TWIN_STACK]);
  expect({ exitCode: status.exitCode, stderr: status.stderr }).toEqual({ exitCode: EXIT.AZURE_ONLY, stderr: expect.stringContaining(`Stack "${TWIN_STACK}" is a twin (HDInsight 5.1 on this machine's Docker engine): it has no resourceGroupId, since only Azure has Azure Resource Manager resources`) });
  const cost = await command("cost", costMain, ["--stack", TWIN_STACK]);
  expect(cost).toMatchObject({ exitCode: 0, stdout: `Stack "${TWIN_STACK}" is an HDInsight 5.1 twin on the local Docker engine: it runs on your machine, no cloud cost.\n` });
}, 60_000);
