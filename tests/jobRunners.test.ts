/**
 * How the Livy runner finds "its" job again: by the batch name Livy 0.6+ reports, and on Livy 0.5
 * (HDInsight 5.1), which lists batches without names, by the ids this machine recorded when it
 * submitted them. The ledger is a real file; Livy is a stand-in holding the batch list (Livy 0.5
 * cannot run here: it refuses Spark 3), answering as Livy's API documents.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileBatchLedger, livyRunner } from "../jobs/jobRunners";
import { type Batch, type LivyClient, yarnDiagnostics } from "../jobs/livy";
import { pipelineJob } from "../jobs/wordcountPipeline";

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
  expect(await runner(livy, path).status("wc")).toEqual(["Livy batch 100 running"]);
  expect(await runner(livy, path).stop("wc", () => undefined)).toBe(true);
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
  expect(await runner(livy, path).stop("wc", (m) => notes.push(m))).toBe(true);
  expect(killed).toEqual([4, 5]);
  expect(notes).toEqual(["Livy batch 4 (dead) forgotten", "Livy batch 5 (running) killed"]);
  expect(ledger.ids("wc")).toEqual([]);
  // Nothing of the name left: a second stop says so.
  expect(await runner(livy, path).stop("wc", () => undefined)).toBe(false);
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
