// Creates the Kafka topics a job needs, idempotently, on a deployed stack or any bootstrap list.
// On Azure the brokers come from Ambari and are reached through the cluster's SSH endpoint, as
// they live inside the VNet. Prints a table of what it did; `main` is exported for tests.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Kafka, logLevel } from "kafkajs";
import { z } from "zod";
import { readLocalSshAccess } from "../jobs/localCluster";
import { SshGateway, SshGatewayOptions } from "../jobs/sshGateway";
import { parseOutputs, ReadStackOutputs, readStackOutputs } from "../jobs/stackOutputs";
import { adminPerBroker, ensureTopics, TopicOutcome, TopicSpec, validateTopicSpecs } from "../jobs/topics";
import { EXIT, parseFlags, runCli, runCommand, targetFromOutputs, UsageError, Writable } from "./cli";
import { azureKafkaRoute } from "./kafkaRoute";

export const USAGE = `Usage: npm run topics -- [options]      (or: npx tsx scripts/topics.ts [options])

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
  --via-ssh               local stack: go through the master's sshd, as on Azure
  --insecure-accept-any-host-key   local stack only: skip the SSH host-key check
  --json                  print the outcome as JSON instead of a table
  -h, --help

SSH (azure, or --via-ssh on local): key file SSH_PRIVATE_KEY_FILE, else ssh-agent (SSH_AUTH_SOCK),
else password SSH_PASSWORD. The host key is checked against ~/.ssh/known_hosts (or SSH_KNOWN_HOSTS),
or pinned with SSH_HOST_KEY_FINGERPRINT=SHA256:... On the local stack the cluster's own key and the
master's host key are read with docker exec. Secrets are never taken from the command line.
`;

export interface TopicsDeps {
  stdout: Writable;
  stderr: Writable;
  env: Record<string, string | undefined>;
  readStackOutputs: ReadStackOutputs;
  readLocalSshAccess: typeof readLocalSshAccess;
  openGateway: (options: SshGatewayOptions) => Promise<SshGateway>;
  fetch: typeof fetch;
  workDir: string;
}

const OPTIONS = {
  stack: { type: "string" },
  bootstrap: { type: "string" },
  topic: { type: "string", multiple: true },
  file: { type: "string" },
  "no-grow": { type: "boolean" },
  "via-ssh": { type: "boolean" },
  "insecure-accept-any-host-key": { type: "boolean" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

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
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new UsageError(`--file ${path}: ${(e as Error).message}`);
  }
  const parsed = TOPIC_FILE.safeParse(data);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new UsageError(`--file ${path}: at ${first.path.join(".") || "the top"}: ${first.message}`);
  }
  return parsed.data;
}

/** Where Kafka is and how to reach it. */
interface Route {
  brokers: string[];
  /** Known broker count, so impossible specs fail before any Kafka call. */
  brokerCount?: number;
  gateway?: SshGatewayOptions;
  describe: string;
}

async function resolveRoute(values: Record<string, unknown>, deps: TopicsDeps, secrets: string[], note: (t: string) => void): Promise<Route> {
  if (values.bootstrap !== undefined) {
    if (values["via-ssh"] || values["insecure-accept-any-host-key"]) throw new UsageError("--via-ssh and --insecure-accept-any-host-key go with --stack");
    const brokers = String(values.bootstrap).split(",").filter(Boolean);
    return { brokers, describe: `brokers ${brokers.join(",")}` };
  }
  const stack = String(values.stack);
  const outputs = await deps.readStackOutputs(stack, { workDir: deps.workDir });
  const target = targetFromOutputs(stack, outputs);
  const insecure = values["insecure-accept-any-host-key"] === true;

  if (target.kind === "local") {
    const hostBrokers = target.bootstrapServers.split(",");
    if (!values["via-ssh"]) {
      if (insecure) throw new UsageError("--insecure-accept-any-host-key goes with --via-ssh");
      return { brokers: hostBrokers, brokerCount: hostBrokers.length, describe: `local stack "${stack}" (${target.bootstrapServers})` };
    }
    const { sshEndpoint: ssh, bootstrapServersInternal } = parseOutputs(stack, outputs, "local", ["sshEndpoint", "bootstrapServersInternal"]);
    const internal = bootstrapServersInternal.split(",");
    const access = await deps.readLocalSshAccess();
    secrets.push(access.privateKey);
    return {
      brokers: internal,
      brokerCount: internal.length,
      gateway: {
        // Ports are published on 127.0.0.1 only; "localhost" may resolve to ::1 first.
        host: ssh.host === "localhost" ? "127.0.0.1" : ssh.host,
        port: ssh.port,
        username: ssh.user,
        privateKey: access.privateKey,
        hostKey: insecure ? { insecureAcceptAnyHostKey: true } : { fingerprint: access.hostKeyFingerprint },
      },
      describe: `local stack "${stack}" through the SSH gateway ${ssh.host}:${ssh.port}`,
    };
  }

  if (insecure) throw new UsageError("--insecure-accept-any-host-key is for the local stack only: on Azure the host key is always checked");
  const route = await azureKafkaRoute(stack, target, { env: deps.env, fetch: deps.fetch, secrets, note });
  return { ...route, brokerCount: route.brokers.length };
}

