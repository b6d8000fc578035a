/**
 * How the Livy runner finds "its" job again: by the batch name Livy 0.6+ reports, and on Livy 0.5
 * (HDInsight 5.1), which lists batches without names, by the ids this machine recorded when it
 * submitted them. The ledger is a real file; Livy is a stand-in holding the batch list (Livy 0.5
 * cannot run here: it refuses Spark 3), answering as Livy's API documents.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { livyRunner } from "../jobs/spark/runners";
import { fileBatchLedger } from "../jobs/spark/control";
import { type Batch, killedWhileSubmitted, LivyClient, yarnDiagnostics, LivyJobDeadError, LivyJobKilledError } from "../jobs/spark/livy";
import { pipelineJob } from "../jobs/wordcount/pipeline";

let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), "ledger-")); });
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A Livy holding `batches`; kill removes one, submit adds one (ids go on from 100). */
function livyHolding(batches: Batch[]) {
  const killed: number[] = [];
  let next = 100;
  const livy = {
    baseUrl: "https://spark-lab.azurehdinsight.net/livy",
    batches: async () => batches.map((b) => ({ ...b })),
    kill: async (id: number) => { killed.push(id); batches.splice(batches.findIndex((b) => b.id === id), 1); return "killed" as const; },
    submit: async () => { const b: Batch = { id: next++, state: "starting" }; batches.push(b); return b; },
    follow: async (id: number) => { const b = batches.find((x) => x.id === id)!; b.state = "running"; return b; },
  };
  return { livy: livy as unknown as LivyClient, killed, batches };
}

const runner = (livy: LivyClient, path: string) => livyRunner({ livy, ledger: fileBatchLedger(path, livy.baseUrl), jar: async () => "wasbs:///job.jar", shufflePartitions: 4, commandHint: () => "" });

test("Livy 0.5 (no names): a submitted batch is found again by its recorded id, and only that one is stopped", async () => {
  const path = join(dir, "ledger.json");
  const { livy, killed, batches } = livyHolding([{ id: 7, state: "running" }]);
  const r = runner(livy, path);
  await r.prepare(() => undefined);
  await r.start(pipelineJob("wc", "run1"), "b:9092", () => undefined);
  expect(JSON.parse(readFileSync(path, "utf8"))).toEqual({ [livy.baseUrl]: { wc: [100] } });
  // A second command (new runner, same file) sees it; batch 7 (someone else's) is not ours.
  expect(await runner(livy, path).state("wc")).toEqual({ running: true, said: 'job "wc" is running (Livy batch 100 running)' });
  expect(await runner(livy, path).stop("wc", () => undefined)).toEqual({ wasRunning: true, said: 'job "wc" stopped (Livy batch 100 killed)' });
  expect(killed).toEqual([100]);
  expect(batches.map((b) => b.id)).toEqual([7]);
  expect(JSON.parse(readFileSync(path, "utf8"))).toEqual({ [livy.baseUrl]: {} });
});

test("Livy 0.6+ (names): batches of the name are stopped, finished ones forgotten; a recorded id Livy forgot leaves the ledger", async () => {
  const path = join(dir, "ledger.json");
  const ledger = fileBatchLedger(path, "https://spark-lab.azurehdinsight.net/livy");
  ledger.record("wc", 3); // Livy no longer knows batch 3 (its retain time passed)
  const { livy, killed } = livyHolding([{ id: 4, name: "wc", state: "dead" }, { id: 5, name: "wc", state: "running" }, { id: 6, name: "other", state: "running" }]);
  const notes: string[] = [];
  expect(await runner(livy, path).stop("wc", (m) => notes.push(m))).toEqual({ wasRunning: true, said: 'job "wc" stopped (Livy batch 5 killed)' });
  expect(killed).toEqual([4, 5]);
  expect(notes).toEqual(["Livy batch 4 (dead) forgotten", "Livy batch 5 (running) killed"]);
  expect(ledger.ids("wc")).toEqual([]);
  // Nothing of the name left: a second stop says so.
  expect(await runner(livy, path).stop("wc", () => undefined)).toEqual({ wasRunning: false, said: 'job "wc" was not running' });
});

test("a ledger file that is missing or unreadable is an empty ledger, and is rewritten on the next record", () => {
  const path = join(dir, "sub", "ledger.json");
  const ledger = fileBatchLedger(path, "http://livy:8998");
  expect(ledger.ids("wc")).toEqual([]);
  ledger.record("wc", 1);
  ledger.record("wc", 2);
  ledger.record("wc", 1);
  expect(ledger.ids("wc")).toEqual([2, 1]);
  expect(fileBatchLedger(path, "http://other:8998").ids("wc")).toEqual([]);
  writeFileSync(path, "{not json");
  expect(ledger.ids("wc")).toEqual([]);
  ledger.record("wc", 3);
  expect(JSON.parse(readFileSync(path, "utf8"))).toEqual({ "http://livy:8998": { wc: [3] } });
});

