/**
 * The benchmark figures as people read them, rendered from bench/results.json only: the docs'
 * tables (docs/benchmarks.md) and the README's summary are generated from here (npm run docs), so
 * no figure is typed by hand.
 */
import { markdownTable } from "../jobs/table";

interface Machine { cpus: number; cpuModel?: string; memoryGiB: number; node: string }
interface Part { date: string; machine: Machine }

export interface BenchResults {
  loader?: Part & { records: number; recordSize: number; rounds: number; runs: { producerPerformance: number[]; loader: number[] }; producerPerformanceRecordsPerSecond: number; loaderRecordsPerSecond: number; ratio: number };
  latency?: Part & { rateLinesPerSecond: number; seconds: number; probes: number; trigger: string; shufflePartitions?: number; p50: number; p95: number; max: number };
  first?: Part & { queryStartedSeconds: number; firstCountSeconds: number };
  demo?: Part & { wallSeconds: number; steps: Record<string, string> };
}

const n = (x: number) => Math.round(x).toLocaleString("en-US");
const s = (x: number) => `${x.toFixed(2)} s`;
const on = (p: Part) => `${p.date}, ${p.machine.cpus} cores, ${p.machine.memoryGiB} GiB, Node ${p.machine.node}`;

/** Every measured figure with its date and machine: docs/benchmarks.md. */
export function benchmarksTable(r: BenchResults): string {
  const rows: string[][] = [];
  if (r.loader) {
    const l = r.loader;
    rows.push([`loader (kafkajs, idempotent, acks=all), ${n(l.records)} records of ${l.recordSize} B, best of ${l.rounds}`, `${n(l.loaderRecordsPerSecond)} records/s (runs: ${l.runs.loader.map(n).join(", ")})`, "", on(l)]);
    rows.push([`Kafka's ProducerPerformance, same topic layout, batch.size=262144 linger.ms=10, best of ${l.rounds}`, `${n(l.producerPerformanceRecordsPerSecond)} records/s (runs: ${l.runs.producerPerformance.map(n).join(", ")})`, "", on(l)]);
    rows.push(["ratio loader / ProducerPerformance", l.ratio.toFixed(2), l.ratio >= 0.6 ? ">= 0.6: met" : ">= 0.6: not met", on(l)]);
  }
  if (r.latency) {
    const t = r.latency;
    rows.push([`send -> count visible, ${t.trigger} trigger, ${n(t.rateLinesPerSecond)} lines/s, ${t.shufflePartitions ?? "default"} shuffle partitions, ${t.probes} probes`, `p50 ${s(t.p50)}, p95 ${s(t.p95)}, max ${s(t.max)}`, t.p50 <= 1.0 && t.p95 <= 1.5 ? "p50 <= 1.0 s, p95 <= 1.5 s: met" : "p50 <= 1.0 s, p95 <= 1.5 s: not met", on(t)]);
  }
  if (r.first) {
    const f = r.first;
    rows.push(["submit -> first visible count (1,000 lines waiting)", `${s(f.firstCountSeconds)} (query running after ${s(f.queryStartedSeconds)})`, f.firstCountSeconds <= 10 ? "<= 10 s: met" : "<= 10 s: not met", on(f)]);
  }
  if (r.demo) {
    const d = r.demo;
    rows.push(["npm run demo, stack down (image built)", s(d.wallSeconds), "", on(d)]);
    for (const [step, time] of Object.entries(d.steps)) rows.push([`  demo step: ${step}`, time, "", on(d)]);
  }
  return markdownTable(["what", "measured", "target", "when, where"], rows, ["plain", "right", "plain", "plain"]);
}

/** The README's few lines: the figures a newcomer asks about first. */
export function benchSummary(r: BenchResults): string {
  const items: string[] = [];
  if (r.demo) items.push(`\`npm run demo\` with the image built: ${s(r.demo.wallSeconds)} (${r.demo.date})`);
  if (r.loader) items.push(`loader: ${n(r.loader.loaderRecordsPerSecond)} records/s, ${r.loader.ratio.toFixed(2)}x Kafka's own tuned ProducerPerformance in the same run (${r.loader.date})`);
  if (r.latency) items.push(`a line sent -> its count visible: p50 ${s(r.latency.p50)}, p95 ${s(r.latency.p95)} at ${n(r.latency.rateLinesPerSecond)} lines/s (${r.latency.date})`);
  if (r.first) items.push(`submit -> first visible count: ${s(r.first.firstCountSeconds)} (${r.first.date})`);
  return items.map((i) => `- ${i}`).join("\n");
}
