/**
 * The benchmark figures as people read them, rendered from bench/results.json only: the docs'
 * tables (docs/benchmarks.md) and the README's summary are generated from here (npm run docs), so
 * no figure is typed by hand.
 */
import { markdownTable } from "../util/table";

interface Machine { cpus: number; cpuModel?: string; memoryGiB: number; node: string }
interface Part { date: string; machine: Machine }

interface DemoRun { wallSeconds: number; steps: Record<string, string> }

export interface BenchResults {
  loader?: Part & {
    records: number; recordSize: number; rounds: number; runs: Record<string, number[]>;
    producerPerformanceRecordsPerSecond: number; loaderRecordsPerSecond: number; loaderOneProducerRecordsPerSecond?: number; platformaticRecordsPerSecond?: number; ratio: number;
    loaderPlatformaticRecordsPerSecond?: number; ratioPlatformatic?: number;
  };
  bigfile?: Part & { gigabytes: number; records: number; recordsPerSecond: number; peakRssMb: number; smaller?: { gigabytes: number; records: number; recordsPerSecond: number; peakRssMb: number } };
  warm?: Part & { stackDown: DemoRun; stackUp: DemoRun };
  cold?: Part & { wallSeconds: number; before: Record<string, string>; demo: DemoRun };
  latency?: Part & { rateLinesPerSecond: number; seconds: number; probes: number; trigger: string; shufflePartitions?: number; checkpoint?: string; p50: number; p95: number; max: number };
  first?: Part & { firstBatchSeconds?: number; firstCountSeconds: number; countedAfterLoadSeconds?: number; countedAfterLoadLines?: number; checkpoint?: string };
  demo?: Part & { wallSeconds: number; steps: Record<string, string> };
}

/** Flat: ten times the file, at most a quarter more memory at the peak (the GC's slack, not the file). */
const memoryFlat = (b: NonNullable<BenchResults["bigfile"]>) => b.smaller !== undefined && b.peakRssMb <= b.smaller.peakRssMb * 1.25;

const n = (x: number) => Math.round(x).toLocaleString("en-US");
const s = (x: number) => `${x.toFixed(2)} s`;
const on = (p: Part) => `${p.date}, ${p.machine.cpus} cores, ${p.machine.memoryGiB} GiB, Node ${p.machine.node}`;

