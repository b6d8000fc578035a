/** The loader's sending discipline: one request at a time per producer (jobs/kafka/loader/index.ts oneSendAtATime). */
import { SshGatewayError } from "../lib/errors";
import { loadRecords, oneSendAtATime, LoadError } from "../jobs/kafka/loader";

/** A send that takes `ms`, recording how many ran at once and in which order they started. */
function recordingSend(ms: number, failOn?: string) {
  const seen = { running: 0, most: 0, started: [] as string[] };
  const send = async (values: string[]) => {
    seen.running++;
    seen.most = Math.max(seen.most, seen.running);
    seen.started.push(values[0]);
    await new Promise((r) => setTimeout(r, ms));
    seen.running--;
    if (values[0] === failOn) throw new Error(`refused ${failOn}`);
  };
  return { seen, send };
}

test("batches read ahead are sent one at a time, in the order they were read", async () => {
  const { seen, send } = recordingSend(5);
  const lines = Array.from({ length: 50 }, (_, i) => `line-${i}`);
  const result = await loadRecords({ topic: "t", lines, batchSize: 5, sink: oneSendAtATime(4, send) });
  expect(result.records).toBe(50);
  expect(seen.most).toBe(1);
  expect(seen.started).toEqual(Array.from({ length: 10 }, (_, i) => `line-${i * 5}`));
});

test("a failed send fails its own batch only; the queue goes on, and the load stops with the acknowledged count", async () => {
  const { seen, send } = recordingSend(2, "b");
  const sink = oneSendAtATime(3, send);
  const outcomes = await Promise.allSettled([sink.send(["a"]), sink.send(["b"]), sink.send(["c"])]);
  expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
  expect(seen.most).toBe(1);

  const failing = recordingSend(2, "line-10");
  const lines = Array.from({ length: 40 }, (_, i) => `line-${i}`);
  await expect(loadRecords({ topic: "t", lines, batchSize: 5, sink: oneSendAtATime(4, failing.send) }))
    .rejects.toThrow(/stopped after (10|15|20|25) acknowledged records: refused line-10/);
  expect(failing.seen.most).toBe(1);
});

test("a load whose requests are never acknowledged stops after the stall bound, naming why and how far it got", async () => {
  const acknowledged: string[] = [];
  let calls = 0;
  // The first two batches are acknowledged, then Kafka keeps retrying (the promise never settles).
  const send = () => (++calls <= 2 ? Promise.resolve() : new Promise<void>(() => undefined));
  const lines = Array.from({ length: 40 }, (_, i) => `id-${i}`);
  const started = Date.now();
  await expect(loadRecords({ topic: "t", lines, batchSize: 5, stallSeconds: 1, sink: oneSendAtATime(4, send), onAcknowledged: (v) => acknowledged.push(...v) }))
    .rejects.toMatchObject({ exitCode: 15, message: expect.stringMatching(/^loading into "t" stopped after 10 acknowledged records: no acknowledgement for 1 s while Kafka kept retrying: fewer brokers up than the topic's min.insync.replicas/) });
  expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  expect(Date.now() - started).toBeLessThan(3000);
  expect(acknowledged).toEqual(lines.slice(0, 10));
});

test("an abort (Ctrl-C) stops the reading; the lines read, a part batch included, are still sent and acknowledged", async () => {
  const sent: string[][] = [];
  const controller = new AbortController();
  const all = Array.from({ length: 40 }, (_, i) => `id-${i}`);
  // The reader hands over line 13 after the abort: it is not sent, the 12 before it are.
  function* lines() {
    for (const [i, line] of all.entries()) {
      if (i === 12) controller.abort();
      yield line;
    }
  }
  const acknowledged: string[] = [];
  const result = await loadRecords({ topic: "t", lines: lines(), batchSize: 5, signal: controller.signal, sink: oneSendAtATime(4, async (v) => { sent.push(v); }), onAcknowledged: (v) => acknowledged.push(...v) });
  expect(result).toMatchObject({ interrupted: true, linesRead: 12, records: 12 });
  expect(sent.map((b) => b.length)).toEqual([5, 5, 2]);
  expect(acknowledged).toEqual(all.slice(0, 12));
});

test("a lost SSH gateway stops the load at once with the gateway's error (exit 11) and how far it got, not after the stall bound", async () => {
  const broken = new AbortController();
  let calls = 0;
  // Two batches acknowledged, then the tunnel is gone: kafkajs would retry for ever.
  const send = () => {
    if (++calls <= 2) return Promise.resolve();
    setTimeout(() => broken.abort(new SshGatewayError("the SSH connection to gw:22 was lost")), 50);
    return new Promise<void>(() => undefined);
  };
  const started = Date.now();
  const e = (await loadRecords({ topic: "t", lines: Array.from({ length: 40 }, (_, i) => `id-${i}`), batchSize: 5, stallSeconds: 60, broken: broken.signal, sink: oneSendAtATime(4, send) }).catch((x: unknown) => x)) as LoadError;
  expect(e).toBeInstanceOf(LoadError);
  expect(e.exitCode).toBe(11);
  expect(e.message).toBe('loading into "t" stopped after 10 acknowledged records: the SSH connection to gw:22 was lost');
  expect(e.progress).toMatchObject({ records: 10, interrupted: false });
  expect(Date.now() - started).toBeLessThan(2000);
});
