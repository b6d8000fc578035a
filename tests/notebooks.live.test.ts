/**
 * The notebooks on the real local stack, as a user opens them: `npm run notebook` uploads them to
 * the master's JupyterLab (the brokers filled in) and prints the one URL with the token; then each
 * runs headless (nbconvert in the master, the notebook service's kernel with `spark` ready), in
 * order, and the counts it shows equal independent counts of its input: a real text for the word
 * count (a file of State of the Union sentences as TEXT_PATH), the events in the topic for the
 * per-minute counts. Needs a Docker engine and the debian:bookworm base image.
 */
import execa from "execa";
import { Kafka, logLevel } from "kafkajs";
import { PROJECT } from "../stacks/config";
import { describeTopology } from "../stacks/local/topology";
import { IMAGE_CONTEXT } from "../stacks/local/image";
import { sotuLines } from "../jobs/text/corpus";
import { dockerShell } from "../jobs/local/shell";
import { cellTexts, runNotebook } from "../jobs/notebooks/headless";
import { readCountsTopic, sameCounts } from "../jobs/wordcount/results";
import { main as notebook } from "../scripts/notebook";
import { writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { bringUpCluster, inNode, progress } from "./support/docker";
import { countWords } from "./support/wordCount";
import { runMain } from "./support/commands";

const topology = describeTopology({ project: PROJECT, stack: "dev" });
const MASTER = topology.endpoints.containerNames[0];
const shell = dockerShell(MASTER);
const kafka = new Kafka({ clientId: "notebooks-live", brokers: topology.endpoints.bootstrapServersHost.split(","), logLevel: logLevel.NOTHING });
const run = `${Date.now()}`;
const FOLDER = `ci-${run}`;
const PREFIX = `nb${run}`;
// A real text: the addresses of 2001-2004, one sentence a line.
const LINES = [...sotuLines({ from: 2001, to: 2004 })];
const TEXT_FILE = `/data/notebooks/${FOLDER}/text.txt`;

/** The JSON after `COUNTS_JSON ` in a notebook's outputs (its last cell prints it). */
function countsJson(texts: string[]): unknown {
  const line = texts.join("\n").split("\n").find((l) => l.startsWith("COUNTS_JSON "));
  if (!line) throw new Error(`no COUNTS_JSON line in the notebook's outputs:\n${texts.join("\n").slice(-2000)}`);
  return JSON.parse(line.slice("COUNTS_JSON ".length));
}

let printed = { code: -1, out: "", err: "" };
/** What each notebook showed, for docs/notebooks.md and the README (npm run docs renders tests/results/notebooks.json). */
const RESULTS = join(__dirname, "results", "notebooks.json");
const runs: { notebook: string; input: string; shown: string; seconds: number }[] = [];
let table = "";
const timed = async <T>(work: () => Promise<T>): Promise<[T, number]> => { const t = Date.now(); const r = await work(); return [r, (Date.now() - t) / 1000]; };
let memory = { serverMb: 0, kernelPeakMb: 0 };

/**
 * While `work` runs, samples every 0.5 s in the master the resident memory of the notebook kernel
 * (ipykernel and its Spark driver JVM, "pyspark-shell") and of the Jupyter server; the peaks, in MB.
 */
async function sampleMemory<T>(work: () => Promise<T>): Promise<[T, { serverMb: number; kernelPeakMb: number }]> {
  const flag = `/tmp/notebooks-live-sampler-${run}`;
  const awk = "awk '/ipykernel_launcher|pyspark-shell/ && !/awk/ {k+=$1} /-m jupyterlab/ && !/awk/ {s+=$1} END {print k+0, s+0}'";
  const sampler = execa("docker", ["exec", MASTER, "bash", "-c", `while [ ! -f ${flag} ]; do ps -eo rss=,args= | ${awk}; sleep 0.5; done; rm -f ${flag}`]);
  try {
    const result = await work();
    await inNode(MASTER, `touch ${flag}`);
    const lines = (await sampler).stdout.split("\n").filter(Boolean).map((l) => l.split(" ").map(Number));
    const peak = (i: number) => Math.round(Math.max(0, ...lines.map((l) => l[i])) / 1024);
    return [result, { kernelPeakMb: peak(0), serverMb: peak(1) }];
  } finally {
    sampler.kill();
  }
}

afterAll(() => {
  if (runs.length < 3) return;
  const machine = { cpus: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version };
  writeFileSync(RESULTS, `${JSON.stringify({ date: new Date().toISOString().slice(0, 10), machine, runs, table, memory }, null, 2)}\n`);
});

beforeAll(async () => {
  await bringUpCluster(topology.image, IMAGE_CONTEXT, topology.endpoints.containerNames, { reuse: true });
  const r = await runMain(notebook, ["--folder", FOLDER, "--topic", PREFIX]);
  printed = { code: r.exitCode, out: r.stdout, err: r.stderr };
  await inNode(MASTER, `cat > ${TEXT_FILE}`, `${LINES.join("\n")}\n`);
}, 20 * 60_000);

test("npm run notebook uploads the three notebooks and prints the URL to open with the token, the token nowhere else", async () => {
  expect(printed.err).not.toMatch(/error:/);
  expect(printed.code).toBe(0);
  const token = (await shell.run("cat /data/jupyter/token")).trim();
  expect(token).toMatch(/^[0-9a-f]{48}$/);
  expect(printed.out).toBe(`http://127.0.0.1:8888/lab/tree/${FOLDER}?token=${token}\n`);
  expect(printed.err).not.toContain(token);
  for (const f of ["01-produce-lines", "02-wordcount", "03-windowed-events"]) expect(printed.err).toContain(`${FOLDER}/${f}.ipynb: uploaded`);
  // The token opens Jupyter; without it, its API refuses.
  expect((await fetch(`http://127.0.0.1:8888/api/contents/${FOLDER}?token=${token}`)).status).toBe(200);
  expect((await fetch(`http://127.0.0.1:8888/api/contents/${FOLDER}`)).status).toBe(403);
  // Jupyter prints its URLs with the token at start: the node's log shows <token> instead.
  const logs = await execa("docker", ["logs", MASTER], { all: true });
  expect(logs.all).toMatch(/lab\?token=/);
  expect(logs.all).not.toContain(token);
});

test("01 produces the text's lines, 02 counts them exactly as an independent count does", async () => {
  const [produced, s1] = await timed(async () => cellTexts(await runNotebook(shell, `${FOLDER}/01-produce-lines.ipynb`, { TEXT_PATH: `file://${TEXT_FILE}` })));
  expect(produced.join("\n")).toContain(`TOPIC_RECORDS ${LINES.length}`);
  const [[texts, mem], s2] = await timed(() => sampleMemory(async () => cellTexts(await runNotebook(shell, `${FOLDER}/02-wordcount.ipynb`, { LIVE_SECONDS: 0 }))));
  memory = mem;
  progress(`02-wordcount: the kernel's peak memory ${mem.kernelPeakMb} MB (ipykernel + its Spark driver), the Jupyter server's ${mem.serverMb} MB`);
  // Both really measured: a kernel with a JVM takes hundreds of MB, the server tens.
  expect(mem.kernelPeakMb).toBeGreaterThan(200);
  expect(mem.serverMb).toBeGreaterThan(20);
  const expected = countWords(LINES);
  const shown = new Map(Object.entries(countsJson(texts) as Record<string, number>));
  progress(`02-wordcount: ${shown.size} distinct words of ${LINES.length} lines (independent count: ${expected.size})`);
  expect(expected.size).toBeGreaterThan(3000);
  expect(sameCounts(shown, expected)).toBe(true);
  // Its Kafka sink too: the latest count per word in <topic>-counts.
  expect(sameCounts(await readCountsTopic(kafka, `${PREFIX}-lines-counts`), expected)).toBe(true);
  runs.push({ notebook: "01-produce-lines", input: `${LINES.length.toLocaleString("en-US")} sentences of the 2001-2004 State of the Union addresses (TEXT_PATH)`, shown: `TOPIC_RECORDS ${LINES.length}`, seconds: s1 });
  runs.push({ notebook: "02-wordcount", input: "that topic, as a stream", shown: `${shown.size.toLocaleString("en-US")} distinct words, ${[...shown.values()].reduce((a, b) => a + b, 0).toLocaleString("en-US")} in all: equal to an independent count, in the notebook and in its counts topic`, seconds: s2 });
  // The table as the cell printed it, without the log lines Spark writes in the same output.
  table = (texts.find((t) => t.includes("+----")) ?? "").split("\n").filter((l) => /^[+|]/.test(l)).join("\n");
}, 10 * 60_000);

test("a kernel that cannot reach Kafka says so in the cell's output: the address it tried and the fix", async () => {
  const failed = runNotebook(shell, `${FOLDER}/01-produce-lines.ipynb`, { BROKERS: "hadoop-master:1" });
  await expect(failed).rejects.toThrow(/Cannot reach Kafka at hadoop-master:1 \(tried for 15 s\)/);
  await expect(failed).rejects.toThrow(/Fix: BROKERS in the parameters cell must be the brokers as the cluster reaches them/);
}, 5 * 60_000);

test("03 counts the events it produced per minute, as an independent count of the topic's events does", async () => {
  const [texts, seconds] = await timed(async () => cellTexts(await runNotebook(shell, `${FOLDER}/03-windowed-events.ipynb`)));
  const counted = countsJson(texts);
  // Independently: every event in the topic, counted per UTC minute and word.
  const consumer = kafka.consumer({ groupId: `notebooks-live-${run}` });
  const expected: Record<string, Record<string, number>> = {};
  let seen = 0;
  const admin = kafka.admin();
  await admin.connect();
  const total = (await admin.fetchTopicOffsets(`${PREFIX}-events`)).reduce((n, p) => n + Number(p.high), 0);
  await admin.disconnect();
  await consumer.connect();
  await consumer.subscribe({ topic: `${PREFIX}-events`, fromBeginning: true });
  await new Promise<void>((done) => {
    void consumer.run({ eachMessage: async ({ message }) => {
      const e = JSON.parse(message.value!.toString()) as { time: string; word: string };
      const minute = `${new Date(e.time).toISOString().slice(0, 16)}:00Z`;
      (expected[minute] ??= {})[e.word] = (expected[minute][e.word] ?? 0) + 1;
      if (++seen === total) done();
    } });
  });
  await consumer.disconnect();
  expect(total).toBeGreaterThan(0);
  expect(counted).toEqual(expected);
  runs.push({ notebook: "03-windowed-events", input: `${total} JSON events it produced`, shown: `${Object.keys(expected).length} one-minute windows: equal to an independent count of the topic's events`, seconds });
}, 10 * 60_000);
