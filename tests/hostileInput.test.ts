/**
 * #23 item 6, hostile input, for every command that has such a flag: numbers out of their range
 * (negative ones included), addresses that are not host:port with a port 1-65535, directories and
 * missing files, a job name that is not one, a missing SSH key file, a VM size `cost` does not know.
 * Each is refused before anything is resolved or connected, with exit 2 and one exact line naming
 * the flag, what is wrong and the fix (no stack trace). Kafka that does not answer: one line, no
 * kafkajs log unless --verbose. Exit codes: one per kind, in one table.
 */
import execa from "execa";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EXIT, EXIT_CODES } from "../lib/errors";
import type { Command, CommandDeps } from "../jobs/cli/command";
import { brokers } from "../scripts/brokers";
import { cost } from "../scripts/cost";
import { demo } from "../scripts/demo";
import { extend } from "../scripts/extend";
import { load } from "../scripts/load";
import { notebook } from "../scripts/notebook";
import { results } from "../scripts/results";
import { submit } from "../scripts/submit";
import { topics } from "../scripts/topics";
import { wordcount } from "../scripts/wordcount";
import { jobJarBlobName, sourceHash } from "../stacks/jobJar";
import { runMain } from "./support/commands";

const COMMANDS: Record<string, Command> = { brokers, cost, demo, extend, load, notebook, results, submit, topics, wordcount };
/** No stack file here, and reading a stack is recorded: a refusal must come before either. */
const EMPTY_WORKDIR = mkdtempSync(join(tmpdir(), "hostile-"));

interface Outcome { code: number; stderr: string; stdout: string; resolved: string[] }

async function run(name: string, argv: string[], deps: Partial<CommandDeps> = {}): Promise<Outcome> {
  const resolved: string[] = [];
  const { exitCode: code, stdout, stderr } = await runMain(COMMANDS[name], argv, {
    env: {},
    workDir: EMPTY_WORKDIR,
    readStackOutputs: async (stack) => { resolved.push(`stack ${stack}`); throw new Error("no stack in this test"); },
    fetch: async (url) => { resolved.push(`fetch ${String(url)}`); throw new Error("no network in this test"); },
    openGateway: async (o) => { resolved.push(`ssh ${o.host}`); throw new Error("no gateway in this test"); },
    ...deps,
  });
  // topics prefixes its lines with the time since it started.
  return { code, stderr: stderr.replace(/^topics: \[\d+\.\d s\] /gm, "topics: "), stdout, resolved };
}

/** The whole of stderr for a usage error: the one line, then where the help is. */
const refusal = (name: string, message: string) => `${name}: error: ${message}\nSee: npm run ${name} -- --help\n`;

const range = (flag: string, value: string, min: number, max: number) => `--${flag} ${value}: expected a whole number from ${min} to ${max}`;
const BAD_ADDRESS = (value: string) => `--bootstrap ${value}: expected host:port with a port from 1 to 65535, e.g. localhost:9092`;