/** Every measured figure with its date and machine: docs/benchmarks.md. */
export function benchmarksTable(r: BenchResults): string {
  const rows: string[][] = [];
  if (r.loader) {
    const l = r.loader;
    const runs = (k: string) => (l.runs[k] ? ` (runs: ${l.runs[k].map(n).join(", ")})` : "");
    rows.push([`npm run load (kafkajs, 3 producers in worker threads, idempotent, acks=all), ${n(l.records)} records of ${l.recordSize} B, best of ${l.rounds}`, `${n(l.loaderRecordsPerSecond)} records/s${runs("loader")}`, "", on(l)]);
    if (l.loaderOneProducerRecordsPerSecond !== undefined) rows.push(["npm run load --producers 1 (kafkajs, one producer)", `${n(l.loaderOneProducerRecordsPerSecond)} records/s${runs("loaderOneProducer")}`, "", on(l)]);
    if (l.loaderPlatformaticRecordsPerSecond !== undefined) rows.push(["npm run load --client platformatic (@platformatic/kafka, one request in flight per partition)", `${n(l.loaderPlatformaticRecordsPerSecond)} records/s${runs("loaderPlatformatic")}`, "", on(l)]);
    if (l.platformaticRecordsPerSecond !== undefined) rows.push(["@platformatic/kafka alone, one producer, 12 requests in flight, same file and batches", `${n(l.platformaticRecordsPerSecond)} records/s${runs("platformatic")}`, "", on(l)]);
    rows.push([`Kafka's ProducerPerformance, same topic layout, batch.size=262144 linger.ms=10, best of ${l.rounds}`, `${n(l.producerPerformanceRecordsPerSecond)} records/s${runs("producerPerformance")}`, "", on(l)]);
    rows.push(["ratio loader (kafkajs, the default) / ProducerPerformance", l.ratio.toFixed(2), l.ratio >= 0.6 ? ">= 0.6: met" : ">= 0.6: not met", on(l)]);
    if (l.ratioPlatformatic !== undefined) rows.push(["ratio load --client platformatic / ProducerPerformance", l.ratioPlatformatic.toFixed(2), `>= 0.6: ${l.ratioPlatformatic >= 0.6 ? "met" : "not met"}; >= 0.8 (moonshot): ${l.ratioPlatformatic >= 0.8 ? "met" : "not met"}`, on(l)]);
  }
  if (r.bigfile) {
    const b = r.bigfile;
    rows.push([`npm run load on a ${b.gigabytes} GB file (${n(b.records)} lines)`, `${n(b.recordsPerSecond)} records/s, peak memory ${b.peakRssMb} MB`, b.smaller ? `memory flat: ${memoryFlat(b) ? "met" : "not met"}` : "memory flat: not measured", on(b)]);
    if (b.smaller) rows.push([`  the same on a ${b.smaller.gigabytes} GB file, for comparison`, `${n(b.smaller.recordsPerSecond)} records/s, peak memory ${b.smaller.peakRssMb} MB`, "", on(b)]);
  }
  if (r.latency) {
    const t = r.latency;
    rows.push([`send -> count visible, ${t.trigger} trigger, ${n(t.rateLinesPerSecond)} lines/s, ${t.shufflePartitions ?? "default"} shuffle partitions, ${t.checkpoint ?? "checkpoint on HDFS"}, ${t.probes} probes`, `p50 ${s(t.p50)}, p95 ${s(t.p95)}, max ${s(t.max)}`, t.p50 <= 1.0 && t.p95 <= 1.5 ? "p50 <= 1.0 s, p95 <= 1.5 s: met" : "p50 <= 1.0 s, p95 <= 1.5 s: not met", on(t)]);
  }
  if (r.first) {
    const f = r.first;
    rows.push([`submit -> first visible count (1,000 lines waiting, ${f.checkpoint ?? "checkpoint on HDFS"})`, s(f.firstCountSeconds), f.firstCountSeconds <= 10 ? "<= 10 s: met" : "<= 10 s: not met", on(f)]);
    if (f.firstBatchSeconds !== undefined) rows.push(["  the job's first micro-batch, from the query's start (its own report)", s(f.firstBatchSeconds), f.firstBatchSeconds <= 5 ? "<= 5 s: met" : "<= 5 s: not met", on(f)]);
    if (f.countedAfterLoadSeconds !== undefined) rows.push([`then ${n(f.countedAfterLoadLines ?? 0)} lines loaded into the running job: load end -> every word counted`, s(f.countedAfterLoadSeconds), f.countedAfterLoadSeconds <= 5 ? "<= 5 s: met" : "<= 5 s: not met", on(f)]);
  }
  const steps = (prefix: string, d: DemoRun, p: Part) => { for (const [step, time] of Object.entries(d.steps)) rows.push([`  ${prefix} ${step}`, time, "", on(p)]); };
  if (r.cold) {
    const c = r.cold;
    rows.push(["first contact: fresh clone, npm ci, empty Docker, npm run demo", s(c.wallSeconds), c.wallSeconds <= 300 ? "<= 300 s: met" : "<= 300 s: not met", on(c)]);
    for (const [step, time] of Object.entries(c.before)) rows.push([`  ${step}`, time, "", on(c)]);
    steps("demo", c.demo, c);
  }
  if (r.warm) {
    const w = r.warm;
    const up = Number.parseFloat(Object.values(w.stackDown.steps)[0] ?? "NaN");
    rows.push(["npm run demo, stack down, image built: up to healthy (step 1)", s(up), up <= 20 ? "<= 20 s: met" : "<= 20 s: not met", on(w)]);
    rows.push(["npm run demo, stack up (warm)", s(w.stackUp.wallSeconds), w.stackUp.wallSeconds <= 30 ? "<= 30 s: met" : "<= 30 s: not met", on(w)]);
    steps("warm", w.stackUp, w);
  }
  if (r.demo) {
    const d = r.demo;
    rows.push(["npm run demo, stack down (image built)", s(d.wallSeconds), "", on(d)]);
    steps("demo step:", d, d);
  }
  return markdownTable(["what", "measured", "target", "when, where"], rows, ["plain", "right", "plain", "plain"]);
}

/** The README's few lines: the figures a newcomer asks about first. */
export function benchSummary(r: BenchResults): string {
  const items: string[] = [];
  if (r.cold) items.push(`a new user's first run, fresh clone + \`npm ci\` + empty Docker + \`npm run demo\`: ${s(r.cold.wallSeconds)} (${r.cold.date})`);
  if (r.warm) items.push(`\`npm run demo\` again, stack up: ${s(r.warm.stackUp.wallSeconds)}; stack down, image built: ${s(r.warm.stackDown.wallSeconds)} (${r.warm.date})`);
  if (r.demo && !r.warm) items.push(`\`npm run demo\` with the image built: ${s(r.demo.wallSeconds)} (${r.demo.date})`);
  if (r.loader) items.push(`loader: ${n(r.loader.loaderRecordsPerSecond)} records/s, ${r.loader.ratio.toFixed(2)}x Kafka's own tuned ProducerPerformance in the same run${r.loader.loaderPlatformaticRecordsPerSecond === undefined ? "" : `; with \`--client platformatic\` ${n(r.loader.loaderPlatformaticRecordsPerSecond)} records/s, ${r.loader.ratioPlatformatic!.toFixed(2)}x`} (${r.loader.date})`);
  if (r.bigfile) items.push(`a ${r.bigfile.gigabytes} GB file loaded with ${r.bigfile.peakRssMb} MB of memory at its peak${r.bigfile.smaller ? ` (${r.bigfile.smaller.peakRssMb} MB for a ${r.bigfile.smaller.gigabytes} GB file)` : ""} (${r.bigfile.date})`);
  if (r.latency) items.push(`a line sent -> its count visible: p50 ${s(r.latency.p50)}, p95 ${s(r.latency.p95)} at ${n(r.latency.rateLinesPerSecond)} lines/s, ${r.latency.trigger} trigger, ${r.latency.shufflePartitions ?? "default"} shuffle partition(s), ${r.latency.checkpoint ?? "checkpoint on HDFS"} (${r.latency.date})`);
  if (r.first) items.push(`submit -> first visible count: ${s(r.first.firstCountSeconds)} (${r.first.date})`);
  return items.map((i) => `- ${i}`).join("\n");
}
