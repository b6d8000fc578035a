// Creates the Kafka topics a job needs, idempotently, on a deployed stack or any bootstrap list.
// On Azure the brokers come from Ambari and are reached through the cluster's SSH endpoint, as
// they live inside the VNet (jobs/kafka/route.ts). Prints a table of what it did.
import { z } from "zod";
import { UsageError } from "../lib/errors";
import { readWholeFile } from "../jobs/util/files";
import { planKafkaRoute } from "../jobs/kafka/route";
import { ensureTopicsVia, type TopicOutcome, type TopicSpec, validateTopicSpecs } from "../jobs/kafka/topics";
import { defineCommand, kafkaWhereOf, runCli, VERBOSE_FLAG, VERBOSE_HELP, VIA_SSH_FLAGS, VIA_SSH_HELP } from "../jobs/cli/command";

const usage = `Usage: npm run topics -- [options]      (or: npx tsx scripts/topics.ts [options])

Creates missing Kafka topics. Existing topics are left alone (or grown to the partitions asked),
so running it twice changes nothing the second time.

Where (one of):
  --stack <name>          a deployed stack: local -> its brokers on this machine; azure -> the brokers
                          Ambari lists, reached through the Kafka cluster's SSH endpoint
  --bootstrap <list>      host:port,... reachable from here

Topics (at least one):
  --topic <name>[:partitions[:replication]]   repeatable; default 3 partitions, replication factor 3
  --file <topics.json>    [{"topic": "words", "partitions": 3, "replicationFactor": 3, "configs": {"retention.ms": "3600000"}}]

Options:
  --no-grow               report topics with fewer partitions than asked instead of growing them
${VIA_SSH_HELP}
  --json                  print the outcome as JSON instead of a table
${VERBOSE_HELP}
  -h, --help

SSH (azure, or --via-ssh on local): key file SSH_PRIVATE_KEY_FILE, else ssh-agent (SSH_AUTH_SOCK),
else password SSH_PASSWORD. The host key is checked against ~/.ssh/known_hosts (or SSH_KNOWN_HOSTS),
or pinned with SSH_HOST_KEY_FINGERPRINT=SHA256:... On the local stack the cluster's own key and the
master's host key are read with docker exec. Secrets are never taken from the command line.
`;

const TOPIC_FILE = z.array(z.object({
  topic: z.string(),
  partitions: z.number().int().min(1),
  replicationFactor: z.number().int().min(1),
  configs: z.record(z.string(), z.string()).optional(),
}).strict());

/** `name[:partitions[:replication]]` */
export function parseTopicFlag(flag: string): TopicSpec {
  const match = /^([^:]+)(?::(\d+))?(?::(\d+))?$/.exec(flag);
  if (!match) throw new UsageError(`--topic "${flag}": expected name[:partitions[:replication]], e.g. words:3:3`);
  return { topic: match[1], partitions: Number(match[2] ?? 3), replicationFactor: Number(match[3] ?? 3) };
}

function readTopicFile(path: string): TopicSpec[] {
  const text = readWholeFile("--file ", path, 'give a JSON file of topics, e.g. [{"topic": "words", "partitions": 3, "replicationFactor": 3}]').toString("utf8");
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--file ${path}: not JSON (${(e as Error).message})`);
  }
  const parsed = TOPIC_FILE.safeParse(data);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new UsageError(`--file ${path}: at ${first.path.join(".") || "the top"}: ${first.message}`);
  }
  return parsed.data;
}

/** A plain text table: what people look at is aligned. */
export function renderTable(outcomes: TopicOutcome[]): string {
  const rows = [["topic", "action", "partitions", "replication", "note"], ...outcomes.map((o) => [o.topic, o.action, String(o.partitions), String(o.replicationFactor), o.note ?? ""])];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i])).join("  ").trimEnd()).join("\n") + "\n";
}

export const topics = defineCommand({
  name: "topics",
  summary: { usage: "`npm run topics`", does: "the word count's topics (or yours), created idempotently ([step by step](docs/wordcount.md))" },
  usage,
  exits: ["USAGE", "LOGIN_REFUSED", "NOT_FOUND", "UNAVAILABLE", "STACK_OUTPUTS", "TOPIC_SPEC", "SSH_GATEWAY", "KAFKA"],
  options: {
    stack: { type: "string" }, bootstrap: { type: "string" }, topic: { type: "string", multiple: true }, file: { type: "string" },
    "no-grow": { type: "boolean" }, ...VIA_SSH_FLAGS, json: { type: "boolean" }, ...VERBOSE_FLAG,
  },
  prefix: (started) => `topics: [${((Date.now() - started) / 1000).toFixed(1)} s] `,
  async run(f, c) {
    if ((f.stack === undefined) === (f.bootstrap === undefined)) throw new UsageError("say where Kafka is: --stack <name> or --bootstrap <host:port,...> (one of them)");
    const specs = [...(f.topic ?? []).map(parseTopicFlag), ...(f.file ? readTopicFile(f.file) : [])];
    if (!specs.length) throw new UsageError("no topic given: --topic name[:partitions[:replication]] or --file topics.json");
    validateTopicSpecs(specs);

    const plan = await planKafkaRoute(await kafkaWhereOf(c, f), c.route("kafka-spark-lab-topics", f.verbose));
    // Refuse impossible specs before opening a tunnel or contacting a broker.
    if (plan.brokerCount !== undefined) validateTopicSpecs(specs, plan.brokerCount);
    const route = await plan.open();
    try {
      c.note(`connecting to ${route.describe}`);
      c.note(`ensuring ${specs.length} topic${specs.length === 1 ? "" : "s"}: ${specs.map((s) => s.topic).join(", ")}`);
      const outcomes = await ensureTopicsVia(route, specs, { growPartitions: f["no-grow"] !== true });
      c.out(f.json ? `${JSON.stringify(outcomes, null, 2)}\n` : renderTable(outcomes));
      c.note("done");
      return 0;
    } finally {
      await route.close();
    }
  },
});

export const { main, USAGE } = topics;

if (require.main === module) runCli(topics, "topics");
