// Prints a Kafka cluster's broker list (host:9092,...), as the tutorial's `curl | jq` line does,
// from a deployed stack's outputs or from explicit flags. stdout carries only the answer, so the
// command pipes; progress and errors go to stderr. `main` is exported for tests.
import { join } from "node:path";
import { AmbariClient } from "../jobs/ambari";
import { HOW_TO_PASS_PASSWORD, PASSWORD_ENV, resolvePassword, TerminalInput, TextOutput } from "../jobs/secrets";
import { ReadStackOutputs, readStackOutputs } from "../jobs/stackOutputs";
import { AmbariTarget, EXIT, exitCodeFor, LocalTarget, parseFlags, retryNote, runCli, runCommand, targetFromOutputs, UsageError } from "./cli";

export { EXIT, exitCodeFor, targetFromOutputs, UsageError };

export const USAGE = `Usage: npm run brokers -- [options]      (or: npx tsx scripts/brokers.ts [options])

Prints the Kafka brokers of an HDInsight Kafka cluster, host:9092,host:9092,... (what the
tutorial's curl | jq line prints), asking Ambari's REST API. Only the answer goes to stdout.

Which cluster (one of):
  --stack <name>        a deployed stack of this project (needs the Pulumi CLI); for a local
                        stack, prints its bootstrapServersHost without asking Ambari
  --cluster <name>      the Kafka cluster's name (case-sensitive), with:
    --ambari-url <url>  default https://<cluster>.azurehdinsight.net
    --user <name>       default admin

What to print (default: the broker list):
  --zookeeper           the ZooKeeper servers, host:2181,... instead
  --json                {"brokers": [...], "zookeeper": [...], "kafkaBrokerConfig": {...}}
  -h, --help            this text

Password (with --cluster): ${PASSWORD_ENV} in the environment, else a hidden prompt on a
terminal. There is no --password: command lines are visible to other users (ps).
Tuning (environment): AMBARI_RETRIES (5), AMBARI_BACKOFF_MS (1000, doubles each retry),
AMBARI_TIMEOUT_MS (30000 per request).

Exit codes: 0 done, 1 unexpected error, 2 usage or no password, 3 login refused (401),
4 forbidden (403), 5 cluster not found (404), 6 TLS certificate problem, 7 answer not
Ambari's JSON or not as expected, 8 Ambari unreachable or not ready (gave up),
9 stack outputs unavailable (Pulumi CLI missing, no such stack, missing outputs).
`;

export interface BrokersDeps {
  stdout: TextOutput;
  stderr: TextOutput;
  stdin: TerminalInput;
  env: Record<string, string | undefined>;
  fetch: typeof fetch;
  readStackOutputs: ReadStackOutputs;
  /** Where Pulumi.yaml lives (the repository root). */
  workDir: string;
}

