/**
 * #23 item 4: every Azure-facing command, run in-process on an Azure-shaped stack whose Ambari,
 * SSH gateway and Livy answer errors that quote the cluster login password, the SSH password and
 * the SSH private key verbatim. None of them may reach stdout, stderr or any file the command
 * writes (under HOME, XDG_CACHE_HOME, TMPDIR and the working directory, all temporary here).
 * The secrets come from the stack outputs and the environment, never from argv.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Server as SshServer, utils } from "ssh2";
import { AmbariClient, type AmbariClientOptions } from "../jobs/azure/ambari";
import { LivyClient, LivyJobDeadError } from "../jobs/spark/livy";
import { JupyterContentsClient } from "../jobs/notebooks/jupyter";
import { fingerprintOf, publicKeyBlob, SshGateway, type SshGatewayOptions } from "../jobs/kafka/sshGateway";
import type { Command, CommandDeps } from "../jobs/cli/command";
import { runMain } from "./support/commands";
import { brokers } from "../scripts/brokers";
import { cost } from "../scripts/cost";
import { extend } from "../scripts/extend";
import { load } from "../scripts/load";
import { notebook } from "../scripts/notebook";
import { results } from "../scripts/results";
import { submit } from "../scripts/submit";
import { topics } from "../scripts/topics";
import { wordcount } from "../scripts/wordcount";
import { startFakeAmbari, type FakeAmbari } from "./support/fakeAmbari";
import { jobJarBlobName, sourceHash } from "../stacks/jobJar";

const CLUSTER_PASSWORD = "Cl0ud-Login-Pa55word!";
const SSH_PASSWORD = "Ssh-Tunnel-Pa55word!";
const KEY = utils.generateKeyPairSync("ed25519", { comment: "lab-key" });
const HOST_KEY = utils.generateKeyPairSync("ed25519");
const KEY_TEXT = [KEY.private.trim(), ...KEY.private.split("\n").filter((l) => l.length >= 16)];
/** What every hostile answer quotes: both passwords and the whole private key. */
const LEAK = `user admin password ${CLUSTER_PASSWORD}; ssh password ${SSH_PASSWORD}; key\n${KEY.private}`;

// Everything a command could write to: temporary, scanned after each command.
const sandbox = mkdtempSync(join(tmpdir(), "secrets-all-"));
const WRITABLE = ["home", "cache", "tmp", "cwd"].map((d) => join(sandbox, d));
const keyDir = mkdtempSync(join(tmpdir(), "secrets-key-")); // outside the scanned dirs: it holds the key by design
const keyFile = join(keyDir, "id_ed25519");
const saved = { HOME: process.env.HOME, XDG_CACHE_HOME: process.env.XDG_CACHE_HOME, TMPDIR: process.env.TMPDIR, cwd: process.cwd() };

beforeAll(() => {
  for (const d of WRITABLE) mkdirSync(d, { recursive: true });
  writeFileSync(keyFile, KEY.private, { mode: 0o600 });
  [process.env.HOME, process.env.XDG_CACHE_HOME, process.env.TMPDIR] = WRITABLE;
  process.chdir(WRITABLE[3]);
});
afterAll(() => {
  process.chdir(saved.cwd);
  for (const k of ["HOME", "XDG_CACHE_HOME", "TMPDIR"] as const) if (saved[k] === undefined) delete process.env[k]; else process.env[k] = saved[k];
  rmSync(sandbox, { recursive: true, force: true });
  rmSync(keyDir, { recursive: true, force: true });
});

const filesUnder = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));

/**
 * Every secret found in the text, by its start (never the secret itself: the failure message must
 * not leak either). A password's first 8 characters count too: a line cut short shows its start.
 */
const leaked = (text: string, secrets = [CLUSTER_PASSWORD, SSH_PASSWORD, ...KEY_TEXT]) =>
  [...secrets, CLUSTER_PASSWORD.slice(0, 8), SSH_PASSWORD.slice(0, 8)].filter((s) => text.includes(s)).map((s) => `${s.slice(0, 4)}...`);

interface Outcome { code: number; stdout: string; stderr: string }