describe("numbers out of their range, negative ones included: exit 2, the range named, nothing resolved", () => {
  test.each([
    ["load", ["--topic", "t", "--sample", "-5"], range("sample", "-5", 1, 100_000_000)],
    ["load", ["--topic", "t", "--sample", "10", "--batch-size", "-5"], range("batch-size", "-5", 1, 100_000)],
    ["load", ["--topic", "t", "--sample", "10", "--in-flight", "-1"], range("in-flight", "-1", 1, 64)],
    ["load", ["--topic", "t", "--sample", "10", "--producers", "-2"], range("producers", "-2", 1, 16)],
    ["load", ["--topic", "t", "--sample", "10", "--producers", "17"], range("producers", "17", 1, 16)],
    ["load", ["--topic", "t", "--sample", "10", "--seed", "-1"], range("seed", "-1", 0, Number.MAX_SAFE_INTEGER)],
    ["load", ["--topic", "t", "--sample", "1.5"], range("sample", "1.5", 1, 100_000_000)],
    ["submit", ["--shuffle-partitions", "-2"], range("shuffle-partitions", "-2", 1, 10_000)],
    ["submit", ["--max-offsets-per-trigger", "-1"], range("max-offsets-per-trigger", "-1", 1, Number.MAX_SAFE_INTEGER)],
    ["submit", ["--trigger", "-1"], "--trigger -1: expected seconds from 1 to 86400, milliseconds from 100ms, or available-now"],
    ["submit", ["--trigger", "50ms"], "--trigger 50ms: expected seconds from 1 to 86400, milliseconds from 100ms, or available-now"],
    ["results", ["--top", "-1"], range("top", "-1", 1, 10_000)],
    ["results", ["--top=-1"], range("top", "-1", 1, 10_000)],
    ["wordcount", ["--lines", "-3"], range("lines", "-3", 1, 10_000_000)],
    ["wordcount", ["--seed", "-1", "--lines", "5"], range("seed", "-1", 0, Number.MAX_SAFE_INTEGER)],
    ["wordcount", ["--from", "-1"], range("from", "-1", 1790, 2021)],
    ["wordcount", ["--top", "-1"], range("top", "-1", 1, 1000)],
    ["wordcount", ["--timeout", "-5"], range("timeout", "-5", 10, 86_400)],
    ["wordcount", ["--shuffle-partitions", "-1"], range("shuffle-partitions", "-1", 1, 10_000)],
    ["demo", ["--lines", "-3"], range("lines", "-3", 1, 10_000_000)],
    ["demo", ["--top", "-1"], range("top", "-1", 1, 1000)],
    ["demo", ["--to", "3000"], range("to", "3000", 1790, 2021)],
    ["extend", ["--stack", "azure", "--by", "-4h"], "--by -4h: expected a duration such as 4h, 90m or 1d"],
    ["topics", ["--bootstrap", "localhost:9092", "--topic", "words:-1"], '--topic "words:-1": expected name[:partitions[:replication]], e.g. words:3:3'],
  ])("%s %j", async (name, argv, message) => {
    const r = await run(name, argv);
    expect(r.stderr).toBe(refusal(name, message));
    expect(r.code).toBe(EXIT.USAGE);
    expect(r.resolved).toEqual([]);
  });

  test("brokers: AMBARI_RETRIES=-1 in the environment is refused naming the variable and its range", async () => {
    const r = await run("brokers", ["--cluster", "kafka-lab"], { env: { AMBARI_RETRIES: "-1", AMBARI_PASSWORD: "x-Secret-1" } });
    expect(r.stderr).toBe(refusal("brokers", 'AMBARI_RETRIES must be a whole number of at least 0, not "-1"'));
    expect(r.resolved).toEqual([]);
  });
});

describe("addresses: host:port with a port from 1 to 65535, checked before any connection", () => {
  test.each(["notaport", "localhost:0", "localhost:65536", "localhost:-1", ":9092", "local host:9092"])("topics and load --bootstrap %j", async (address) => {
    for (const [name, argv] of [["topics", ["--topic", "a"]], ["load", ["--topic", "a", "--sample", "5"]]] as const) {
      const r = await run(name, ["--bootstrap", address, ...argv]);
      expect(r.stderr).toBe(refusal(name, BAD_ADDRESS(address)));
      expect(r.code).toBe(EXIT.USAGE);
    }
  });

  test("the first bad address of a list is the one named", async () => {
    const r = await run("load", ["--bootstrap", "localhost:9092,kafka2:99999", "--topic", "a", "--sample", "5"]);
    expect(r.stderr).toBe(refusal("load", BAD_ADDRESS("kafka2:99999")));
  });
});

