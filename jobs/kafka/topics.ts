/**
 * Create the topics a job needs, idempotently: what exists and matches is left alone, what is
 * missing is created (one topic per call, then we wait until every partition has a leader), and
 * a topic with fewer partitions than asked is grown or reported.
 */
import { Kafka, type Admin, type KafkaConfig } from "kafkajs";
import { TopicSpecError } from "../../lib/errors";
import type { KafkaRoute } from "./route";
import { waitFor } from "../util/poll";

export interface TopicSpec {
  topic: string;
  partitions: number;
  replicationFactor: number;
  /** Topic-level configs, e.g. { "retention.ms": "3600000" }, applied at creation. */
  configs?: Record<string, string>;
}

export type TopicAction = "created" | "unchanged" | "grown" | "too-few-partitions";

export interface TopicOutcome {
  topic: string;
  action: TopicAction;
  /** Partitions the topic has now. */
  partitions: number;
  replicationFactor: number;
  note?: string;
}

export interface EnsureTopicsOptions {
  /** Grow existing topics that have fewer partitions than asked (default); false only reports them. */
  growPartitions?: boolean;
  /** Broker count if already known (e.g. from Ambari or the stack): lets bad specs fail before any call. */
  brokerCount?: number;
  leaderTimeoutMs?: number;
  /**
   * An admin client talking to one given broker only (see `adminPerBroker`). With it, ensureTopics
   * returns only once every broker serves the new metadata; without it, once one broker does, and
   * clients may see UNKNOWN_TOPIC_OR_PARTITION for a moment (kafkajs producers retry it).
   */
  brokerAdmin?: (broker: string) => Admin;
}

/**
 * The layout of a job's topics (the demo's, the word count's, submit's): 3 partitions, replication
 * factor 3, or one replica per broker on a cluster of fewer than 3.
 */
export const jobTopicSpec = (topic: string, brokerCount: number): TopicSpec => ({ topic, partitions: 3, replicationFactor: Math.min(3, brokerCount) });

/**
 * min.insync.replicas of the topics the project creates: 2 with 3 or more replicas (an
 * acknowledged write is on two brokers, and one broker may be down), else 1 (with 2 replicas, a
 * min ISR of 2 would stop every write while one broker is down). A spec's own value wins.
 */
export const minInsyncReplicasFor = (replicationFactor: number) => (replicationFactor >= 3 ? 2 : 1);

/** Admin clients pinned to one broker each: a client seeded with one broker asks only it for metadata. */
export const adminPerBroker = (config: KafkaConfig) => (broker: string): Admin => new Kafka({ ...config, brokers: [broker] }).admin();

const LEGAL_NAME = /^[A-Za-z0-9._-]{1,249}$/;

/** Throws a TopicSpecError listing every bad spec; with a broker count, also every impossible replication factor. */
export function validateTopicSpecs(specs: TopicSpec[], brokerCount?: number): void {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const s of specs) {
    if (!LEGAL_NAME.test(s.topic) || s.topic === "." || s.topic === "..") problems.push(`"${s.topic}": a topic name is 1-249 letters, digits, '.', '_' or '-'`);
    if (seen.has(s.topic)) problems.push(`"${s.topic}" is listed twice`);
    seen.add(s.topic);
    if (!Number.isInteger(s.partitions) || s.partitions < 1) problems.push(`${s.topic}: partitions must be a whole number >= 1 (got ${s.partitions})`);
    if (!Number.isInteger(s.replicationFactor) || s.replicationFactor < 1) problems.push(`${s.topic}: replication factor must be a whole number >= 1 (got ${s.replicationFactor})`);
    else if (brokerCount !== undefined && s.replicationFactor > brokerCount) {
      problems.push(`${s.topic}: replication factor ${s.replicationFactor} is larger than the ${brokerCount} broker${brokerCount === 1 ? "" : "s"} of this cluster; use at most ${brokerCount}`);
    }
  }
  if (problems.length) throw new TopicSpecError(`refusing to create topics, nothing was changed:\n  - ${problems.join("\n  - ")}`);
}

/**
 * Waits until each topic has `partitions` partitions, each with a leader. kafkajs's own
 * waitForLeaders retries LEADER_NOT_AVAILABLE only, while in KRaft each broker applies new
 * metadata on its own schedule: a lagging one answers UNKNOWN_TOPIC_OR_PARTITION, or the old
 * partition count. So poll, and when possible ask every broker itself.
 */
async function waitForLeaders(admin: Admin, want: Map<string, number>, timeoutMs: number, brokerAdmin?: (broker: string) => Admin): Promise<void> {
  if (!want.size) return;
  const names = [...want.keys()];
  const ready = async (a: Admin) => {
    const { topics } = await a.fetchTopicMetadata({ topics: names });
    return topics.every((t) => t.partitions.length === want.get(t.name) && t.partitions.every((p) => p.leader >= 0)) ? true : undefined;
  };
  if (!brokerAdmin) {
    await waitFor(`leaders for ${names.join(", ")}`, () => ready(admin), timeoutMs, 250);
    return;
  }
  const deadline = Date.now() + timeoutMs;
  for (const b of (await admin.describeCluster()).brokers) {
    const pinned = brokerAdmin(`${b.host}:${b.port}`);
    await pinned.connect();
    try {
      await waitFor(`broker ${b.nodeId} (${b.host}:${b.port}) to serve ${names.join(", ")}`, () => ready(pinned), Math.max(deadline - Date.now(), 1000), 250);
    } finally {
      await pinned.disconnect();
    }
  }
}