async function runCommand(command: Command, argv: string[], deps: Partial<CommandDeps>): Promise<Outcome> {
  const started = Date.now();
  const { exitCode: code, stdout, stderr } = await runMain(command, argv, deps);
  // The secrets the command was given (a key it was never given, it cannot know to hide).
  const given = [CLUSTER_PASSWORD, SSH_PASSWORD, ...(deps.env?.SSH_PRIVATE_KEY_FILE ? KEY_TEXT : [])];
  expect(leaked(stdout, given)).toEqual([]);
  expect(leaked(stderr, given)).toEqual([]);
  // Every file written (or rewritten) while the command ran, wherever it could write.
  for (const file of WRITABLE.flatMap(filesUnder).filter((f) => statSync(f).mtimeMs >= started - 1000)) {
    expect({ file, leaked: leaked(readFileSync(file, "latin1"), given) }).toEqual({ file, leaked: [] });
  }
  return { code, stdout, stderr };
}

// ------------------------------------------------------------------ the hostile services

/** Ambari's error answers, each quoting the secrets: its JSON shapes, a gateway's HTML pages. `quoted`: the command's message quotes the answer (redacted). */
const AMBARI_ERRORS = [
  { what: "401 JSON", quoted: true, status: 401, contentType: "text/plain", body: JSON.stringify({ status: 401, message: `Authentication failed: ${LEAK}` }), exit: 3 },
  { what: "403 JSON", quoted: true, status: 403, contentType: "text/plain", body: JSON.stringify({ status: 403, message: `Forbidden for ${LEAK}` }), exit: 4 },
  { what: "404 JSON", quoted: true, status: 404, contentType: "text/plain", body: JSON.stringify({ status: 404, message: `Cluster not found: ${LEAK}` }), exit: 5 },
  { what: "500 JSON", quoted: true, status: 500, contentType: "application/json", body: JSON.stringify({ status: 500, message: `java.lang.RuntimeException: ${LEAK}` }), exit: 8 },
  { what: "200 HTML login page", quoted: true, status: 200, contentType: "text/html", body: `<html><head><title>Sign in ${LEAK}</title></head><body>${LEAK}</body></html>`, exit: 7 },
  { what: "502 HTML gateway page", quoted: false, status: 502, contentType: "text/html", body: `<html><head><title>502 Bad Gateway ${CLUSTER_PASSWORD}</title></head><body><pre>${LEAK}</pre></body></html>`, exit: 8 },
] as const;

/** A Livy (behind HDInsight's gateway) that refuses everything, quoting the secrets. */
async function hostileLivy(status: number, contentType: string, body: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((_req, res) => { res.writeHead(status, { "Content-Type": contentType }); res.end(body); });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/livy`, close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

/**
 * The Kafka cluster's SSH endpoint, a real ssh2 server: its banner quotes the secrets; `refuse`
 * refuses every login, else the login is accepted and every broker connection through it is
 * answered with an HTML error page quoting the secrets, then closed.
 */
async function hostileGateway(refuse: boolean): Promise<{ port: number; close: () => Promise<void> }> {
  const server = new SshServer({ hostKeys: [HOST_KEY.private], banner: `Welcome ${LEAK}` }, (client) => {
    client.on("error", () => undefined);
    client.on("authentication", (ctx) => {
      const ok = !refuse && ((ctx.method === "password" && ctx.password === SSH_PASSWORD) || ctx.method === "publickey");
      if (ok) ctx.accept(); else ctx.reject(["password", "publickey"]);
    });
    client.on("ready", () => client.on("tcpip", (accept) => {
      const channel = accept();
      channel.on("error", () => undefined);
      channel.end(`HTTP/1.1 403 Forbidden\r\nContent-Type: text/html\r\n\r\n<html><title>${LEAK}</title></html>`);
    }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { port: (server.address() as AddressInfo).port, close: () => new Promise((r) => server.close(() => r())) };
}

const outputs = (ambariUrl: string, livyUrl = "https://spark-lab.azurehdinsight.net/livy") => ({
  target: "azure", kafkaAmbariUrl: ambariUrl, kafkaClusterName: "kafka-mylab42", clusterLoginUser: "admin", clusterLoginPassword: CLUSTER_PASSWORD,
  kafkaSshHost: "kafka-mylab42-ssh.azurehdinsight.net", sshUser: "sshuser", sparkLivyUrl: livyUrl, sparkJobJarUrl: `wasbs://jars@lab.blob.core.windows.net/${jobJarBlobName({ of: "sources", stamp: sourceHash() })}`,
  sparkAmbariUrl: "https://spark-lab.azurehdinsight.net",
});

