/**
 * The loader's second client, behind `npm run load --client platformatic`: @platformatic/kafka
 * (pure JavaScript, no native part, Node >= 22), measured faster than kafkajs on the
 * same file (docs/benchmarks.md). One idempotent producer, acks=all; batches go to the partitions
 * in turn, and each partition has one request in flight at a time, the discipline that keeps
 * "each acknowledged record exactly once" across a leader change (jobs/kafka/loader/pool.ts oneSendAtATime).
 */
import type { KafkaConfig } from "kafkajs";
import { LabError } from "../../../lib/errors";
import { type BatchSink, oneSendAtATime, PRODUCER_RETRY } from "./pool";
import { settleWithin } from "../../util/poll";

/** The clients `npm run load --client` offers; kafkajs is the default (the project's named client). */
export const LOAD_CLIENTS = ["kafkajs", "platformatic"] as const;
export type LoadClient = (typeof LOAD_CLIENTS)[number];

export async function platformaticSink(config: KafkaConfig, topic: string, partitions: number[]): Promise<BatchSink> {
  if (config.socketFactory) throw new LabError("@platformatic/kafka cannot go through the SSH gateway: use --client kafkajs");
  // ESM only: loaded when chosen, so the other commands never pay for it.
  const { Producer, stringSerializers } = await import("@platformatic/kafka");
  const producer = new Producer({
    clientId: config.clientId ?? "kafka-spark-lab-load",
    bootstrapBrokers: config.brokers as string[],
    serializers: stringSerializers,
    idempotent: true,
    acks: -1,
    // Its default, 3 retries 1 s apart, gives up before a killed broker's partitions move (jobs/kafka/loader/pool.ts PRODUCER_RETRY).
    retries: PRODUCER_RETRY.retries,
    retryDelay: 2000,
  });
  // One queue per partition, each sending one request at a time; batches go to the partitions in turn.
  const queues = partitions.map((partition) => oneSendAtATime(2, async (values) => {
    await producer.send({ messages: values.map((value) => ({ topic, value, partition })) });
  }));
  let next = 0;
  return {
    inFlight: partitions.length * 2,
    send: (values) => queues[next++ % queues.length].send(values),
    // After a stall the producer may still be retrying: its close is not waited for long.
    close: async () => { await settleWithin(producer.close(), 5000); },
  };
}
