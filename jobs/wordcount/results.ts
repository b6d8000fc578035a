/**
 * The word counts a job has written, read back: from its counts topic (the latest value per word
 * is its total) or from its Parquet output (one directory per micro-batch; a word's total is the
 * sum over the complete batch directories). Plus the top-N table people look at.
 */
import { randomUUID } from "node:crypto";
import { parquetReadObjects } from "hyparquet";
import { Kafka, type Consumer } from "kafkajs";
import { type OutputFile, readHdfsTree } from "../local/hdfs";
import type { KafkaRoute } from "../kafka/route";
import type { NodeShell } from "../local/shell";
import { NoCountsError, OutputUnreadableError, TopicMissingError } from "../../lib/errors";
import { abortable, settleWithin, waitFor } from "../util/poll";
import { markdownTable } from "../util/table";

export type Counts = Map<string, number>;

export interface WordCount {
  word: string;
  count: number;
}

export const totalOf = (counts: Counts) => [...counts.values()].reduce((a, b) => a + b, 0);

/** Every word with the same count in both (and no other word in either). */
export const sameCounts = (a: Counts, b: Counts) => a.size === b.size && [...a].every(([word, n]) => b.get(word) === n);

/** The `n` most frequent words; ties in alphabetical order so the table is stable. */
export function topWords(counts: Counts, n: number): WordCount[] {
  return [...counts].map(([word, count]) => ({ word, count })).sort((a, b) => b.count - a.count || (a.word < b.word ? -1 : a.word > b.word ? 1 : 0)).slice(0, n);
}

/** A plain text table of the top words, with rank and share of all words counted. */
export function wordTable(counts: Counts, n: number): string {
  const total = totalOf(counts);
  const rows = topWords(counts, n).map((w, i) => [String(i + 1), w.word, w.count.toLocaleString("en-US"), total ? `${((100 * w.count) / total).toFixed(1)} %` : "-"]);
  const summary = `${counts.size.toLocaleString("en-US")} distinct words, ${total.toLocaleString("en-US")} in all`;
  return `${markdownTable(["#", "word", "count", "share"], rows, ["right", "left", "right", "right"])}\n${summary}`;
}

/**
 * Follows a counts topic (key word, value count as text) from its beginning and keeps the latest
 * count per word. `caughtUp()` says whether everything the topic held when asked has been read.
 */
export class CountsTopicReader {
  readonly counts: Counts = new Map();
  private readonly next = new Map<number, number>();
  private consumer?: Consumer;

  constructor(private readonly kafka: Kafka, readonly topic: string) {}

  async start(): Promise<void> {
    // A fresh group each time: the reader always starts from the topic's beginning and commits nothing.
    // Unique even for two readers started in the same millisecond: sharing a group, each would be
    // handed the other's partitions and neither would ever catch up.
    const consumer = this.kafka.consumer({ groupId: `kafka-spark-lab-results-${process.pid}-${Date.now()}-${randomUUID().slice(0, 8)}` });
    this.consumer = consumer;
    // run() returns before the consumer has joined its group; stopping it before that leaves a
    // join in flight that kafkajs retries after disconnect. Wait for the join (or give up after 60 s).
    let timer: NodeJS.Timeout | undefined;
    const joined = new Promise<void>((resolve, reject) => {
      const off = consumer.on(consumer.events.GROUP_JOIN, () => { off(); clearTimeout(timer); resolve(); });
      timer = setTimeout(() => { off(); reject(new OutputUnreadableError(`could not join a consumer group to read "${this.topic}" within 60 s: is Kafka up?`)); }, 60_000);
    });
    joined.catch(() => undefined); // awaited below; this only keeps an early failure from being "unhandled"
    try {
      await consumer.connect();
      await consumer.subscribe({ topic: this.topic, fromBeginning: true });
    } catch (e) {
      clearTimeout(timer);
      throw e;
    }
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) {
          if (m.key && m.value) this.counts.set(m.key.toString(), Number(m.value.toString()));
        }
        if (batch.messages.length) this.next.set(batch.partition, Number(batch.lastOffset()) + 1);
      },
    });
    await joined;
  }

  /** True when every partition has been read up to the end offset it had at the time of the call. */
  async caughtUp(): Promise<boolean> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const ends = await admin.fetchTopicOffsets(this.topic);
      return ends.every((p) => Number(p.high) === Number(p.low) || (this.next.get(p.partition) ?? 0) >= Number(p.high));
    } finally {
      await admin.disconnect();
    }
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}

/** Everything a counts topic holds now, as totals per word. */
export async function readCountsTopic(kafka: Kafka, topic: string, timeoutMs = 60_000, lost?: AbortSignal): Promise<Counts> {
  const reader = new CountsTopicReader(kafka, topic);
  await abortable(reader.start(), lost);
  try {
    await waitFor(`the end of topic "${topic}"`, async () => ((await reader.caughtUp()) ? true : undefined), timeoutMs, 250, lost);
    return new Map(reader.counts);
  } finally {
    await settleWithin(reader.stop(), 5000);
  }
}


