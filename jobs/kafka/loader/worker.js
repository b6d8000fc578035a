// One idempotent kafkajs producer in a worker thread (jobs/kafka/loader/pool.ts starts them): it turns
// the batches the main thread sends (lines joined by "\n", one ArrayBuffer, transferred, no copy)
// into a produce request to the batch's partition, acks=all, and answers with the batch's id.
// Plain JavaScript: a worker thread runs outside tsx's and jest's transpilers.
"use strict";
const { parentPort, workerData } = require("node:worker_threads");
const { Kafka, logLevel } = require("kafkajs");

const { brokers, clientId, topic, retry } = workerData;
// Logging off, unless the main thread asks for it (--verbose): then each entry goes to it, to be printed redacted.
const logging = workerData.logLevel === undefined ? { logLevel: logLevel.NOTHING }
  : { logLevel: workerData.logLevel, logCreator: () => (entry) => {
    const post = (log) => parentPort.postMessage({ log: { namespace: entry.namespace, level: entry.level, label: entry.label, log } });
    try { post({ ...entry.log }); } catch { post({ message: entry.log.message }); } // an extra that cannot be cloned: the message alone
  } };
const producer = new Kafka({ clientId, brokers, retry, ...logging }).producer({ idempotent: true });
const connected = producer.connect();
connected.catch(() => undefined);

// One send at a time, the next batches queued: kafkajs rolls a partition's sequence number back
// when a request fails, so two sends in flight could reorder or lose records across a leader
// change (see oneSendAtATime in jobs/kafka/loader/index.ts).
let last = Promise.resolve();
parentPort.on("message", (m) => {
  last = last.then(() => handle(m));
});

async function handle(m) {
  if (m.close) {
    await producer.disconnect().catch(() => undefined);
    parentPort.postMessage({ closed: true });
    return;
  }
  try {
    await connected;
    const bytes = Buffer.from(m.buffer);
    const messages = [];
    for (let start = 0; start <= bytes.length;) {
      let end = bytes.indexOf(10, start);
      if (end < 0) end = bytes.length;
      messages.push({ value: bytes.subarray(start, end), partition: m.partition });
      start = end + 1;
    }
    await producer.send({ topic, acks: -1, messages });
    parentPort.postMessage({ id: m.id });
  } catch (e) {
    parentPort.postMessage({ id: m.id, error: { name: e && e.name, message: e && e.message } });
  }
}