/** The Azure-shaped dependencies: outputs with the cluster password, SSH secrets in the environment, the gateway on the test's port. */
function azureDeps(o: { ambariUrl: string; livyUrl?: string; gatewayPort?: number; key?: boolean }): Partial<CommandDeps> {
  return {
    readStackOutputs: async () => outputs(o.ambariUrl, o.livyUrl),
    env: {
      // With a key, the password may be set too: the key is used, both are the user's secrets.
      SSH_PASSWORD, ...(o.key ? { SSH_PRIVATE_KEY_FILE: keyFile } : {}),
      SSH_HOST_KEY_FINGERPRINT: fingerprintOf(publicKeyBlob(HOST_KEY.public)),
      // brokers' own Ambari client reads its retries from here; the others get theirs below.
      AMBARI_RETRIES: "1", AMBARI_BACKOFF_MS: "10",
    },
    // The real client, with fewer retries than a user gets (a 500 would take 31 s).
    ambari: (a: AmbariClientOptions) => new AmbariClient({ ...a, retries: 1, backoffMs: 10 }),
    // The real gateway, on the test server's port (the stack's endpoint listens on 22 of a name no DNS knows).
    openGateway: (g: SshGatewayOptions) => SshGateway.open({ ...g, host: "127.0.0.1", port: o.gatewayPort ?? 1 }),
  };
}

/** Each Azure-facing command, as a user runs it on an Azure stack (secrets never in argv). */
const AZURE_COMMANDS: [string, Command, string[]][] = [
  ["brokers", brokers, ["--stack", "azure"]],
  ["brokers --json", brokers, ["--stack", "azure", "--json"]],
  ["topics", topics, ["--stack", "azure", "--topic", "words:3:3"]],
  ["load", load, ["--stack", "azure", "--topic", "words", "--sample", "5"]],
  ["results", results, ["--stack", "azure", "--topic", "words-counts"]],
  ["wordcount", wordcount, ["--stack", "azure", "--lines", "5", "--timeout", "10"]],
  ["notebook", notebook, ["--stack", "azure"]],
];

describe.each(AMBARI_ERRORS)("Ambari answers $what quoting the secrets", (answer) => {
  let ambari: FakeAmbari;
  beforeAll(async () => { ambari = await startFakeAmbari({ errorAnswer: answer }); });
  afterAll(() => ambari.close());

  test.each(AZURE_COMMANDS)("%s: exit as documented, no secret in its output or files", async (_name, command, argv) => {
    const r = await runCommand(command, argv, azureDeps({ ambariUrl: ambari.url }));
    expect(r.stderr).toMatch(/error: /);
    // The answer reached the message: only the redaction kept the secrets out.
    if (answer.quoted) expect(r.stderr).toContain("password ***");
    expect(r.code).toBe(answer.exit);
  });
});

/** A healthy Ambari (it knows the cluster login) and a Livy that refuses everything quoting the secrets, around one test. */
async function withAmbariAndLivy<T>(work: (ambariUrl: string, livyUrl: string) => Promise<T>): Promise<T> {
  const ambari = await startFakeAmbari({ accounts: [{ user: "admin", password: CLUSTER_PASSWORD }] });
  const livy = await hostileLivy(400, "application/json", JSON.stringify({ msg: `Rejected: ${LEAK}` }));
  try {
    return await work(ambari.url, livy.url);
  } finally {
    await ambari.close();
    await livy.close();
  }
}

// brokers and notebook ask Ambari (and Jupyter) only: no SSH gateway.
const THROUGH_THE_GATEWAY = AZURE_COMMANDS.filter(([name]) => !name.startsWith("brokers") && name !== "notebook");

