/**
 * Producers in worker threads, for loads that one thread cannot keep up with: kafkajs encodes
 * every record on the thread that sends it, and an idempotent producer has one request in flight
 * per broker. Each worker has its own producer; the main thread reads the lines, joins each batch
 * into one buffer (transferred to the worker, not copied) and gives batches to the partitions in
 * turn and to the workers in turn. Not used through an SSH gateway (a socket factory cannot
 * cross threads): one producer on the main thread then.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { Kafka, type KafkaConfig, type LogEntry, logLevel } from "kafkajs";
import { LabError } from "../../../lib/errors";

/** A worker's failure, rebuilt on the main thread: its name (KafkaJS... gives the Kafka exit code) and message. */
class WorkerSendError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

export interface BatchSink {
  send(values: string[]): Promise<void>;
  close(): Promise<void>;
  /** How many batches it usefully has in flight at once. */
  inFlight: number;
}

/** The default number of worker producers: one per core, at least 3 (measured on 2 cores: 1 -> 56k, 2 -> 79k, 3 -> 92k records/s), at most 4. */
export const defaultProducers = () => Math.max(3, Math.min(4, availableParallelism()));

/**
 * A sink that sends one batch at a time, the next ones queued (`queued` of them in all). kafkajs's
 * idempotent producer rolls a partition's sequence number back when a request fails: with two
 * sends in flight to one partition, the retry after a leader change either reaches the new leader
 * after the later batch (OUT_OF_ORDER_SEQUENCE_NUMBER, fatal) or reuses the sequence of a batch the
 * old leader had written, which the new one then answers as a duplicate: acknowledged, never
 * written (a CI run lost 167 of 60,000 acknowledged records that way across a broker stop). One
 * request at a time per producer keeps "each acknowledged record exactly once"; the worker
 * threads (jobs/kafka/loader/worker.js) and each partition of --client platformatic do the same, so parallelism comes from producers, not requests.
 */
export function oneSendAtATime(queued: number, send: (values: string[]) => Promise<void>): BatchSink {
  let last: Promise<unknown> = Promise.resolve();
  return {
    inFlight: queued,
    close: async () => undefined,
    send: (values) => {
      const sent = last.then(() => send(values));
      last = sent.catch(() => undefined);
      return sent;
    },
  };
}

/**
 * Retries of the loader's producers. kafkajs retries a send 5 times by default (about 8 s), even
 * for an idempotent producer; a SIGKILLed broker's partitions move only when its session expires
 * (9 s) and a new leader is elected, so a load gave up with "Closed connection" a moment before
 * Kafka recovered. Up to 30 retries, at most 5 s apart: the load's own stall bound
 * (--stall-timeout) decides when to stop.
 */
export const PRODUCER_RETRY = { initialRetryTime: 300, maxRetryTime: 5000, retries: 30 } as const;

/**
 * Each worker's heap, bounded: a worker holds its few batches in flight and a producer, tens of MB,
 * but V8 lets an unbounded old generation grow with the length of the load before it collects.
 * Unbounded, the loader's memory grew with the file (474 MB for 0.1 GB, 682 MB for 1 GB); with
 * this and the main thread's bound (`npm run load` runs with --max-old-space-size=128) it is flat
 * (npm run bench -- --only bigfile; docs/benchmarks.md).
 */
const WORKER_HEAP = { maxOldGenerationSizeMb: 64 } as const;

/** A topic's partition ids, in order. */
export async function partitionsOf(config: KafkaConfig, topic: string): Promise<number[]> {
  const admin = new Kafka(config).admin();
  await admin.connect();
  return admin.fetchTopicMetadata({ topics: [topic] }).then((m) => m.topics[0].partitions.map((p) => p.partitionId).sort((a, b) => a - b)).finally(() => admin.disconnect());
}

export async function producerPool(config: KafkaConfig, topic: string, producers: number): Promise<BatchSink> {
  if (config.socketFactory) throw new LabError("producerPool cannot cross an SSH gateway: use one producer");
  const partitions = await partitionsOf(config, topic);
  const log = config.logCreator?.(config.logLevel ?? logLevel.INFO);
  const encoder = new TextEncoder();
  const waiting = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  const workers = Array.from({ length: producers }, () => {
    // A logger cannot cross threads: with --verbose the workers post their log entries here.
    const w = new Worker(require.resolve("./worker.js"), {
      workerData: { brokers: config.brokers, clientId: config.clientId, topic, retry: PRODUCER_RETRY, logLevel: log ? config.logLevel : undefined },
      resourceLimits: WORKER_HEAP,
    });
    w.on("message", (m: { id?: number; error?: { name: string; message: string }; log?: LogEntry }) => {
      if (m.log) log?.(m.log);
      if (m.id === undefined) return;
      const p = waiting.get(m.id);
      waiting.delete(m.id);
      if (m.error) p?.reject(new WorkerSendError(m.error.name, m.error.message));
      else p?.resolve();
    });
    w.on("error", (e) => { for (const p of waiting.values()) p.reject(e); waiting.clear(); });
    return w;
  });
  let next = 0;
  return {
    inFlight: producers * 3,
    send(values) {
      const id = next++;
      const bytes = encoder.encode(values.join("\n"));
      return new Promise<void>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        workers[id % producers].postMessage({ id, partition: partitions[id % partitions.length], buffer: bytes.buffer }, [bytes.buffer]);
      });
    },
    async close() {
      await Promise.all(workers.map((w) => new Promise<void>((resolve) => {
        const done = () => { clearTimeout(timer); void w.terminate().then(() => resolve()); };
        // A worker whose producer still retries a request (a stalled load) does not get to its
        // close: it is terminated after 5 s.
        const timer = setTimeout(done, 5000);
        w.on("message", (m: { closed?: boolean }) => { if (m.closed) done(); });
        w.once("error", done);
        w.postMessage({ close: true });
      })));
    },
  };
}
