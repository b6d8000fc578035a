/**
 * Loads a data set into a topic with kafkajs: many messages per request and several requests in
 * flight (kafkajs has no linger/batch accumulator of its own, https://kafka.js.org/docs/producing), through an idempotent
 * producer with acks=all, so a retried request is never written twice. JSON lines that do not
 * parse are counted and reported, never sent and never a reason to stop.
 */
import { createReadStream } from "fs";
import { createInterface } from "readline";
import type { Readable } from "stream";
import { Kafka, Partitioners, type Producer } from "kafkajs";
import { EXIT, LabError, type LabErrorOptions, SshGatewayError } from "../../../lib/errors";
import type { KafkaRoute } from "../route";
import { type BatchSink, defaultProducers, oneSendAtATime, partitionsOf, PRODUCER_RETRY, producerPool } from "./pool";
import { settleWithin } from "../../util/poll";

export { oneSendAtATime };
import { type LoadClient, platformaticSink } from "./platformatic";

/** A load stopped before its end: the message says how many records were acknowledged. */
export class LoadError extends LabError {
  /** How far a load that had started got: what was acknowledged before it stopped (the command prints it as its table). */
  readonly progress?: LoadResult;

  constructor(message: string, options: LabErrorOptions & { progress?: LoadResult } = {}) {
    super(message, options);
    this.progress = options.progress;
  }

  /** A load cut off by its SSH gateway ends as an SSH failure (11), not as Kafka's (15). */
  override get exitCode(): number {
    return this.cause instanceof SshGatewayError ? EXIT.SSH_GATEWAY : EXIT.LOAD;
  }
}


export type RecordFormat = "text" | "json";

export interface LoadProgress {
  records: number;
  bytes: number;
  malformed: number;
  seconds: number;
}

export interface LoadResult extends LoadProgress {
  recordsPerSecond: number;
  /** Line numbers (1-based) of the first malformed JSON lines, at most 10. */
  malformedLines: number[];
  /** Lines read: on success or interruption each of them was acknowledged (or skipped), so a resume starts after it. */
  linesRead: number;
  /** True when `signal` stopped the load early (Ctrl-C): the lines read were still sent and acknowledged. */
  interrupted: boolean;
}

export interface LoadOptions {
  /** A connected producer created with `{ idempotent: true }`; the caller owns its lifecycle. Or: */
  producer?: Producer;
  /** Where batches go instead of `producer` (jobs/kafka/loader/pool.ts: producers in worker threads). */
  sink?: BatchSink;
  topic: string;
  lines: AsyncIterable<string> | Iterable<string>;
  format?: RecordFormat;
  /** Messages per request (default 2000); one batch per partition must stay under the broker's ~1 MB. */
  batchSize?: number;
  /** Batches read ahead of their send (default 4 for one producer, the pool's own for a pool); each producer sends one at a time. */
  inFlight?: number;
  onProgress?: (p: LoadProgress) => void;
  /** Each batch's records once the in-sync replicas acknowledged them (what a resume, or a test, needs). */
  onAcknowledged?: (values: string[]) => void;
  /**
   * Seconds without any acknowledgement, while requests wait, after which the load stops with a
   * LoadError (default 60). kafkajs retries an idempotent producer's request for ever: with fewer
   * brokers up than the topic's min.insync.replicas, or none reachable, a load would never end.
   */
  stallSeconds?: number;
  /**
   * Stops reading lines when aborted (Ctrl-C); the lines already read are still sent and their
   * acknowledgements awaited, and the result says `interrupted` and how many lines were read.
   */
  signal?: AbortSignal;
  /** Aborted when the way to Kafka is gone (the SSH gateway's `lost`): the load stops at once with its reason. */
  broken?: AbortSignal;
}

/** The default of LoadOptions.stallSeconds. */
export const DEFAULT_STALL_SECONDS = 60;

/**
 * The one producer the project loads with: idempotent (a retried request is never written twice),
 * Kafka's default partitioner (kafkajs's own default changed in 2.0 and warns).
 */
export const idempotentProducer = (kafka: Kafka): Producer => kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });

/**
 * Loads `lines` into `topic` on a route's cluster with a producer of its own. Refuses a topic that
 * does not exist: an idempotent producer would retry it for ever.
 */
export async function loadIntoTopic(route: Pick<KafkaRoute, "config" | "gateway">, options: Omit<LoadOptions, "producer" | "sink" | "broken"> & { producers?: number; client?: LoadClient }): Promise<LoadResult> {
  const o = { ...options, broken: route.gateway?.lost };
  const kafka = new Kafka(route.config);
  const admin = kafka.admin();
  await admin.connect();
  const exists = await admin.listTopics().then((t) => t.includes(o.topic)).finally(() => admin.disconnect());
  if (!exists) throw new LoadError(`topic "${o.topic}" does not exist: create it first (npm run topics -- --topic ${o.topic}:3:3)`);
  const through = async (sink: BatchSink) => {
    try {
      return await loadRecords({ ...o, sink });
    } finally {
      await sink.close();
    }
  };
  if (o.client === "platformatic") return through(await platformaticSink(route.config, o.topic, await partitionsOf(route.config, o.topic)));
  // Producers in worker threads where they can reach the brokers themselves (not through a gateway).
  const producers = route.config.socketFactory ? 1 : (o.producers ?? defaultProducers());
  if (producers > 1) return through(await producerPool(route.config, o.topic, producers));
  const producer = idempotentProducer(new Kafka({ ...route.config, retry: PRODUCER_RETRY }));
  await producer.connect();
  try {
    return await loadRecords({ ...o, producer });
  } finally {
    // After a stall kafkajs may still be retrying a request: the disconnect is not waited for long.
    await settleWithin(producer.disconnect(), 5000);
  }
}