describe("directories, missing files and other things that are not the file asked for", () => {
  test.each([
    ["load", ["--topic", "t", "--file", "/etc"], "--file /etc: is a directory; give a text file"],
    ["load", ["--topic", "t", "--file", "/no/such/file"], "--file /no/such/file: no such file"],
    ["load", ["--topic", "t", "--file", "/dev/null"], "--file /dev/null: is not a regular file; give a text file"],
    ["demo", ["--file", "/etc"], "--file /etc: is a directory; give a text file"],
    ["wordcount", ["--file", "/etc"], "--file /etc: is a directory; give a text file"],
    ["topics", ["--bootstrap", "localhost:9092", "--file", "/etc"], '--file /etc: is a directory; give a JSON file of topics, e.g. [{"topic": "words", "partitions": 3, "replicationFactor": 3}]'],
    ["topics", ["--bootstrap", "localhost:9092", "--file", "/no/such.json"], '--file /no/such.json: no such file; give a JSON file of topics, e.g. [{"topic": "words", "partitions": 3, "replicationFactor": 3}]'],
  ])("%s %j", async (name, argv, message) => {
    const r = await run(name, argv);
    expect(r.stderr).toBe(refusal(name, message));
    expect(r.code).toBe(EXIT.USAGE);
    expect(r.resolved).toEqual([]);
  });

  // On Azure the key is needed for the SSH gateway; it is checked before Ambari is asked anything.
  const azure = {
    target: "azure", kafkaAmbariUrl: "https://kafka-lab.azurehdinsight.net", kafkaClusterName: "kafka-lab", clusterLoginUser: "admin", clusterLoginPassword: "Cl0ud-Login-Pa55word!",
    kafkaSshHost: "kafka-lab-ssh.azurehdinsight.net", sshUser: "sshuser", sparkLivyUrl: "https://spark-lab.azurehdinsight.net/livy", sparkJobJarUrl: `wasbs://jars@lab/${jobJarBlobName({ of: "sources", stamp: sourceHash() })}`,
  };
  const FIX = "point it at your private key (e.g. ~/.ssh/id_ed25519), or unset it to use the ssh-agent";
  test.each([
    ["/no/such/id_ed25519", "no such file"],
    ["/etc", "is a directory"],
  ])("SSH_PRIVATE_KEY_FILE=%s: every command that opens the gateway names it and the fix, exit 2, no stack trace, Ambari not asked", async (keyFile, problem) => {
    for (const [name, argv] of [["topics", ["--topic", "a"]], ["load", ["--topic", "a", "--sample", "5"]], ["results", []], ["wordcount", ["--lines", "5"]]] as const) {
      const r = await run(name, ["--stack", "azure", ...argv], { env: { SSH_PRIVATE_KEY_FILE: keyFile }, readStackOutputs: async () => azure });
      expect(r.stderr).toContain(`${name}: error: SSH_PRIVATE_KEY_FILE=${keyFile}: ${problem}; ${FIX}\nSee: npm run ${name} -- --help\n`);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.code).toBe(EXIT.USAGE);
      expect(r.resolved).toEqual([]);
    }
  });
});

describe("notebook: a topic prefix or folder that is not one, a password flag: exit 2, before any stack is read", () => {
  test.each([
    [["--topic", "a b;rm"], "--topic a b;rm: use 1-64 letters, digits, - or _ (it names the notebooks' topics)"],
    [["--folder", "../etc"], "--folder ../etc: use a relative path of letters, digits, ., _, - or spaces (e.g. kafka-spark-lab), without . or .. segments"],
    [["--folder", "a/./b"], "--folder a/./b: use a relative path of letters, digits, ., _, - or spaces (e.g. kafka-spark-lab), without . or .. segments"],
    [["--password", "hunter22"], "--password is refused: a password on the command line is visible to other users (ps, /proc) and stays in shell history. Instead, set AMBARI_PASSWORD in the environment (e.g. `read -rs AMBARI_PASSWORD && export AMBARI_PASSWORD`), or run in a terminal to be prompted."],
  ])("notebook %j", async (argv, message) => {
    const r = await run("notebook", ["--stack", "azure", ...argv]);
    expect(r.stderr).toBe(refusal("notebook", message));
    expect(r.stderr).not.toContain("hunter22");
    expect(r.code).toBe(EXIT.USAGE);
    expect(r.resolved).toEqual([]);
  });
});

describe("a job name that is not one is a usage error, before any stack is read", () => {
  test.each([["submit", []], ["submit", ["--status"]], ["wordcount", []], ["wordcount", ["--stop"]]] as const)("%s --name 'a b;rm' %j", async (name, argv) => {
    const r = await run(name, ["--name", "a b;rm", "--stack", "azure", ...argv]);
    expect(r.stderr).toBe(refusal(name, "--name a b;rm: use 1-64 letters, digits, - or _ (it names the job's topics)"));
    expect(r.code).toBe(EXIT.USAGE);
    expect(r.resolved).toEqual([]);
  });
});

