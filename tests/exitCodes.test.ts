/**
 * Every failure a command can meet maps to the exit code its usage text documents; Livy's
 * failures each have their own (the word-count issue asks for it), a bug stays 1.
 */
import { LivyBatchNotFoundError, LivyCsrfError, LivyError, LivyJobDeadError, LivyJobKilledError, LivyRejectedError } from "../jobs/spark/livy";
import { EXIT_CODES, exitCodeFor, NotebookExistsError, OutputUnreadableError, ResultsError, UsageError } from "../lib/errors";
import {
  HttpError, HttpForbiddenError, HttpFormatError, HttpLoginError, HttpNotFoundError, HttpRetriesExhaustedError, type HttpService, HttpTlsError, HttpUnavailableError,
} from "../lib/http/errors";
import { readdirSync, readFileSync, statSync } from "fs";
import { join } from "path";
import { USAGE } from "../scripts/wordcount";
import { USAGE as NOTEBOOK_USAGE } from "../scripts/notebook";

const batch = { id: 1, state: "dead" as const };
const facts = (service: HttpService, status?: number) => ({ service, request: "GET /x", status });
const unavailable = (service: HttpService) => new HttpUnavailableError("503", { ...facts(service, 503), retriable: true });

test.each([
  ["wrong cluster login at the gateway", 3, new HttpLoginError("401", facts("Livy", 401))],
  ["CSRF header refused", 20, new LivyCsrfError("csrf", facts("Livy", 400))],
  ["batch unknown or forgotten", 21, new LivyBatchNotFoundError("404", facts("Livy", 404))],
  ["job dead", 22, new LivyJobDeadError("dead", batch, ["tail"])],
  ["job killed", 23, new LivyJobKilledError("killed", { ...batch, state: "killed" as const })],
  ["Livy unavailable after retries", 8, new HttpRetriesExhaustedError("read batch 1", 6, 31_000, unavailable("Livy"))],
  ["Livy refused the batch", 14, new LivyRejectedError("400", facts("Livy", 400))],
  ["any other Livy failure", 27, new LivyError("still starting after 900 s")],
  ["counts incomplete", 16, new ResultsError("timeout")],
  ["output unreadable", 26, new OutputUnreadableError("not Parquet")],
  ["usage", 2, new UsageError("--x")],
  ["Ambari login refused", 3, new HttpLoginError("401", facts("Ambari", 401))],
  ["a bug", 1, new TypeError("x is undefined")],
])("%s -> exit %d, as npm run wordcount --help says", (_, code, error) => {
  expect(exitCodeFor(error)).toBe(code);
  if (code !== 1) expect(USAGE.replace(/\s+/g, " ")).toMatch(new RegExp(`[ ,]${code} [a-zA-Z]`));
});

test("an Ambari 404 is not mistaken for a forgotten Livy batch", () => {
  expect(exitCodeFor(new HttpNotFoundError("404", facts("Ambari", 404)))).toBe(5);
});

test.each(["Ambari", "Livy", "Jupyter", "Azure Resource Manager"] as const)("%s: one family, one exit code per kind of HTTP failure", (service) => {
  expect([
    new HttpLoginError("", facts(service, 401)), new HttpForbiddenError("", facts(service, 403)), new HttpNotFoundError("", facts(service, 404)),
    new HttpTlsError("", facts(service)), new HttpFormatError("", facts(service, 200)), new HttpError("", facts(service, 418)), unavailable(service),
    new HttpRetriesExhaustedError("x", 3, 10, unavailable(service)),
  ].map((e) => [e.service, exitCodeFor(e), e.retriable])).toEqual([
    [service, 3, false], [service, 4, false], [service, 5, false], [service, 6, false], [service, 7, false], [service, 7, false], [service, 8, true], [service, 8, false],
  ]);
});

test.each([
  ["cluster login refused at the gateway", 3, new HttpLoginError("401", facts("Jupyter", 401))],
  ["Jupyter refused the request", 4, new HttpForbiddenError("403", facts("Jupyter", 403))],
  ["no Jupyter at that URL", 5, new HttpNotFoundError("404", facts("Jupyter", 404))],
  ["untrusted certificate", 6, new HttpTlsError("tls", facts("Jupyter"))],
  ["an answer that is not Jupyter's", 7, new HttpFormatError("not JSON", facts("Jupyter", 200))],
  ["Jupyter unavailable after retries", 8, new HttpRetriesExhaustedError("upload", 6, 31_000, unavailable("Jupyter"))],
  ["a notebook edited on the cluster would be overwritten", 28, new NotebookExistsError("exists", ["kafka-spark-lab/02-wordcount.ipynb"])],
])("notebook: %s -> exit %d, as npm run notebook --help says", (_, code, error) => {
  expect(exitCodeFor(error)).toBe(code);
  expect(NOTEBOOK_USAGE.replace(/\s+/g, " ")).toMatch(new RegExp(`[ ,]${code} [a-zA-Z]`));
});

test("the exit-code table names the classes that raise each code: every one exists, and every error class reaches one", () => {
  const root = join(__dirname, "..");
  const walk = (d: string): string[] => readdirSync(join(root, d)).flatMap((e) => (statSync(join(root, d, e)).isDirectory() ? walk(`${d}/${e}`) : /\.ts$/.test(e) ? [`${d}/${e}`] : []));
  const sources = ["lib", "jobs", "stacks"].flatMap(walk).map((f) => readFileSync(join(root, f), "utf8"));
  const parent = new Map(sources.flatMap((t) => [...t.matchAll(/export class (\w+) extends ([\w.]+)/g)].map((m) => [m[1], m[2]] as const)));
  const listed = new Map(Object.entries(EXIT_CODES).flatMap(([kind, v]) => ("raisedBy" in v ? v.raisedBy : []).map((n) => [n as string, kind] as const)));
  expect(listed.size).toBeGreaterThan(25);
  expect([...listed.keys()].filter((n) => !parent.has(n))).toEqual([]);
  // Every class of the hierarchy gets its code from the table, but the one that decides its own (DeadlineError).
  const ownGetter = new Set(sources.flatMap((t) => [...t.matchAll(/export class (\w+) extends \w+ \{(?:(?!export class)[^])*?get exitCode\(\)/g)].map((m) => m[1])));
  const labErrors = [...parent.keys()].filter((c) => { for (let x: string | undefined = c; x; x = parent.get(x)) if (x === "LabError") return true; return false; }).filter((c) => c !== "LabError");
  expect(labErrors.length).toBeGreaterThan(30);
  const unlisted = labErrors.filter((c) => { for (let x: string | undefined = c; x && x !== "LabError"; x = parent.get(x)) if (listed.has(x) || ownGetter.has(x)) return false; return true; });
  expect(unlisted).toEqual([]);
});
