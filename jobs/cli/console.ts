// How the long-running commands talk to people: one line per step with its time, a progress bar
// for loads, and plain tables. Steps and bars go to the command's stderr writer (redacted, see
// cli.ts); tables of results to its stdout.
import { SingleBar } from "cli-progress";
import type { LoadProgress, LoadResult } from "../kafka/loader";
import { markdownTable } from "../util/table";

const clock = () => new Date().toISOString().slice(11, 19);

/** Numbered steps: "[2/6] create the topics ... 1.3 s". */
export function steps(total: number, write: (line: string) => void) {
  let n = 0;
  return {
    async run<T>(title: string, work: (note: (message: string) => void) => Promise<T>): Promise<T> {
      n++;
      const tag = `[${n}/${total}]`;
      const start = Date.now();
      write(`${clock()} ${tag} ${title} ...`);
      const result = await work((message) => write(`${clock()} ${" ".repeat(tag.length)}   ${message}`));
      write(`${clock()} ${tag} ${title}: done in ${((Date.now() - start) / 1000).toFixed(1)} s`);
      return result;
    },
  };
}

/** A progress bar for a load of `total` records (unknown: counts only); on a pipe, a line every 2 s. */
export function loadBar(total: number | undefined, stream: NodeJS.WritableStream) {
  const bar = new SingleBar({
    stream,
    format: total ? "  loading [{bar}] {percentage}% | {value}/{total} records | {rate} rec/s | {duration}s" : "  loading {value} records | {rate} rec/s | {duration}s",
    noTTYOutput: true,
    notTTYSchedule: 2000,
    hideCursor: true,
  });
  // Drawn from the first acknowledged batch: a load that cannot reach Kafka prints its one error line, no empty bars.
  let started = false;
  return {
    update: (p: LoadProgress) => {
      if (!started) { started = true; bar.start(total ?? 0, 0, { rate: 0 }); }
      bar.update(p.records, { rate: Math.round(p.records / Math.max(p.seconds, 0.001)) });
    },
    stop: () => { if (started) bar.stop(); },
  };
}

/** Rows of [label, value] as a two-column Markdown table (readable raw, renders in a README). */
export function table(head: [string, string], rows: [string, string][]): string {
  return markdownTable(head, rows, ["plain", "right"]);
}

export function loadTable(r: LoadResult, peakRssMb?: number): string {
  const rows: [string, string][] = [
    ["records", r.records.toLocaleString("en-US")],
    ["bytes", r.bytes.toLocaleString("en-US")],
    ["malformed lines (skipped)", r.malformed.toLocaleString("en-US")],
    ["seconds", r.seconds.toFixed(2)],
    ["records/s", Math.round(r.recordsPerSecond).toLocaleString("en-US")],
    ["MB/s", (r.bytes / 1e6 / Math.max(r.seconds, 0.001)).toFixed(2)],
    ...(peakRssMb === undefined ? [] : [["peak memory (RSS)", `${peakRssMb} MB`] as [string, string]]),
    ...(r.interrupted ? [["interrupted after line", r.linesRead.toLocaleString("en-US")] as [string, string]] : []),
  ];
  return table(["load", "result"], rows);
}