test("cost refuses a VM size it does not know instead of pricing it at zero", async () => {
  const dir = mkdtempSync(join(tmpdir(), "hostile-cost-"));
  writeFileSync(join(dir, "Pulumi.odd.yaml"), "config:\n  kafka-spark-lab:target: azure\n  kafka-spark-lab:location: eastus\n  kafka-spark-lab:sparkWorkerNodeSize: Standard_X99_v9\n");
  const r = await run("cost", ["--stack", "odd"], { workDir: dir });
  expect(r.stderr).toBe(refusal("cost", `${join(dir, "Pulumi.odd.yaml")}:\n  kafka-spark-lab:sparkWorkerNodeSize: Standard_X99_v9 is not a size HDInsight offers for worker nodes ` +
    "(table of 2026-12 in stacks/azure/sizing.ts); the nearest listed: Standard_D4a_v4, Standard_D8a_v4, Standard_E16_v3 " +
    "(fix: pulumi config set sparkWorkerNodeSize Standard_D4a_v4  (if HDInsight offers Standard_X99_v9 now: pulumi config set extraVmSizes Standard_X99_v9:<cores>))"));
  expect(r.stdout).toBe("");
  expect(r.code).toBe(EXIT.USAGE);
});

describe("Kafka that does not answer, as a user runs the commands (processes): one line, kafkajs quiet unless --verbose", () => {
  const ROOT = join(__dirname, "..");
  const tsx = (script: string, args: string[]) => execa(join(ROOT, "node_modules", ".bin", "tsx"), [join(ROOT, "scripts", `${script}.ts`), ...args], { cwd: ROOT, reject: false });
  const ANSWERS_NOT = "Connection error: connect ECONNREFUSED 127.0.0.1:1: no Kafka broker answers there; check the address (--bootstrap, or the stack's: is it up?), --verbose shows kafkajs's own log";

  test.concurrent.each([
    ["load", ["--bootstrap", "127.0.0.1:1", "--topic", "x", "--sample", "5"]],
    ["load", ["--bootstrap", "127.0.0.1:1", "--topic", "x", "--sample", "5", "--producers", "2"]],
    ["topics", ["--bootstrap", "127.0.0.1:1", "--topic", "x"]],
  ])("%s %j: exit 12 and one line, no JSON log", async (script, args) => {
    const r = await tsx(script, args);
    const lines = r.stderr.split("\n").filter((l) => l.trim());
    expect(lines.filter((l) => l.includes("error:"))).toEqual([expect.stringContaining(`error: ${ANSWERS_NOT}`)]);
    expect(lines.filter((l) => /^\s*\{|"level"|^kafkajs /.test(l))).toEqual([]);
    expect(lines.length).toBeLessThanOrEqual(script === "topics" ? 3 : 1); // topics: its two progress notes before
    expect(r.exitCode).toBe(EXIT.KAFKA);
  }, 60_000);

  test.concurrent("load --verbose: kafkajs's own log, as plain lines, on stderr", async () => {
    const r = await tsx("load", ["--bootstrap", "127.0.0.1:1", "--topic", "x", "--sample", "5", "--verbose"]);
    expect(r.stderr).toMatch(/^kafkajs ERROR \[Connection\] Connection error: connect ECONNREFUSED 127\.0\.0\.1:1 \(broker=127\.0\.0\.1:1 clientId=kafka-spark-lab-load/m);
    expect(r.exitCode).toBe(EXIT.KAFKA);
  }, 60_000);

  test.concurrent.each(["topics", "load", "submit", "results", "wordcount", "demo"])("%s --help documents --verbose", async (script) => {
    expect(COMMANDS[script].USAGE).toContain("--verbose             kafkajs's own log on stderr");
  });
});

test("one exit code per kind of failure, each in the one table with its own meaning", () => {
  const codes: number[] = Object.values(EXIT_CODES).map((e) => e.code);
  expect(new Set(codes).size).toBe(codes.length);
  const meanings = Object.values(EXIT_CODES).map((e) => e.means);
  expect(new Set(meanings).size).toBe(meanings.length);
  // Every exit a command documents is in the table.
  for (const [name, command] of Object.entries(COMMANDS)) {
    const documented = [...command.USAGE.matchAll(/[:,] (\d+) /g)].map((m) => Number(m[1]));
    expect({ name, unknown: documented.filter((c) => !codes.includes(c)) }).toEqual({ name, unknown: [] });
  }
});