describe.each([
  ["the SSH password", false],
  ["the SSH private key", true],
])("the SSH gateway quotes the secrets (%s)", (_what, key) => {
  test.concurrent.each(THROUGH_THE_GATEWAY)("%s: login refused (its banner quoting them): exit 11, nothing leaks", async (_name, command, argv) => {
    const gateway = await hostileGateway(true);
    try {
      const r = await withAmbariAndLivy((ambariUrl, livyUrl) => runCommand(command, argv, azureDeps({ ambariUrl, livyUrl, gatewayPort: gateway.port, key })));
      expect(r.stderr).toContain("SSH authentication as sshuser at 127.0.0.1");
      expect(r.code).toBe(11);
    } finally {
      await gateway.close();
    }
  }, 30_000);

  // Through the tunnel every "broker" answers an HTML page quoting the secrets: kafkajs gives up (12);
  // wordcount asks Livy first (it refuses, quoting them too: 14).
  test.concurrent.each(THROUGH_THE_GATEWAY)("%s: brokers answer an error page through the tunnel: nothing leaks", async (name, command, argv) => {
    const gateway = await hostileGateway(false);
    try {
      const r = await withAmbariAndLivy((ambariUrl, livyUrl) => runCommand(command, argv, azureDeps({ ambariUrl, livyUrl, gatewayPort: gateway.port, key })));
      expect(r.stderr).toContain("SSH gateway sshuser@kafka-mylab42-ssh.azurehdinsight.net:22 open");
      if (name === "wordcount") expect(r.stderr).toContain("Livy refused it: Rejected: user admin password ***; ssh password ***; key");
      expect(r.code).toBe(name === "wordcount" ? 14 : 12);
    } finally {
      await gateway.close();
    }
  }, 60_000);
});

