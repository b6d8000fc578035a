// Prints a Kafka cluster's broker list (host:9092,...), as the tutorial's `curl | jq` line does,
// from a deployed stack's outputs or from explicit flags. stdout carries only the answer, so the
// command pipes; progress and errors go to stderr.
import { gatewayFetch } from "../jobs/twin/access";
import { AmbariClient, type AmbariClientOptions } from "../jobs/azure/ambari";
import { UsageError } from "../lib/errors";
import { ambariLoginOf, type Env, retryNote } from "../jobs/kafka/route";
import { parseOutputs } from "../jobs/pulumiStack";
import { HOW_TO_PASS_PASSWORD, PASSWORD_ENV, resolvePassword } from "../jobs/secrets";
import { type CommandContext, defineCommand, type Flags, refusePasswordFlags, runCli, serviceUrlFlag } from "../jobs/cli/command";

const usage = `Usage: npm run brokers -- [options]      (or: npx tsx scripts/brokers.ts [options])

Prints the Kafka brokers of an HDInsight Kafka cluster, host:9092,host:9092,... (what the
tutorial's curl | jq line prints), asking Ambari's REST API. Only the answer goes to stdout.

Which cluster (one of):
  --stack <name>        a deployed stack of this project (needs the Pulumi CLI); for a local
                        stack, prints its bootstrapServersHost without asking Ambari
  --cluster <name>      the Kafka cluster's name (case-sensitive), with:
    --ambari-url <url>  default https://<cluster>.azurehdinsight.net
    --insecure-http     allow an http:// --ambari-url (the password then goes in clear)
    --user <name>       default admin

What to print (default: the broker list):
  --zookeeper           the ZooKeeper servers, host:2181,... instead
  --json                {"brokers": [...], "zookeeper": [...], "kafkaBrokerConfig": {...}}
  -h, --help            this text

Password (with --cluster): ${PASSWORD_ENV} in the environment, else a hidden prompt on a
terminal. There is no --password: command lines are visible to other users (ps).
Tuning (environment): AMBARI_RETRIES (5), AMBARI_BACKOFF_MS (1000, doubles each retry),
AMBARI_TIMEOUT_MS (30000 per request).

`;

const OPTIONS = {
  stack: { type: "string" },
  cluster: { type: "string" },
  "ambari-url": { type: "string" },
  user: { type: "string" },
  zookeeper: { type: "boolean" },
  json: { type: "boolean" },
  "insecure-http": { type: "boolean" },
} as const;

export const brokers = defineCommand({
  name: "brokers",
  summary: { usage: "`npm run brokers -- --stack <name>`", does: "the broker list, as the tutorial's `curl \\| jq` line prints it" },
  usage,
  exits: ["USAGE", "LOGIN_REFUSED", "FORBIDDEN", "NOT_FOUND", "TLS", "BAD_RESPONSE", "UNAVAILABLE", "STACK_OUTPUTS"],
  options: OPTIONS,
  checkArgv: refusePasswordFlags,
  async run(f, c) {
    const args = commandLine(f);
    const tuning = clientTuning(c.deps.env);
    const target = await resolveTarget(args, c);

    if ("local" in target) {
      if (args.zookeeper) throw new UsageError("a local stack runs Kafka in KRaft mode: it has no ZooKeeper");
      c.out(args.json ? json({ brokers: target.local, zookeeper: [], kafkaBrokerConfig: null }) : `${target.local.join(",")}\n`);
      return 0;
    }

    const client = new AmbariClient({ ...target, ...tuning, fetch: target.fetch ?? c.deps.fetch, onRetry: retryNote(c.note) });
    const what = args.json ? "brokers, ZooKeeper servers and broker configuration" : args.zookeeper ? "ZooKeeper servers" : "Kafka brokers";
    c.note(`asking Ambari at ${client.baseUrl} (user ${client.user}) for the ${what} of cluster "${client.cluster}"`);

    if (args.json) {
      const [kafka, zookeeper, kafkaBrokerConfig] = await Promise.all([client.kafkaBrokers(), client.zookeeperHosts(), client.kafkaBrokerConfig()]);
      c.out(json({ brokers: kafka, zookeeper, kafkaBrokerConfig: hideSecretProperties(kafkaBrokerConfig) }));
    } else {
      const hosts = args.zookeeper ? await client.zookeeperHosts() : await client.kafkaBrokers();
      c.out(`${hosts.join(",")}\n`);
    }
    return 0;
  },
});