/** A plain text table: what people look at is aligned. */
export function renderTable(outcomes: TopicOutcome[]): string {
  const rows = [["topic", "action", "partitions", "replication", "note"], ...outcomes.map((o) => [o.topic, o.action, String(o.partitions), String(o.replicationFactor), o.note ?? ""])];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i])).join("  ").trimEnd()).join("\n") + "\n";
}

export async function main(argv: string[], overrides: Partial<TopicsDeps> = {}): Promise<number> {
  const deps: TopicsDeps = {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    readStackOutputs,
    readLocalSshAccess,
    openGateway: (options) => SshGateway.open(options),
    fetch: globalThis.fetch,
    workDir: join(__dirname, ".."),
    ...overrides,
  };
  const started = Date.now();
  let gateway: SshGateway | undefined;
  let disconnect: (() => Promise<void>) | undefined;
  try {
    return await runCommand("topics", deps, async ({ secrets, out, note }) => {
      const values = parseFlags(argv, OPTIONS);
      if (values.help) {
        out(USAGE);
        return EXIT.OK;
      }
      if ((values.stack === undefined) === (values.bootstrap === undefined)) throw new UsageError("say where Kafka is: --stack <name> or --bootstrap <host:port,...> (one of them)");
      const specs = [...((values.topic as string[] | undefined) ?? []).map(parseTopicFlag), ...(values.file ? readTopicFile(String(values.file)) : [])];
      if (!specs.length) throw new UsageError("no topic given: --topic name[:partitions[:replication]] or --file topics.json");

      validateTopicSpecs(specs);
      const route = await resolveRoute(values, deps, secrets, note);
      // Refuse impossible specs before opening a tunnel or contacting a broker.
      if (route.brokerCount !== undefined) validateTopicSpecs(specs, route.brokerCount);
      if (route.gateway) {
        note(`opening the SSH gateway ${route.gateway.username}@${route.gateway.host}:${route.gateway.port ?? 22}`);
        gateway = await deps.openGateway(route.gateway);
      }
      note(`connecting to ${route.describe}`);
      const kafkaConfig = { clientId: "kafka-spark-lab-topics", brokers: route.brokers, socketFactory: gateway?.socketFactory, logLevel: logLevel.NOTHING };
      const kafka = new Kafka(kafkaConfig);
      const admin = kafka.admin();
      disconnect = () => admin.disconnect();
      await admin.connect();
      note(`ensuring ${specs.length} topic${specs.length === 1 ? "" : "s"}: ${specs.map((s) => s.topic).join(", ")}`);
      const outcomes = await ensureTopics(admin, specs, {
        growPartitions: values["no-grow"] !== true,
        brokerCount: route.brokerCount,
        brokerAdmin: adminPerBroker(kafkaConfig),
      });
      out(values.json ? `${JSON.stringify(outcomes, null, 2)}\n` : renderTable(outcomes));
      note("done");
      return EXIT.OK;
    }, () => `topics: [${((Date.now() - started) / 1000).toFixed(1)} s] `);
  } finally {
    await disconnect?.().catch(() => undefined);
    await gateway?.close();
  }
}

if (require.main === module) runCli("topics", () => main(process.argv.slice(2)));
