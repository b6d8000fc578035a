/**
 * The word-count and teardown commands (load, submit, results, demo, wordcount, teardown, extend) refuse bad input before touching
 * Docker or Kafka: exit 2, one message naming the flag and what it expects, and no stray argument
 * echoed (it could be a mistyped secret). The rule tables run each command's `main` in this process
 * (the same code `npm run <command>` runs, its output captured: about 2 s of tsx start-up saved per
 * case); a few cases run as subprocesses too, as a user runs them, to show the process exits and
 * writes the same.
 */
import execa from "execa";
import { join } from "node:path";
import type { Command } from "../jobs/cli/command";
import { runMain } from "./support/commands";
import { load } from "../scripts/load";
import { submit } from "../scripts/submit";
import { results } from "../scripts/results";
import { demo } from "../scripts/demo";
import { wordcount } from "../scripts/wordcount";
import { teardown } from "../scripts/teardown";
import { extend } from "../scripts/extend";
import { topics } from "../scripts/topics";

const ROOT = join(__dirname, "..");
const TSX = join(ROOT, "node_modules", ".bin", "tsx");
const run = (script: string, args: string[]) => execa(TSX, [join(ROOT, "scripts", `${script}.ts`), ...args], { cwd: ROOT, reject: false });

const COMMANDS: Record<string, Command> = { load, submit, results, demo, wordcount, teardown, extend, topics };
/** The command's `main` in this process, its output captured: what `run` gives for a subprocess. */
const runInProcess = (script: string, args: string[]) => runMain(COMMANDS[script], args);

const REFUSED: [string, string[], RegExp][] = [
  ["load", ["--sample", "10"], /--topic <name> is required/],
  ["load", ["--topic", "t"], /give one source: --file <path\|-> or --sample <lines>/],
  ["load", ["--topic", "t", "--file", "a", "--sample", "3"], /give one source/],
  ["load", ["--topic", "t", "--sample", "10", "--format", "xml"], /--format xml: expected text or json/],
  ["load", ["--topic", "t", "--sample", "10", "--batch-size", "0"], /--batch-size 0: expected a whole number from 1 to 100000/],
  ["load", ["--topic", "t", "--file", "/no/such/file"], /--file \/no\/such\/file: no such file/],
  ["load", ["--topic", "t", "--file", "/etc"], /--file \/etc: is a directory; give a text file/],
  ["demo", ["--file", "/no/such/book.txt"], /--file \/no\/such\/book.txt: no such file/],
  ["demo", ["--file", "/etc"], /--file \/etc: is a directory/],
  ["demo", ["--lines", "10", "--file", "/etc/hostname"], /give one text: --file or --lines, not both/],
  ["wordcount", ["--from", "2000", "--to", "1990"], /--to 1990: expected a whole number from 1790 to 2021|the first year is after the last/],
  ["load", ["--topic", "t", "--sample", "10", "--stack", "dev", "--bootstrap", "h:1"], /give --stack or --bootstrap, not both/],
  ["submit", ["--sink", "hdfs"], /--sink hdfs: expected kafka, parquet or console/],
  ["submit", ["--trigger", "0"], /--trigger 0: expected seconds from 1 to 86400, milliseconds from 100ms, or available-now/],
  ["submit", ["--starting-offsets", "now"], /--starting-offsets now: expected earliest or latest/],
  ["submit", ["--status", "--stop"], /give one of --status, --stop/],
  ["results", ["--topic", "a", "--parquet", "/b"], /give --topic or --parquet, not both/],
  ["results", ["--top", "ten"], /--top ten: expected a whole number/],
  ["demo", ["--via", "kubernetes"], /--via kubernetes: expected auto, pulumi or compose/],
  ["demo", ["--lines", "0"], /--lines 0: expected a whole number from 1 to 10000000/],
  ["wordcount", ["--name", "my job"], /--name my job: use 1-64 letters, digits, - or _/],
  ["wordcount", ["--status", "--stop"], /give --status or --stop, not both/],
  ["wordcount", ["--livy", "localhost:8998"], /--livy: expected an http:\/\/ or https:\/\/ URL, not localhost:/],
  ["load", ["--topic", "t", "--sample", "10", "--batch-size", "-5"], /--batch-size -5: expected a whole number from 1 to 100000/],
  ["load", ["--topic", "t", "--sample", "10", "--bootstrap", "notaport"], /--bootstrap notaport: expected host:port with a port from 1 to 65535/],
  ["load", ["--topic", "t", "--sample", "10", "--bootstrap", "localhost:70000"], /--bootstrap localhost:70000: expected host:port with a port from 1 to 65535/],
  ["topics", ["--bootstrap", "notaport", "--topic", "a"], /--bootstrap notaport: expected host:port/],
  ["demo", ["--lines", "-3"], /--lines -3: expected a whole number from 1 to 10000000/],
  ["wordcount", ["--timeout", "5"], /--timeout 5: expected a whole number from 10 to 86400/],
  ["teardown", ["--force"], /Unknown option '--force'/],
  ["teardown", ["--stack", "azure", "--volumes"], /--volumes and --images are for a local stack/],
  ["extend", ["--by", "4h"], /--stack <name> is required/],
  ["extend", ["--stack", "azure", "--by", "soon"], /--by soon: expected a duration/],
];

