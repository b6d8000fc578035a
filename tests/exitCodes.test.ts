/**
 * Every failure a command can meet maps to the exit code its usage text documents; Livy's
 * failures each have their own (the word-count issue asks for it), a bug stays 1.
 */
import { LivyAuthenticationError, LivyBatchNotFoundError, LivyCsrfError, LivyError, LivyRejectedError, LivyUnavailableError } from "../lib/errors";
import { LivyJobDeadError, LivyJobKilledError } from "../jobs/spark/livy";
import { AmbariAuthenticationError, AmbariHttpError, AmbariNotFoundError } from "../jobs/azure/ambari";
import { exitCodeFor, OutputUnreadableError, ResultsError, UsageError } from "../lib/errors";
import { USAGE } from "../scripts/wordcount";
import { USAGE as NOTEBOOK_USAGE } from "../scripts/notebook";
import { JupyterAuthenticationError, JupyterError, JupyterForbiddenError, JupyterNotFoundError, JupyterTlsError, JupyterUnavailableError, NotebookExistsError } from "../lib/errors";

const batch = { id: 1, state: "dead" as const };
const http = (status: number) => new AmbariHttpError("GET", "/api/v1/clusters/kafka-lab", status, "application/json", undefined);

test.each([
  ["wrong cluster login at the gateway", 3, new LivyAuthenticationError("401")],
  ["CSRF header refused", 20, new LivyCsrfError("csrf")],
  ["batch unknown or forgotten", 21, new LivyBatchNotFoundError("404")],
  ["job dead", 22, new LivyJobDeadError("dead", batch, ["tail"])],
  ["job killed", 23, new LivyJobKilledError("killed", { ...batch, state: "killed" as const })],
  ["Livy unavailable after retries", 8, new LivyUnavailableError("503")],
  ["Livy refused the batch", 14, new LivyRejectedError("400")],
  ["any other Livy failure", 27, new LivyError("still starting after 900 s")],
  ["counts incomplete", 16, new ResultsError("timeout")],
  ["output unreadable", 26, new OutputUnreadableError("not Parquet")],
  ["usage", 2, new UsageError("--x")],
  ["Ambari login refused", 3, new AmbariAuthenticationError("admin", "https://kafka-lab.azurehdinsight.net", http(401))],
  ["a bug", 1, new TypeError("x is undefined")],
])("%s -> exit %d, as npm run wordcount --help says", (_, code, error) => {
  expect(exitCodeFor(error)).toBe(code);
  if (code !== 1) expect(USAGE.replace(/\s+/g, " ")).toMatch(new RegExp(`[ ,]${code} [a-zA-Z]`));
});

test("an Ambari 404 is not mistaken for a forgotten Livy batch", () => {
  expect(exitCodeFor(new AmbariNotFoundError("kafka-lab", "/api/v1/clusters/kafka-lab", http(404)))).toBe(5);
});

test.each([
  ["cluster login refused at the gateway", 3, new JupyterAuthenticationError("401")],
  ["Jupyter refused the request", 4, new JupyterForbiddenError("403")],
  ["no Jupyter at that URL", 5, new JupyterNotFoundError("404")],
  ["untrusted certificate", 6, new JupyterTlsError("tls")],
  ["an answer that is not Jupyter's", 7, new JupyterError("not JSON")],
  ["Jupyter unavailable after retries", 8, new JupyterUnavailableError("503")],
  ["a notebook edited on the cluster would be overwritten", 28, new NotebookExistsError("exists", ["kafka-spark-lab/02-wordcount.ipynb"])],
])("notebook: %s -> exit %d, as npm run notebook --help says", (_, code, error) => {
  expect(exitCodeFor(error)).toBe(code);
  expect(NOTEBOOK_USAGE.replace(/\s+/g, " ")).toMatch(new RegExp(`[ ,]${code} [a-zA-Z]`));
});
