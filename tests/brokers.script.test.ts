/**
 * `scripts/brokers.ts`, the broker-list CLI: run as a subprocess (as a user runs it) for what
 * crosses the process boundary (stdout, stderr, exit codes, argv, environment), and through its
 * exported `main` with injected dependencies for the `--stack` paths (no Pulumi CLI here).
 */
import execa from "execa";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { PassThrough } from "node:stream";
import { inspect } from "node:util";
import { TerminalInput } from "../jobs/secrets";
import { plainOutputs, ReadStackOutputs, StackOutputs } from "../jobs/pulumiStack";
import { EXIT } from "../lib/errors";
import { main, USAGE } from "../scripts/brokers";
import { brokerHost, DEFAULT_ACCOUNT, FakeAmbari, FakeAmbariOptions, startFakeAmbari, zookeeperHost } from "./support/fakeAmbari";

const ROOT = join(__dirname, "..");
const TSX = join(ROOT, "node_modules", ".bin", "tsx");
const SCRIPT = join(ROOT, "scripts", "brokers.ts");
const PASSWORD = DEFAULT_ACCOUNT.password;
const BROKER_PATH = "/api/v1/clusters/kafka-mylab42/services/KAFKA/components/KAFKA_BROKER";

let fake: FakeAmbari | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function startFake(options: FakeAmbariOptions = {}): Promise<FakeAmbari> {
  fake = await startFakeAmbari(options);
  return fake;
}

/** Runs the CLI as a user would; the password only ever travels in the environment. */
function runBrokers(args: string[], env: Record<string, string | undefined> = {}) {
  expect(args.join(" ")).not.toContain(PASSWORD);
  return execa(TSX, [SCRIPT, ...args], {
    cwd: ROOT,
    env: { AMBARI_PASSWORD: PASSWORD, AMBARI_BACKOFF_MS: "1", AMBARI_RETRIES: "2", AMBARI_TIMEOUT_MS: "5000", ...env },
    reject: false,
    stripFinalNewline: false,
  });
}

// The fake Ambari speaks http (but for the TLS tests): --insecure-http says that is meant.
const clusterArgs = (f: FakeAmbari, ...more: string[]) => ["--cluster", f.cluster, "--ambari-url", f.url, ...(f.url.startsWith("http:") ? ["--insecure-http"] : []), ...more];

/** An expected failure: its exit code, one `error:` line on stderr, no stack trace, nothing on stdout. */
function expectCleanFailure(result: { exitCode: number; stdout: string; stderr: string }, exitCode: number) {
  expect({ exitCode: result.exitCode, stdout: result.stdout }).toEqual({ exitCode, stdout: "" });
  const errorLines = result.stderr.split("\n").filter((l) => l.startsWith("brokers: error: "));
  expect(errorLines).toHaveLength(1);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(result.stderr).not.toContain(PASSWORD);
  return errorLines[0];
}

function capture() {
  let text = "";
  return {
    write: (chunk: string) => {
      text += chunk;
      return true;
    },
    get text() {
      return text;
    },
  };
}

const noFetch: typeof fetch = async () => {
  throw new Error("no HTTP request was expected");
};

describe("output: pipe-friendly, as the tutorial's jq line", () => {
  test("prints the brokers on stdout as one comma-separated line (the tutorial's jq line: brokers.jq.tools.test.ts), progress on stderr", async () => {
    const f = await startFake({ brokerHosts: [0, 1, 2, 3].map((n) => brokerHost(n)) });
    const result = await runBrokers(clusterArgs(f));
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe(`${[0, 1, 2, 3].map((n) => `${brokerHost(n)}:9092`).join(",")}\n`);
    expect(result.stderr).toContain("asking Ambari at"); // progress goes to stderr, never stdout
    expect(result.stderr).not.toContain(PASSWORD);
    expect(f.requests).toEqual([{ method: "GET", path: BROKER_PATH, query: { fields: "host_components/HostRoles/host_name" }, user: "admin" }]);
  });

  test("sorts and deduplicates what Ambari lists in any order", async () => {
    const f = await startFake({ brokerHosts: [brokerHost(2), brokerHost(0), brokerHost(10), brokerHost(2)] });
    const result = await runBrokers(clusterArgs(f));
    expect(result.stdout).toBe(`${[0, 2, 10].map((n) => `${brokerHost(n)}:9092`).join(",")}\n`);
  });

  test("--zookeeper prints the ZooKeeper servers instead", async () => {
    const f = await startFake({ zookeeperHosts: [zookeeperHost(0), zookeeperHost(1), zookeeperHost(5)] });
    const result = await runBrokers(clusterArgs(f, "--zookeeper"));
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe(`${[0, 1, 5].map((n) => `${zookeeperHost(n)}:2181`).join(",")}\n`);
  });

  test("--json prints brokers, ZooKeeper servers and the kafka-broker configuration", async () => {
    const f = await startFake({ kafkaBrokerProperties: { "auto.create.topics.enable": "false", "ssl.key.password": "keystore-secret" } });
    const result = await runBrokers(clusterArgs(f, "--json"));
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      brokers: [0, 1, 2].map((n) => `${brokerHost(n)}:9092`),
      zookeeper: [0, 1, 2].map((n) => `${zookeeperHost(n)}:2181`),
      kafkaBrokerConfig: { "auto.create.topics.enable": "false", "ssl.key.password": "<hidden>" },
    });
    expect(f.requests).toHaveLength(4); // brokers, ZooKeeper, desired configs, kafka-broker config
  });

  test("recovers from two 503s (3 requests), saying so on stderr", async () => {
    const f = await startFake({ failFirst: { count: 2, status: 503 } });
    const result = await runBrokers(clusterArgs(f));
    expect(result.exitCode).toBe(0);
    expect(result.stdout.split(",")).toHaveLength(3);
    expect(f.requests).toHaveLength(3);
    expect(result.stderr).toMatch(/HTTP 503 .*; retry 1\/2 in 1 ms/);
    expect(result.stderr).toMatch(/retry 2\/2 in 2 ms/);
  });
});