test.each(REFUSED)("%s %j is refused with exit 2 and says why", async (script, args, message) => {
  const r = await runInProcess(script, args);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).toContain(`See: npm run ${script} -- --help`);
  expect(r.exitCode).toBe(2);
}, 30_000);

// As a user runs them: a missing flag, a bad file, a bad address, an unknown option. Concurrent: each
// case is a process of its own, and none touches another.
test.concurrent.each(REFUSED.filter(([script, args]) =>
  ["--sample,10", "--topic,t,--file,/etc", "--topic,t,--sample,10,--bootstrap,notaport", "--force"].includes(args.join(",")) && script !== "demo",
))("as a process: %s %j is refused with exit 2 and says why", async (script, args, message) => {
  const r = await run(script, args);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).toContain(`See: npm run ${script} -- --help`);
  expect(r.stdout).toBe("");
  expect(r.exitCode).toBe(2);
}, 30_000);

test.concurrent.each([
  [["--livy", "http://admin:Sup3r-Secret-9@livy.example:8998"], /--livy: the URL carries credentials, which would be visible to other users \(ps\) and stay in shell history; not shown here/],
  [["--livy", "https://admin:Sup3r-Secret-9@livy.example/livy"], /the URL carries credentials/],
])("wordcount %j: a URL with credentials is refused without showing them, exit 2", async (args, message) => {
  const r = await run("wordcount", args);
  expect(r.stderr).toMatch(message);
  expect(r.stderr + r.stdout).not.toContain("Sup3r-Secret-9");
  expect(r.exitCode).toBe(2);
}, 30_000);

test("wordcount --livy http:// with a login: refused (the password would go in clear) unless --insecure-http", async () => {
  const r = await execa(TSX, [join(ROOT, "scripts", "wordcount.ts"), "--livy", "http://livy.example:8998", "--status"], { cwd: ROOT, reject: false, env: { ...process.env, LIVY_USER: "admin", LIVY_PASSWORD: "Sup3r-Secret-9" } });
  expect(r.stderr).toContain("--livy http://livy.example:8998: http:// would send the login in clear; use https://, or pass --insecure-http");
  expect(r.stderr + r.stdout).not.toContain("Sup3r-Secret-9");
  expect(r.exitCode).toBe(2);
}, 30_000);

test.each(["load", "submit", "results", "demo", "wordcount", "teardown"])("%s does not echo a stray positional argument", async (script) => {
  const r = await runInProcess(script, ["hunter2-secret"]);
  expect(r.stderr).toContain("takes no positional arguments (not shown here)");
  expect(r.stderr + r.stdout).not.toContain("hunter2");
  expect(r.exitCode).toBe(2);
}, 30_000);

test.each(["load", "submit", "results", "demo", "teardown", "extend"])("%s --help prints its usage and exits 0", async (script) => {
  const r = await runInProcess(script, ["--help"]);
  expect(r.stdout).toMatch(new RegExp(`^Usage: npm run ${script} --`));
  expect(r.exitCode).toBe(0);
}, 30_000);

test("as a process: submit --help prints its usage and exits 0", async () => {
  const r = await run("submit", ["--help"]);
  expect(r.stdout).toMatch(/^Usage: npm run submit --/);
  expect(r.exitCode).toBe(0);
}, 30_000);

test("a local command on a stack file that does not exist names the stack and exits 9", async () => {
  const r = await execa(TSX, [join(ROOT, "scripts", "submit.ts"), "--status", "--stack", "nosuchstack"], { cwd: ROOT, reject: false, env: { PATH: "/usr/bin:/bin" } });
  expect(r.stderr).toMatch(/nosuchstack/);
  expect(r.exitCode).toBe(9);
}, 30_000);