export async function ensureTopics(admin: Admin, specs: TopicSpec[], options: EnsureTopicsOptions = {}): Promise<TopicOutcome[]> {
  const grow = options.growPartitions ?? true;
  validateTopicSpecs(specs, options.brokerCount);
  if (options.brokerCount === undefined) validateTopicSpecs(specs, (await admin.describeCluster()).brokers.length);

  const existing = new Set(await admin.listTopics());
  const present = specs.filter((s) => existing.has(s.topic));
  const current = new Map<string, { partitions: number; replicationFactor: number }>();
  if (present.length) {
    const { topics } = await admin.fetchTopicMetadata({ topics: present.map((s) => s.topic) });
    for (const t of topics) current.set(t.name, { partitions: t.partitions.length, replicationFactor: t.partitions[0]?.replicas.length ?? 0 });
  }

  const outcomes: TopicOutcome[] = [];
  const awaitLeaders = new Map<string, number>();
  for (const spec of specs) {
    const now = current.get(spec.topic);
    if (!now) {
      // One topic per call: with a mix of new and existing topics kafkajs skips waiting for leaders.
      await admin.createTopics({
        topics: [{
          topic: spec.topic,
          numPartitions: spec.partitions,
          replicationFactor: spec.replicationFactor,
          configEntries: Object.entries({ "min.insync.replicas": String(minInsyncReplicasFor(spec.replicationFactor)), ...spec.configs }).map(([name, value]) => ({ name, value })),
        }],
        waitForLeaders: false,
      });
      awaitLeaders.set(spec.topic, spec.partitions);
      outcomes.push({ topic: spec.topic, action: "created", partitions: spec.partitions, replicationFactor: spec.replicationFactor });
      continue;
    }
    const rfNote = now.replicationFactor !== spec.replicationFactor
      ? `replication factor is ${now.replicationFactor}, not ${spec.replicationFactor} (changing it needs a reassignment; left as is)`
      : undefined;
    if (now.partitions >= spec.partitions) {
      outcomes.push({ topic: spec.topic, action: "unchanged", partitions: now.partitions, replicationFactor: now.replicationFactor, note: rfNote });
    } else if (grow) {
      await admin.createPartitions({ topicPartitions: [{ topic: spec.topic, count: spec.partitions }] });
      awaitLeaders.set(spec.topic, spec.partitions);
      outcomes.push({ topic: spec.topic, action: "grown", partitions: spec.partitions, replicationFactor: now.replicationFactor, note: [`was ${now.partitions} partitions`, rfNote].filter(Boolean).join("; ") });
    } else {
      outcomes.push({
        topic: spec.topic, action: "too-few-partitions", partitions: now.partitions, replicationFactor: now.replicationFactor,
        note: [`has ${now.partitions} partitions, ${spec.partitions} asked; run again without --no-grow to grow it`, rfNote].filter(Boolean).join("; "),
      });
    }
  }
  await waitForLeaders(admin, awaitLeaders, options.leaderTimeoutMs ?? 60_000, options.brokerAdmin);
  return outcomes;
}

/** `ensureTopics` on a route's cluster, every broker asked until it serves the new metadata. */
export async function ensureTopicsVia(route: Pick<KafkaRoute, "config" | "brokerCount">, specs: TopicSpec[], options: Pick<EnsureTopicsOptions, "growPartitions" | "leaderTimeoutMs"> = {}): Promise<TopicOutcome[]> {
  const admin = new Kafka(route.config).admin();
  await admin.connect();
  try {
    return await ensureTopics(admin, specs, { ...options, brokerCount: route.brokerCount, brokerAdmin: adminPerBroker(route.config) });
  } finally {
    await admin.disconnect();
  }
}

/**
 * Deletes the topics (those that exist) and creates them again empty. Kafka deletes
 * asynchronously: each broker is asked until none lists them any more, and a creation that finds
 * a topic still there (a broker's stale view) is retried, so the result is a fresh topic on every
 * broker, never the old one vanishing a moment later.
 */
export async function recreateTopics(admin: Admin, specs: TopicSpec[], brokers: string[], brokerAdmin: (broker: string) => Admin, timeoutMs = 60_000): Promise<void> {
  const names = specs.map((s) => s.topic);
  const existing = (await admin.listTopics()).filter((t) => names.includes(t));
  if (existing.length) await admin.deleteTopics({ topics: existing, timeout: 30_000 });
  const listedSomewhere = async () => {
    for (const broker of brokers) {
      const pinned = brokerAdmin(broker);
      await pinned.connect();
      try {
        if ((await pinned.listTopics()).some((t) => names.includes(t))) return true;
      } finally {
        await pinned.disconnect();
      }
    }
    return false;
  };
  await waitFor(`${names.join(", ")} to be gone from every broker`, async () => ((await listedSomewhere()) ? undefined : true), timeoutMs, 250);
  const created = new Set<string>();
  await waitFor(`${names.join(", ")} to be created afresh`, async () => {
    const outcomes = await ensureTopics(admin, specs.filter((s) => !created.has(s.topic)), { brokerAdmin });
    for (const o of outcomes) if (o.action === "created") created.add(o.topic);
    return created.size === names.length ? true : undefined;
  }, timeoutMs, 1000);
}