/**
 * Sums a Parquet output's counts. Only complete batch directories count (Spark writes _SUCCESS
 * last); a batch interrupted by a crash is rewritten whole when Spark replays it, so nothing is
 * lost or counted twice.
 */
export async function countsFromParquet(files: OutputFile[]): Promise<Counts> {
  const complete = new Set(files.filter((f) => /(^|\/)_SUCCESS$/.test(f.path)).map((f) => f.path.replace(/\/?_SUCCESS$/, "")));
  const counts: Counts = new Map();
  for (const f of files) {
    if (!f.path.endsWith(".parquet") || f.path.includes("_temporary")) continue;
    const dir = f.path.includes("/") ? f.path.slice(0, f.path.lastIndexOf("/")) : "";
    if (!complete.has(dir)) continue;
    const buffer = f.bytes.buffer.slice(f.bytes.byteOffset, f.bytes.byteOffset + f.bytes.byteLength) as ArrayBuffer;
    let rows: Record<string, unknown>[];
    try {
      rows = await parquetReadObjects({ file: buffer, columns: ["word", "count"] });
    } catch (e) {
      throw new OutputUnreadableError(`${f.path} is not a Parquet file of word counts: ${(e as Error).message}`, { cause: e });
    }
    for (const row of rows) {
      const word = String(row.word);
      counts.set(word, (counts.get(word) ?? 0) + Number(row.count));
    }
  }
  return counts;
}

/** The counts of a job as `npm run results` shows them: read once, or again and again while following. */
export interface CountsSource {
  read(): Promise<Counts>;
  close(): Promise<void>;
}

/** How many records a topic holds now; undefined when it does not exist. */
export async function topicRecords(kafka: Kafka, topic: string): Promise<number | undefined> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    if (!(await admin.listTopics()).includes(topic)) return undefined;
    return (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
  } finally {
    await admin.disconnect();
  }
}

/**
 * A counts topic on a route's cluster: read to its end once, or (follow) a reader kept running
 * whose counts grow as the job writes. A topic that does not exist is refused before any consumer
 * starts (a consumer would retry it for ever); an empty one is refused when read once, and said
 * once when followed (`onEmpty`). `whoWrites` is the command that shows the job writing it.
 * Closing the source closes the route too.
 */
export async function topicCounts(route: Pick<KafkaRoute, "config" | "close" | "gateway">, topic: string, o: { follow: boolean; whoWrites: string; onEmpty?: (message: string) => void }): Promise<CountsSource> {
  const kafka = new Kafka(route.config);
  // A lost SSH gateway ends the reading at once with its own error (kafkajs would retry until its timeouts).
  const lost = route.gateway?.lost;
  try {
    const records = await abortable(topicRecords(kafka, topic), lost);
    if (records === undefined) throw new TopicMissingError(`topic "${topic}" does not exist: no job has written counts there. Is one running? ${o.whoWrites} (a job counting topic T writes T-counts; <name>-lines gives <name>-counts)`);
    const empty = `topic "${topic}" holds no counts yet: its job may still be starting, or has had no input (${o.whoWrites})`;
    if (records === 0 && !o.follow) throw new NoCountsError(empty);
    if (records === 0) o.onEmpty?.(`${empty}; waiting for the first counts`);
  } catch (e) {
    await route.close();
    throw e;
  }
  if (!o.follow) return { read: () => readCountsTopic(kafka, topic, 60_000, lost), close: () => route.close() };
  const reader = new CountsTopicReader(kafka, topic);
  // Through a lost gateway the consumer's leave request cannot go anywhere: not waited for long.
  const close = async () => { await settleWithin(reader.stop(), lost?.aborted ? 1000 : 5000); await route.close(); };
  // The first table shows what the topic holds already, not the empty map of a reader just started.
  await abortable(reader.start(), lost)
    .then(() => waitFor(`the end of topic "${topic}"`, async () => ((await reader.caughtUp()) ? true : undefined), 60_000, 250, lost))
    .catch(async (e: unknown) => { await close(); throw e; });
  return {
    read: async () => {
      lost?.throwIfAborted();
      return new Map(reader.counts);
    },
    close,
  };
}

/** A job's Parquet output on the local stack's HDFS, read through the master. */
export function parquetCounts(shell: NodeShell, dir: string): CountsSource {
  return { read: async () => countsFromParquet(await readHdfsTree(shell, dir)), close: async () => undefined };
}

/** Renders the counts every `intervalMs` and shows the text each time it changes, until `signal` aborts. */
export async function followCounts(source: CountsSource, o: { render: (counts: Counts) => string; show: (text: string) => void; intervalMs: number; signal: AbortSignal }): Promise<void> {
  let shown = "";
  while (!o.signal.aborted) {
    const text = o.render(await source.read());
    if (text !== shown) { shown = text; o.show(text); }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, o.intervalMs);
      o.signal.addEventListener("abort", () => { clearTimeout(timer); resolve(); }, { once: true });
    });
  }
}
