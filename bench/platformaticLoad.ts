// The peer of the loader in the benchmark: the same file sent with @platformatic/kafka (pure
// JavaScript, no native part; ESM only, hence the dynamic import), idempotent, acks=all, batches
// of the same size, spread over the partitions. Prints {"recordsPerSecond", "peakRssMb"} as JSON.
//   tsx bench/platformaticLoad.ts <brokers> <topic> <file> <batchSize> <inFlight>
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";

async function main(): Promise<void> {
  const [brokers, topic, file, batchSizeText, inFlightText] = process.argv.slice(2);
  const { Producer, stringSerializers } = await import("@platformatic/kafka");
  const producer = new Producer({ clientId: "kafka-spark-lab-bench-platformatic", bootstrapBrokers: brokers.split(","), serializers: stringSerializers, idempotent: true, acks: -1 });
  const batchSize = Number(batchSizeText);
  const inFlight = Number(inFlightText);
  const pending = new Set<Promise<unknown>>();
  let records = 0;
  let batch: { topic: string; value: string; partition: number }[] = [];
  let next = 0;
  const start = Date.now();
  const send = (messages: typeof batch) => {
    const p: Promise<unknown> = producer.send({ messages }).then(() => { records += messages.length; }).finally(() => pending.delete(p));
    pending.add(p);
  };
  for await (const value of createInterface({ input: createReadStream(file, "utf8"), crlfDelay: Infinity })) {
    batch.push({ topic, value, partition: next % 3 });
    if (batch.length >= batchSize) {
      send(batch);
      batch = [];
      next++;
      while (pending.size >= inFlight) await Promise.race(pending);
    }
  }
  if (batch.length) send(batch);
  await Promise.all(pending);
  const seconds = (Date.now() - start) / 1000;
  await producer.close();
  process.stdout.write(`${JSON.stringify({ records, seconds, recordsPerSecond: records / seconds, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`);
}

main().catch((e: unknown) => { process.stderr.write(`${(e as Error).stack ?? String(e)}\n`); process.exit(1); });