const OPTIONS = {
  stack: { type: "string" },
  cluster: { type: "string" },
  "ambari-url": { type: "string" },
  user: { type: "string" },
  zookeeper: { type: "boolean" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

const REFUSED_PASSWORD_FLAGS = /^(--password|--passwd|--pass|-p)(=|$)/;

export async function main(argv: string[], overrides: Partial<BrokersDeps> = {}): Promise<number> {
  const deps: BrokersDeps = {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    fetch: globalThis.fetch,
    readStackOutputs,
    workDir: join(__dirname, ".."),
    ...overrides,
  };
  return runCommand("brokers", deps, async ({ secrets, out, note }) => {
    const args = parseCommandLine(argv);
    if (args.help) {
      out(USAGE);
      return EXIT.OK;
    }
    const tuning = clientTuning(deps.env);
    const target = await resolveTarget(args, deps, secrets);

    if (target.kind === "local") {
      if (args.zookeeper) throw new UsageError("a local stack runs Kafka in KRaft mode: it has no ZooKeeper");
      const brokers = target.bootstrapServers.split(",").filter(Boolean);
      out(args.json ? json({ brokers, zookeeper: [], kafkaBrokerConfig: null }) : `${brokers.join(",")}\n`);
      return EXIT.OK;
    }

    const { baseUrl, cluster, user, password } = target;
    const client = new AmbariClient({
      baseUrl,
      cluster,
      user,
      password,
      ...tuning,
      fetch: deps.fetch,
      onRetry: retryNote(note),
    });
    const what = args.json ? "brokers, ZooKeeper servers and broker configuration" : args.zookeeper ? "ZooKeeper servers" : "Kafka brokers";
    note(`asking Ambari at ${client.baseUrl} (user ${client.user}) for the ${what} of cluster "${client.cluster}"`);

    if (args.json) {
      const [brokers, zookeeper, kafkaBrokerConfig] = await Promise.all([
        client.kafkaBrokers(),
        client.zookeeperHosts(),
        client.kafkaBrokerConfig(),
      ]);
      out(json({ brokers, zookeeper, kafkaBrokerConfig: hideSecretProperties(kafkaBrokerConfig) }));
    } else {
      const hosts = args.zookeeper ? await client.zookeeperHosts() : await client.kafkaBrokers();
      out(`${hosts.join(",")}\n`);
    }
    return EXIT.OK;
  });
}

interface CommandLine {
  stack?: string;
  cluster?: string;
  ambariUrl?: string;
  user?: string;
  zookeeper: boolean;
  json: boolean;
  help: boolean;
}

function parseCommandLine(argv: string[]): CommandLine {
  const end = argv.indexOf("--");
  for (const token of end < 0 ? argv : argv.slice(0, end)) {
    const flag = REFUSED_PASSWORD_FLAGS.exec(token)?.[1];
    if (flag) {
      throw new UsageError(
        `${flag} is refused: a password on the command line is visible to other users (ps, /proc) and stays in shell history. ` +
          `Instead, ${HOW_TO_PASS_PASSWORD}.`,
      );
    }
  }
  const values = parseFlags(argv, OPTIONS);
  const args: CommandLine = {
    stack: values.stack as string | undefined,
    cluster: values.cluster as string | undefined,
    ambariUrl: values["ambari-url"] as string | undefined,
    user: values.user as string | undefined,
    zookeeper: values.zookeeper === true,
    json: values.json === true,
    help: values.help === true,
  };
  if (args.help) return args;
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

async function resolveTarget(args: CommandLine, deps: BrokersDeps, secrets: string[]): Promise<AmbariTarget | LocalTarget> {
  if (args.stack !== undefined) {
    const outputs = await deps.readStackOutputs(args.stack, { workDir: deps.workDir });
    const target = targetFromOutputs(args.stack, outputs);
    if (target.kind === "ambari") secrets.push(target.password);
    return target;
  }
  const cluster = args.cluster as string;
  const baseUrl = args.ambariUrl ?? `https://${cluster}.azurehdinsight.net`;
  checkAmbariUrl(baseUrl);
  const user = args.user ?? "admin";
  const password = await resolvePassword({ env: deps.env, stdin: deps.stdin, prompt: deps.stderr, user });
  secrets.push(password);
  return { kind: "ambari", baseUrl, cluster, user, password };
}

function checkAmbariUrl(baseUrl: string): void {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new UsageError(`--ambari-url "${baseUrl}" is not a URL (expected https://CLUSTER.azurehdinsight.net)`);
  }
  if (url.username || url.password) {
    throw new UsageError(`--ambari-url must not carry credentials: they would be visible to other users (ps). Instead, ${HOW_TO_PASS_PASSWORD}.`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new UsageError(`--ambari-url must be an https:// URL (http:// only for a test server)`);
}

function clientTuning(env: Record<string, string | undefined>): { retries?: number; backoffMs?: number; timeoutMs?: number } {
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

if (require.main === module) runCli("brokers", () => main(process.argv.slice(2)));