/**
 * The lines of a file, or of stdin for "-". Lazy: the file is opened when the first line is asked
 * for (readline emits lines as soon as it exists, and its async iterator only holds the ones read
 * after it was created: made earlier, awaiting anything else would lose lines).
 */
export async function* linesOf(path: string, stdin: Readable = process.stdin): AsyncGenerator<string> {
  yield* createInterface({ input: path === "-" ? stdin : createReadStream(path, "utf8"), crlfDelay: Infinity });
}

function isJson(line: string): boolean {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}

/** Characters per batch at most: 256 Ki (at most 768 KiB of UTF-8), below the broker's 1 MB message.max.bytes. */
const MAX_BATCH_CHARS = 256 * 1024;

export async function loadRecords(options: LoadOptions): Promise<LoadResult> {
  const { producer, topic, lines, format = "text", batchSize = 2000, onProgress = () => undefined, onAcknowledged, stallSeconds = DEFAULT_STALL_SECONDS, signal, broken } = options;
  const sink: BatchSink = options.sink ?? oneSendAtATime(4, async (values) => { await producer!.send({ topic, acks: -1, messages: values.map((value) => ({ value })) }); });
  const inFlight = options.inFlight ?? sink.inFlight;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new LoadError(`batchSize ${batchSize}: expected a whole number above 0`);
  if (!Number.isInteger(inFlight) || inFlight < 1) throw new LoadError(`inFlight ${inFlight}: expected a whole number above 0`);
  const start = Date.now();
  const stats = { records: 0, bytes: 0, malformed: 0 };
  const malformedLines: number[] = [];
  const pending = new Set<Promise<void>>();
  let failure: unknown;
  let lineNo = 0;
  let batch: string[] = [];
  let batchBytes = 0;

  const elapsed = () => (Date.now() - start) / 1000;
  const breaks = () => { failure ??= broken!.reason; };
  if (broken?.aborted) breaks();
  broken?.addEventListener("abort", breaks, { once: true });
  // The stall clock runs while something waits for an acknowledgement.
  let lastAck = Date.now();
  const send = (values: string[]) => {
    const bytes = values.reduce((n, v) => n + Buffer.byteLength(v), 0);
    if (pending.size === 0) lastAck = Date.now();
    const request = sink.send(values)
      .then(() => {
        // Counted only once acknowledged by every in-sync replica.
        lastAck = Date.now();
        stats.records += values.length;
        stats.bytes += bytes;
        onAcknowledged?.(values);
        onProgress({ ...stats, seconds: elapsed() });
      })
      .catch((e) => { failure ??= e; })
      .finally(() => pending.delete(request));
    pending.add(request);
  };
  /** Waits for `work`, or until nothing was acknowledged for stallSeconds (then `failure` says so). */
  const unlessStalled = async (work: Promise<unknown>) => {
    let timer: NodeJS.Timeout | undefined;
    const stalled = new Promise<void>((resolve) => {
      const check = () => {
        if (failure) { resolve(); return; }
        if (Date.now() - lastAck < stallSeconds * 1000) { timer = setTimeout(check, 200); return; }
        failure ??= new LoadError(`no acknowledgement for ${stallSeconds} s while Kafka kept retrying: fewer brokers up than the topic's min.insync.replicas, or none reachable (the records after the acknowledged ones may or may not be in the topic)`);
        resolve();
      };
      timer = setTimeout(check, 200);
    });
    try {
      await Promise.race([work, stalled]);
    } finally {
      clearTimeout(timer);
    }
  };

  for await (const line of lines) {
    if (failure || signal?.aborted) break;
    lineNo++;
    if (line === "") continue;
    if (format === "json" && !isJson(line)) {
      stats.malformed++;
      if (malformedLines.length < 10) malformedLines.push(lineNo);
      continue;
    }
    batch.push(line);
    // Counted in UTF-16 units, an upper bound's half at worst: one batch goes to one partition, and
    // a produce request to a partition must stay under the broker's message.max.bytes (1 MB).
    batchBytes += line.length;
    if (batch.length >= batchSize || batchBytes >= MAX_BATCH_CHARS) {
      send(batch);
      batch = [];
      batchBytes = 0;
      while (pending.size >= inFlight && !failure) await unlessStalled(Promise.race(pending));
    }
  }
  if (batch.length && !failure) send(batch);
  while (pending.size && !failure) await unlessStalled(Promise.race(pending));
  broken?.removeEventListener("abort", breaks);
  const result = (): LoadResult => {
    const seconds = elapsed();
    return { ...stats, seconds, recordsPerSecond: seconds > 0 ? stats.records / seconds : stats.records, malformedLines, linesRead: lineNo, interrupted: signal?.aborted ?? false };
  };
  if (failure) {
    throw new LoadError(`loading into "${topic}" stopped after ${stats.records} acknowledged records: ${(failure as Error).message}`, { cause: failure, retriable: failure instanceof LoadError, progress: result() });
  }
  return result();
}