describe("errors: one clear line, its own exit code, never the password", () => {
  const cases: Array<{ name: string; fake: FakeAmbariOptions; args?: string[]; env?: Record<string, string>; exitCode: number; says: string[] }> = [
    {
      name: "401 wrong password",
      fake: {},
      env: { AMBARI_PASSWORD: "Wr0ng!Password" },
      exitCode: EXIT.LOGIN_REFUSED,
      says: ['refused the login of user "admin" (HTTP 401)', "pulumi stack output clusterLoginPassword --show-secrets"],
    },
    {
      name: "403 forbidden user",
      fake: { accounts: [{ user: "viewer", password: PASSWORD, forbidden: true }] },
      args: ["--user", "viewer"],
      exitCode: EXIT.FORBIDDEN,
      says: ['User "viewer" logged in but may not read', "HTTP 403"],
    },
    {
      name: "404 cluster name in the wrong case",
      fake: {},
      args: ["--cluster", "Kafka-MyLab42"],
      exitCode: EXIT.NOT_FOUND,
      says: ["Cluster not found, clusterName=Kafka-MyLab42", "case-sensitive"],
    },
    {
      name: "HTML login page instead of JSON",
      fake: { htmlLoginPage: true },
      exitCode: EXIT.BAD_RESPONSE,
      says: ['content-type "text/html; charset=utf-8"', "not Ambari's JSON"],
    },
    {
      name: "TLS self-signed certificate",
      fake: { https: true },
      exitCode: EXIT.TLS,
      says: ["DEPTH_ZERO_SELF_SIGNED_CERT", "NODE_EXTRA_CA_CERTS"],
    },
    {
      name: "Ambari never ready (bounded retries)",
      fake: { failFirst: { count: 100, status: 503 } },
      exitCode: EXIT.UNAVAILABLE,
      says: ["Gave up after 3 attempts", "HTTP 503"],
    },
  ];

  test.each(cases)("$name: exit $exitCode with its own message", async ({ fake: options, args = [], env, exitCode, says }) => {
    const f = await startFake(options);
    const result = await runBrokers([...clusterArgs(f), ...args], env);
    const line = expectCleanFailure(result, exitCode);
    for (const text of says) expect(line).toContain(text);
    if (env?.AMBARI_PASSWORD) expect(result.stderr).not.toContain(env.AMBARI_PASSWORD);
  });

  test("each failure has its own exit code: the cases above expect different ones (each test checks its own)", () => {
    expect(new Set(cases.map((c) => c.exitCode)).size).toBe(cases.length);
  });

  test("the TLS error's advice works: trusting the certificate with NODE_EXTRA_CA_CERTS succeeds", async () => {
    const f = await startFake({ https: true });
    const result = await runBrokers(clusterArgs(f), { NODE_EXTRA_CA_CERTS: f.certificatePath });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe(`${[0, 1, 2].map((n) => `${brokerHost(n)}:9092`).join(",")}\n`);
  });

  test("--password is refused, explaining why and how; the value is not echoed, nothing is asked", async () => {
    const f = await startFake();
    const result = await runBrokers(clusterArgs(f, "--password", "Dummy-Value-123"));
    const line = expectCleanFailure(result, EXIT.USAGE);
    expect(line).toContain("--password is refused");
    expect(line).toContain("visible to other users (ps");
    expect(line).toContain("AMBARI_PASSWORD");
    expect(result.stderr).not.toContain("Dummy-Value-123");
    expect(f.requests).toHaveLength(0);
  });

  test("no AMBARI_PASSWORD and no terminal to prompt on: a clear error, nothing sent", async () => {
    const f = await startFake();
    const result = await runBrokers(clusterArgs(f), { AMBARI_PASSWORD: undefined });
    const line = expectCleanFailure(result, EXIT.USAGE);
    expect(line).toContain('No password for Ambari user "admin": set AMBARI_PASSWORD');
    expect(f.requests).toHaveLength(0);
  });

  test("while the script runs, no process on the machine has the password in its argv", async () => {
    const f = await startFake({ delayMs: 1500 });
    const child = runBrokers(clusterArgs(f));
    // Readiness, not a fixed sleep: the fake has the request, so the script is mid-lookup.
    while (f.requests.length === 0 && child.exitCode === null) await new Promise((r) => setTimeout(r, 20));
    const commandLines = readdirSync("/proc")
      .filter((pid) => /^\d+$/.test(pid))
      .map((pid) => {
        try {
          return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ");
        } catch {
          return ""; // the process ended meanwhile
        }
      });
    expect(commandLines.some((c) => c.includes("scripts/brokers.ts"))).toBe(true); // the scan does see the script
    expect(commandLines.filter((c) => c.includes(PASSWORD))).toEqual([]);
    expect((await child).exitCode).toBe(0);
  });

  test("--stack without the Pulumi CLI says to install it or use --cluster/--ambari-url/--user (exit 9)", async () => {
    const result = await runBrokers(["--stack", "azure"], { PATH: dirname(process.execPath) });
    const line = expectCleanFailure(result, EXIT.STACK_OUTPUTS);
    expect(line).toContain("install the Pulumi CLI");
    expect(line).toContain("or use --cluster/--ambari-url/--user");
  });
});