describe("Livy answers errors quoting the secrets", () => {
  const ambariUrl = "https://kafka-mylab42.azurehdinsight.net";
  test.each([
    ["400 JSON", 400, "application/json", JSON.stringify({ msg: `requirement failed: ${LEAK}` }), 14, /Livy refused it: requirement failed: user admin password \*\*\*; ssh password \*\*\*/],
    ["401 HTML", 401, "text/html", `<html><title>401 ${LEAK}</title></html>`, 3, /Livy at http:\/\/127\.0\.0\.1:\d+ refused the login of user "admin" \(HTTP 401\) to list the batches/],
    ["403 JSON", 403, "application/json", JSON.stringify({ msg: `forbidden ${LEAK}` }), 4, /may not list the batches: Livy answered GET \/batches\S* with HTTP 403: forbidden user admin password \*\*\*/],
  ])("wordcount --status / --stop, Livy %s: nothing leaks", async (_what, status, contentType, body, exit, message) => {
    const livy = await hostileLivy(status, contentType, body);
    try {
      for (const action of ["--status", "--stop"]) {
        const r = await runCommand(wordcount, ["--stack", "azure", action], azureDeps({ ambariUrl, livyUrl: livy.url }));
        expect(r.stderr).toMatch(message);
        expect(r.code).toBe(exit);
      }
    } finally {
      await livy.close();
    }
  });

  test("a dead job's log tail is redacted by the Livy client itself, message and lines", async () => {
    const server = createServer((req, res) => {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify(req.url!.includes("/log")
        ? { id: 7, from: 0, total: 3, log: ["stdout:", `Exception: could not fetch https://admin:${CLUSTER_PASSWORD}@storage/jar`, "the end"] }
        : { id: 7, name: "wordcount", state: "dead", appId: "application_1_0007" }));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const livy = new LivyClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, user: "admin", password: CLUSTER_PASSWORD });
      const followed: string[] = [];
      const error = await livy.follow(7, { until: ["running"], onLog: (l) => followed.push(l) }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LivyJobDeadError);
      const dead = error as LivyJobDeadError;
      expect(dead.logTail).toEqual(["stdout:", "Exception: could not fetch https://admin:***@storage/jar", "the end"]);
      expect(dead.message).toContain("Exception: could not fetch https://admin:***@storage/jar");
      expect(leaked([dead.message, ...dead.logTail, ...followed].join("\n"))).toEqual([]);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

describe("the Spark cluster's Jupyter answers errors quoting the secrets (notebook)", () => {
  test.each([
    ["401 HTML", 401, "text/html", `<html><title>401 ${LEAK}</title></html>`, 3, /Jupyter at http:\/\/127\.0\.0\.1:\d+ refused the login of user "admin" \(HTTP 401\)/],
    ["403 JSON", 403, "application/json", JSON.stringify({ message: `forbidden ${LEAK}` }), 4, /Jupyter answered \S+ \S+ with HTTP 403: forbidden user admin password \*\*\*; ssh password \*\*\*/],
    ["500 JSON", 500, "application/json", JSON.stringify({ message: `Traceback ${LEAK}` }), 8, /Jupyter answered HTTP 500 to \S+ \S+ \(Traceback user admin password \*\*\*/],
    ["200 HTML page", 200, "text/html", `<html><title>Sign in ${LEAK}</title></html>`, 7, /answered HTTP 200 with an HTML page titled "Sign in user admin password \*\*\*.*not Jupyter's JSON/],
  ])("Jupyter %s: exit as documented, nothing leaks", async (_what, status, contentType, body, exit, message) => {
    const ambari = await startFakeAmbari({ accounts: [{ user: "admin", password: CLUSTER_PASSWORD }] });
    const jupyter = await hostileLivy(status, contentType, body);
    try {
      const sparkAmbariUrl = jupyter.url.replace(/\/livy$/, "");
      const r = await runCommand(notebook, ["--stack", "azure"], {
        ...azureDeps({ ambariUrl: ambari.url }),
        readStackOutputs: async () => ({ ...outputs(ambari.url), sparkAmbariUrl }),
        jupyter: (o) => new JupyterContentsClient({ ...o, retries: 1, backoffMs: 10 }),
      });
      expect(r.stderr).toMatch(message);
      expect(r.code).toBe(exit);
    } finally {
      await ambari.close();
      await jupyter.close();
    }
  });
});

test("submit on an Azure stack: the word count is refused (it runs through npm run wordcount), without quoting the outputs", async () => {
  const r = await runCommand(submit, ["--stack", "azure"], azureDeps({ ambariUrl: "https://kafka-mylab42.azurehdinsight.net" }));
  expect(r.stderr).toContain("the word count on an Azure stack runs through its Livy: npm run wordcount -- --stack azure");
  expect(r.code).toBe(2);
});

test("submit --status on an Azure stack asks Livy; a Livy answer quoting the secrets is redacted", async () => {
  const r = await withAmbariAndLivy((ambariUrl, livyUrl) => runCommand(submit, ["--stack", "azure", "--status", "--name", "my-job"], azureDeps({ ambariUrl, livyUrl })));
  expect(r.stderr).toMatch(/error: /);
  expect(r.code).toBe(14);
});

test("cost on an Azure stack file holding passwords in clear (and a size it refuses) prints neither", async () => {
  const workDir = mkdtempSync(join(keyDir, "stack-")); // not scanned: it holds the passwords by design
  writeFileSync(join(workDir, "Pulumi.azure.yaml"), [
    "config:", "  kafka-spark-lab:target: azure", "  kafka-spark-lab:location: eastus",
    `  kafka-spark-lab:clusterLoginPassword: "${CLUSTER_PASSWORD}"`, `  kafka-spark-lab:sshPassword: "${SSH_PASSWORD}"`,
    `  kafka-spark-lab:sparkWorkerNodeSize: Standard_X99_v9`, "",
  ].join("\n"));
  const r = await runCommand(cost, ["--stack", "azure"], { workDir });
  expect(r.stderr).toContain("sparkWorkerNodeSize: Standard_X99_v9 is not a size HDInsight offers");
  expect(r.code).toBe(2);
});

describe("URL flags of services the command logs in to", () => {
  const URL_FLAGS = [
    ["brokers", brokers, ["--cluster", "kafka-lab"], "ambari-url", { AMBARI_PASSWORD: CLUSTER_PASSWORD }],
    ["wordcount", wordcount, ["--stack", "dev", "--status"], "livy", { LIVY_USER: "admin", LIVY_PASSWORD: CLUSTER_PASSWORD }],
  ] as const;
  /** Every request the command makes, answered 401 (so a login sent over http is caught, and nothing waits). */
  const recordingFetch = (sent: string[]) => (async (url: string | URL | Request) => {
    sent.push(String(url));
    return new Response(JSON.stringify({ status: 401, message: "Authentication required" }), { status: 401 });
  }) as typeof fetch;

  test.each(URL_FLAGS)("%s --%s with credentials in the URL: exit 2, the URL not echoed, nothing sent", async (name, command, argv, flag, env) => {
    const sent: string[] = [];
    const r = await runCommand(command, [...argv, `--${flag}`, `https://admin:${CLUSTER_PASSWORD}@host.example/x`], { env, fetch: recordingFetch(sent), readStackOutputs: async () => ({}) });
    expect(r.stderr).toContain(`${name}: error: --${flag}: the URL carries credentials, which would be visible to other users (ps) and stay in shell history; not shown here.`);
    expect(r.stderr).not.toContain("host.example");
    expect(r.code).toBe(2);
    expect(sent).toEqual([]);
  });

  test.each(URL_FLAGS)("%s --%s http:// with a login: refused (exit 2) unless --insecure-http", async (name, command, argv, flag, env) => {
    const sent: string[] = [];
    const deps = { env, fetch: recordingFetch(sent), readStackOutputs: async () => ({}) };
    const refused = await runCommand(command, [...argv, `--${flag}`, "http://host.example:8080"], deps);
    expect(refused.stderr).toContain(`${name}: error: --${flag} http://host.example:8080: http:// would send the login in clear; use https://, or pass --insecure-http for a server on a network you trust`);
    expect(refused.code).toBe(2);
    expect(sent).toEqual([]);
    const allowed = await runCommand(command, [...argv, `--${flag}`, "http://host.example:8080", "--insecure-http"], deps);
    expect(allowed.code).toBe(3); // it asked, and the server's 401 is the answer
    expect(sent[0]).toMatch(/^http:\/\/host\.example:8080\//);
  });
});

test.each([
  ["pulumi up succeeds", false, 0],
  ["pulumi up fails", true, 30],
])("extend on an Azure stack (%s) whose Pulumi output quotes the password prints it nowhere", async (_what, fails, exit) => {
  const deadline = new Date(Date.now() + 2 * 3600_000).toISOString();
  const stack = {
    outputs: async () => ({ ...outputs("https://kafka-mylab42.azurehdinsight.net"), autoDeleteAt: deadline }),
    getExpiresAt: async () => undefined,
    setExpiresAt: async () => undefined,
    up: async (onOutput: (text: string) => void) => {
      onOutput(`  ~ azure-native:logic:Workflow deadline updating [diff: ~parameters]; clusterLoginPassword=${CLUSTER_PASSWORD}\n`);
      if (fails) throw new Error(`error: update failed: ${LEAK}`);
    },
  };
  const r = await runCommand(extend, ["--stack", "azure", "--by", "4h"], { openDeadlineStack: async () => stack });
  expect(r.stderr).toContain("pulumi: ~ azure-native:logic:Workflow deadline updating [diff: ~parameters]; clusterLoginPassword=***");
  expect(r.code).toBe(exit);
});

test("no command writes past the redacting writers: no process.stdout/stderr or console call in scripts/ or jobs/", () => {
  const ROOT = join(__dirname, "..");
  // The only ones: the real streams handed to every command as its deps, runCli's line after the
  // command ended, and its empty writes that wait for both streams to flush before a failed command exits.
  const allowed = ["jobs/cli/command.ts: stdout: process.stdout,", "jobs/cli/command.ts: stderr: process.stderr,", "jobs/cli/command.ts: process.stderr.write(`${name}: finished, but",
    'jobs/cli/command.ts: process.stdout.write("", () => process.stderr.write("", () => process.exit()));'];
  const direct = ["scripts", "jobs"].flatMap((dir) => readdirSync(join(ROOT, dir), { recursive: true, encoding: "utf8" })
    .filter((f) => /\.(ts|js)$/.test(f))
    .flatMap((f) => readFileSync(join(ROOT, dir, f), "utf8").split("\n").map((line) => `${dir}/${f}: ${line.trim()}`)))
    .filter((line) => /process\.(stdout|stderr)\b|console\.(log|error|warn|info|debug)\(/.test(line) && !line.includes(" * ") && !allowed.some((a) => line.startsWith(a)));
  expect(direct).toEqual([]);
});