test("YARN's diagnostics are the lines Livy appends under 'YARN Diagnostics:' (the log as Livy 0.7.1 ends a killed YARN batch)", () => {
  const log = [
    "26/12/06 15:58:12 INFO ShutdownHookManager: Shutdown hook called",
    "\nstderr: ",
    "\nYARN Diagnostics: ",
    "Application application_1796572664572_0001 was killed by user root at 192.168.32.4",
  ];
  expect(yarnDiagnostics(log)).toEqual(["Application application_1796572664572_0001 was killed by user root at 192.168.32.4"]);
  expect(yarnDiagnostics(["stdout: ", "\nstderr: "])).toEqual([]);
  expect(yarnDiagnostics(["\nYARN Diagnostics: "])).toEqual([]);
});

/** Livy 0.7.1's log of a YARN-cluster batch whose application was killed before YARN accepted it (a real run's lines). */
const KILLED_WHILE_SUBMITTED = [
  "26/12/06 18:22:40 INFO Client: Submitting application application_1796581168959_0002 to ResourceManager",
  "26/12/06 18:22:40 INFO Client: Deleted staging directory hdfs://hadoop-master:9000/user/root/.sparkStaging/application_1796581168959_0002",
  'Exception in thread "main" org.apache.hadoop.yarn.exceptions.YarnException: Failed to submit application_1796581168959_0002 to YARN : Application application_1796581168959_0002 was killed by user root',
  "\tat org.apache.hadoop.yarn.client.api.impl.YarnClientImpl.submitApplication(YarnClientImpl.java:336)",
  "\nstderr: ",
  "\nYARN Diagnostics: ",
  "spark-submit start failed",
];

test("an application killed before YARN accepted it: spark-submit's exception names it; any other failure is not a kill", () => {
  expect(killedWhileSubmitted(KILLED_WHILE_SUBMITTED)).toEqual({ appId: "application_1796581168959_0002", diagnostics: ["Application application_1796581168959_0002 was killed by user root"] });
  expect(killedWhileSubmitted(["Exception in thread \"main\" org.apache.hadoop.yarn.exceptions.YarnException: Failed to submit application_1_0001 to YARN : Queue default is STOPPED"])).toBeUndefined();
  expect(killedWhileSubmitted(["java.lang.ClassNotFoundException: spark.kafka.Nope"])).toBeUndefined();
});

test("follow: a batch Livy calls dead because its application was killed while submitted is reported killed (exit 23), with YARN's words", async () => {
  const answers: Record<string, unknown> = {
    "/batches/3": { id: 3, name: "azkill", state: "dead", appId: null },
    "/batches/3/log": { id: 3, from: 0, total: KILLED_WHILE_SUBMITTED.length, log: KILLED_WHILE_SUBMITTED },
  };
  const fakeFetch = (async (url: string) => new Response(JSON.stringify(answers[new URL(url).pathname]), { status: 200 })) as unknown as typeof fetch;
  const livy = new LivyClient({ baseUrl: "http://livy.test:8998", fetch: fakeFetch });
  const error = await livy.follow(3, { until: ["running"] }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(LivyJobKilledError);
  expect((error as LivyJobKilledError).exitCode).toBe(23);
  expect((error as Error).message).toBe("batch 3 (azkill) was killed (YARN application application_1796581168959_0002); YARN says: Application application_1796581168959_0002 was killed by user root");
  answers["/batches/3/log"] = { id: 3, from: 0, total: 1, log: ["java.lang.ClassNotFoundException: spark.kafka.Nope"] };
  expect(await livy.follow(3, { until: ["running"] }).catch((e: unknown) => e)).toBeInstanceOf(LivyJobDeadError);
});

test("the word count's batch dies while starting (cluster mode): the error is the driver's own lines from YARN, not spark-submit's report", async () => {
  const path = join(dir, "ledger.json");
  const batch: Batch = { id: 100, name: "wc", state: "dead", appId: "application_1_0001" };
  const livy = {
    baseUrl: "https://spark-lab.azurehdinsight.net/livy",
    submit: async () => ({ ...batch, state: "starting" }),
    follow: async () => { throw new LivyJobDeadError("batch 100 ended dead", batch, ["User application exited with status 1"]); },
    log: async () => ({ from: 0, total: 1, log: ["YARN Diagnostics: ", "User class threw exception: org.apache.spark.sql.AnalysisException: Failed to find data source: kafka."] }),
  } as unknown as LivyClient;
  const read: string[] = [];
  const r = livyRunner({ livy, ledger: fileBatchLedger(path, livy.baseUrl), jar: async () => "wasbs:///job.jar", shufflePartitions: 4, commandHint: (a, n) => `npm run wordcount -- --${a} --name ${n}`,
    driverLog: async (appId) => { read.push(appId); return ["INFO ApplicationMaster: Final app status: FAILED", "org.apache.kafka.common.errors.TimeoutException: Timed out waiting for a node assignment."]; } });
  await r.prepare(() => undefined);
  const e = (await r.start(pipelineJob("wc", "run1"), "b:9092", () => undefined).catch((x: unknown) => x)) as LivyJobDeadError;
  expect(e).toBeInstanceOf(LivyJobDeadError);
  expect(e.exitCode).toBe(22);
  expect(read).toEqual(["application_1_0001"]);
  expect(e.message).toBe('job "wc" died (Livy batch 100 dead, YARN application application_1_0001); its driver\'s log in YARN says:\n  org.apache.kafka.common.errors.TimeoutException: Timed out waiting for a node assignment.\nIts log: npm run wordcount -- --log --name wc');
});