describe("main() with injected dependencies", () => {
  const LOCAL_OUTPUTS = { target: "local", bootstrapServersHost: "localhost:9092,localhost:9093,localhost:9094" };

  function depsWith(outputs: StackOutputs, more: Record<string, unknown> = {}) {
    const stdout = capture();
    const stderr = capture();
    const calls: Array<[string, { workDir: string }]> = [];
    const reader: ReadStackOutputs = async (stackName, options) => {
      calls.push([stackName, options]);
      return outputs;
    };
    return { stdout, stderr, calls, deps: { stdout, stderr, env: {}, readStackOutputs: reader, fetch: noFetch, workDir: "/repo", ...more } };
  }

  test("--stack local prints the stack's bootstrapServersHost without any HTTP request", async () => {
    const { stdout, calls, deps } = depsWith(LOCAL_OUTPUTS);
    await expect(main(["--stack", "dev"], deps)).resolves.toBe(EXIT.OK);
    expect(stdout.text).toBe("localhost:9092,localhost:9093,localhost:9094\n");
    expect(calls).toEqual([["dev", { workDir: "/repo" }]]);
  });

  test("--stack local --json: brokers as a list, no ZooKeeper (KRaft), no Ambari config", async () => {
    const { stdout, deps } = depsWith(LOCAL_OUTPUTS);
    await expect(main(["--stack", "dev", "--json"], deps)).resolves.toBe(EXIT.OK);
    expect(JSON.parse(stdout.text)).toEqual({ brokers: ["localhost:9092", "localhost:9093", "localhost:9094"], zookeeper: [], kafkaBrokerConfig: null });
  });

  test("--stack azure uses the outputs' Ambari URL, cluster, user and (secret) password", async () => {
    const secret = "0utputs!Secret-77";
    const f = await startFake({ cluster: "kafka-lab42", accounts: [{ user: "labadmin", password: secret }] });
    const outputs = plainOutputs({
      target: { value: "azure", secret: false },
      kafkaAmbariUrl: { value: f.url, secret: false },
      kafkaClusterName: { value: "kafka-lab42", secret: false },
      clusterLoginUser: { value: "labadmin", secret: false },
      clusterLoginPassword: { value: secret, secret: true },
    });
    const { stdout, stderr, deps } = depsWith(outputs, { fetch: globalThis.fetch, env: { AMBARI_BACKOFF_MS: "1" } });
    await expect(main(["--stack", "azure"], deps)).resolves.toBe(EXIT.OK);
    expect(stdout.text).toBe(`${[0, 1, 2].map((n) => `${brokerHost(n)}:9092`).join(",")}\n`);
    expect(f.requests.map((r) => [r.path, r.user])).toEqual([["/api/v1/clusters/kafka-lab42/services/KAFKA/components/KAFKA_BROKER", "labadmin"]]);
    expect(stderr.text).not.toContain(secret);
  });

  test("--stack azure with a missing output names it (exit 9)", async () => {
    const { stderr, deps } = depsWith({ target: "azure", kafkaAmbariUrl: "https://kafka-lab42.azurehdinsight.net" });
    await expect(main(["--stack", "azure"], deps)).resolves.toBe(EXIT.STACK_OUTPUTS);
    expect(stderr.text).toBe('brokers: error: Stack "azure" has no output kafkaClusterName: was `pulumi up --stack azure` run to the end?\n');
  });

  test("stack outputs: secrets are unwrapped for use but left out of logs and JSON", () => {
    const outputs = plainOutputs({ clusterLoginUser: { value: "admin", secret: false }, clusterLoginPassword: { value: PASSWORD, secret: true } });
    expect(outputs.clusterLoginPassword).toBe(PASSWORD);
    expect(JSON.stringify(outputs)).toBe('{"clusterLoginUser":"admin"}');
    expect(inspect(outputs)).not.toContain(PASSWORD);
    expect({ ...outputs }).toEqual({ clusterLoginUser: "admin" });
  });

  test("on a terminal without AMBARI_PASSWORD, a hidden prompt on stderr reads it (backspace works, nothing echoed)", async () => {
    const f = await startFake();
    const rawModes: boolean[] = [];
    const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode: (mode: boolean) => rawModes.push(mode) }) as unknown as TerminalInput;
    const { stdout, stderr, deps } = depsWith({}, { stdin, fetch: globalThis.fetch });
    (stdin as unknown as PassThrough).write(`${PASSWORD}X\u007f\r`);
    await expect(main(clusterArgs(f), deps)).resolves.toBe(EXIT.OK);
    expect(stdout.text.split(",")).toHaveLength(3);
    expect(stderr.text).toContain("Ambari password for admin: \n");
    expect(stderr.text).not.toContain(PASSWORD);
    expect(rawModes).toEqual([true, false]);
    expect(f.requests[0].user).toBe("admin");
  });

  test.each([
    [[], "say which cluster: --stack <name> or --cluster <name>"],
    [["--stack", "dev", "--cluster", "kafka-x"], "give --stack or --cluster, not both"],
    [["--stack", "dev", "--user", "bob"], "--ambari-url and --user go with --cluster"],
    [["--cluster", "kafka-x", "--zookeeper", "--json"], "--json already includes the ZooKeeper servers"],
    [["--cluster", "kafka-x", "--user", "admin:Typed-Secret-1"], "--user takes the user name only"],
    [["--cluster", "kafka-x", "--passwd=Typed-Secret-1"], "--passwd is refused"],
    [["--cluster", "kafka-x", "Typed-Secret-1"], "takes no positional arguments (not shown here)"],
    [["--cluster", "kafka-x", "--ambari-url", "https://admin:Typed-Secret-1@kafka-x.azurehdinsight.net"], "--ambari-url: the URL carries credentials, which would be visible to other users (ps) and stay in shell history; not shown here. Put them in AMBARI_PASSWORD instead"],
    [["--cluster", "kafka-x", "--ambari-url", "http://kafka-x.example:8080"], "--ambari-url http://kafka-x.example:8080: http:// would send the login in clear; use https://, or pass --insecure-http"],
    [["--cluster", "kafka-x", "--ambari-url", "not a url Typed-Secret-1"], "--ambari-url: not a URL (expected https://host/path or http://host:port); not shown here in case it holds a secret"],
  ])("usage error %j: exit 2, says %s, echoes no secret", async (argv, says) => {
    const { stdout, stderr, deps } = depsWith({}, { env: { AMBARI_PASSWORD: PASSWORD } });
    await expect(main(argv, deps)).resolves.toBe(EXIT.USAGE);
    expect(stdout.text).toBe("");
    expect(stderr.text).toContain(says);
    // One error line, then where the help is (the same for every command: jobs/cli/command.ts runCommand).
    expect(stderr.text.trimEnd().split("\n")).toEqual([expect.stringMatching(/^brokers: error: /), "See: npm run brokers -- --help"]);
    expect(stderr.text).not.toContain("Typed-Secret-1");
  });

  test("--help prints the usage, with the exit codes, on stdout", async () => {
    const { stdout, deps } = depsWith({});
    await expect(main(["--help"], deps)).resolves.toBe(EXIT.OK);
    expect(stdout.text).toBe(USAGE);
    expect(USAGE).toContain("Exit codes: 0 done");
  });
});