export const { main, USAGE } = brokers;

interface CommandLine {
  stack?: string;
  cluster?: string;
  ambariUrl?: string;
  insecureHttp: boolean;
  user?: string;
  zookeeper: boolean;
  json: boolean;
}

function commandLine(values: Flags<typeof OPTIONS>): CommandLine {
  const args: CommandLine = {
    stack: values.stack,
    cluster: values.cluster,
    ambariUrl: values["ambari-url"],
    insecureHttp: values["insecure-http"] === true,
    user: values.user,
    zookeeper: values.zookeeper === true,
    json: values.json === true,
  };
  if (args.stack !== undefined && args.cluster !== undefined) throw new UsageError("give --stack or --cluster, not both");
  if (args.stack === undefined && args.cluster === undefined) throw new UsageError("say which cluster: --stack <name> or --cluster <name>");
  if (args.stack !== undefined && (args.ambariUrl !== undefined || args.user !== undefined)) {
    // Silently ignoring them would be a surprise: with --stack, they come from the outputs.
    throw new UsageError("--ambari-url and --user go with --cluster; with --stack they come from the stack's outputs");
  }
  if (args.zookeeper && args.json) throw new UsageError("--json already includes the ZooKeeper servers: give one of --zookeeper, --json");
  if (args.cluster !== undefined && !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(args.cluster)) {
    throw new UsageError(`--cluster "${args.cluster}" is not a cluster name (letters, digits, hyphens)`);
  }
  if (args.user?.includes(":")) {
    throw new UsageError(
      `--user takes the user name only: a user:password pair on the command line is visible to other users (ps). Instead, ${HOW_TO_PASS_PASSWORD}.`,
    );
  }
  return args;
}

type AmbariLogin = Pick<AmbariClientOptions, "baseUrl" | "cluster" | "user" | "password" | "fetch">;

/** The Ambari to ask: from the stack's outputs, or from the flags and a password from the environment or a prompt; a local stack's brokers as they are. */
async function resolveTarget(args: CommandLine, c: CommandContext): Promise<{ local: string[] } | AmbariLogin> {
  if (args.stack !== undefined) {
    const outputs = await c.readStack(args.stack);
    if (outputs.target === "local") return { local: parseOutputs(args.stack, outputs, "local", ["bootstrapServersHost"]).bootstrapServersHost.split(",").filter(Boolean) };
    return { ...ambariLoginOf(args.stack, outputs, c.secrets), fetch: gatewayFetch(args.stack, outputs, "kafka", c.deps.fetch, c.deps.readTwinAccess) };
  }
  const cluster = args.cluster as string;
  const baseUrl = args.ambariUrl ?? `https://${cluster}.azurehdinsight.net`;
  // Basic auth: no credentials in the URL (never echoed), and https unless --insecure-http.
  serviceUrlFlag("ambari-url", baseUrl, { insecureHttp: args.insecureHttp, hasLogin: true, credentialsFrom: PASSWORD_ENV });
  const user = args.user ?? "admin";
  const password = await resolvePassword({ env: c.deps.env, stdin: c.deps.stdin, prompt: c.deps.stderr, user });
  c.secrets.add(password);
  return { baseUrl, cluster, user, password };
}

function clientTuning(env: Env): { retries?: number; backoffMs?: number; timeoutMs?: number } {
  const whole = (name: string, min: number): number | undefined => {
    const raw = env[name];
    if (raw === undefined || raw === "") return undefined;
    if (!/^\d+$/.test(raw) || Number(raw) < min) throw new UsageError(`${name} must be a whole number of at least ${min}, not "${raw}"`);
    return Number(raw);
  };
  return { retries: whole("AMBARI_RETRIES", 0), backoffMs: whole("AMBARI_BACKOFF_MS", 0), timeoutMs: whole("AMBARI_TIMEOUT_MS", 1) };
}

/** Ambari may return password-type properties; they have no business on a terminal. */
function hideSecretProperties(properties: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, /password|secret/i.test(k) ? "<hidden>" : v]));
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

if (require.main === module) runCli(brokers, "brokers");
