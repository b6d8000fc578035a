/**
 * The notebooks of the repository (valid nbformat 4, their parameters and %%configure cells), and
 * `npm run notebook -- --stack azure` where a fault must be made on demand: a real Jupyter server
 * (jupyter_server from PyPI, in a venv made on first use) behind an HTTPS gateway of the test's own
 * that can answer 502, a URL with no Jupyter, nothing listening, an untrusted certificate. The
 * upload as HDInsight serves it (Jupyter behind the gateway, the folder, a notebook edited on the
 * cluster, a refused login) runs against the twin: tests/twin.live.test.ts.
 */
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { EXIT } from "../lib/errors";
import { CONFIGURE_TAG, fillNotebook, NOTEBOOKS, NOTEBOOKS_DIR, PARAMETERS_TAG, readNotebook, sourceOf } from "../jobs/notebooks/fill";
import { JupyterContentsClient, type JupyterContentsOptions, type Notebook } from "../jobs/notebooks/jupyter";
import { backupName } from "../jobs/notebooks/upload";
import type { CommandDeps } from "../jobs/cli/command";
import { notebook } from "../scripts/notebook";
import { startFakeAmbari, type FakeAmbari } from "./support/fakeAmbari";
import { fetchTrusting, freePort, jupyterPython, startGateway, startJupyterServer, type Gateway, type JupyterServer } from "./support/jupyterServer";
import { runMain } from "./support/commands";

jest.setTimeout(120_000);

const USER = "admin";
const PASSWORD = "Cl0ud-Login-Pa55word!";

let jupyter: JupyterServer;
let gateway: Gateway;
let ambari: FakeAmbari;

beforeAll(async () => {
  jupyter = await startJupyterServer(); // creates the venv first when missing (PyPI)
  gateway = await startGateway(jupyter.url.replace(/\/jupyter$/, ""), { user: USER, password: PASSWORD });
  ambari = await startFakeAmbari({ accounts: [{ user: USER, password: PASSWORD }] });
}, 240_000);

afterAll(async () => {
  await gateway?.close();
  await ambari?.close();
  await jupyter?.stop();
});

const azureOutputs = (o: { sparkUrl?: string; password?: string } = {}) => ({
  target: "azure",
  kafkaAmbariUrl: ambari.url, kafkaClusterName: "kafka-mylab42", sparkClusterName: "spark-mylab42",
  sparkAmbariUrl: o.sparkUrl ?? gateway.url, clusterLoginUser: USER, clusterLoginPassword: o.password ?? PASSWORD,
});

interface Outcome { code: number; stdout: string; stderr: string }

/** `npm run notebook` in-process on a fake Azure stack; the Jupyter client with short retries. */
async function run(argv: string[], o: { sparkUrl?: string; password?: string; fetch?: typeof fetch } = {}): Promise<Outcome> {
  const { exitCode: code, stdout, stderr } = await runMain(notebook, argv, {
    env: {},
    readStackOutputs: async () => azureOutputs(o),
    fetch: o.fetch ?? fetchTrusting(gateway.ca),
    jupyter: (options: JupyterContentsOptions) => new JupyterContentsClient({ ...options, retries: 2, backoffMs: 10 }),
  } satisfies Partial<CommandDeps>);
  return { code, stdout, stderr };
}

const parametersOf = (nb: Notebook) => sourceOf(nb.cells.find((c) => (c.metadata.tags ?? []).includes(PARAMETERS_TAG))!);

/** nbformat's own validation, with the venv's python (jupyter_server brings nbformat). */
function validateWithNbformat(files: string[]): void {
  const script = "import sys, nbformat\nfor f in sys.argv[1:]:\n    nbformat.validate(nbformat.read(f, as_version=4))\nprint('valid', len(sys.argv) - 1)";
  expect(execFileSync(jupyterPython(), ["-c", script, ...files], { encoding: "utf8" }).trim()).toBe(`valid ${files.length}`);
}

describe("the notebooks of the repository", () => {
  test("are valid nbformat 4, each with a parameters cell and the HDInsight %%configure cell (raw)", () => {
    validateWithNbformat(NOTEBOOKS.map((n) => join(NOTEBOOKS_DIR, n.file)));
    for (const { file } of NOTEBOOKS) {
      const nb = readNotebook(file);
      expect(parametersOf(nb)).toMatch(/^BROKERS = "/m);
      expect(parametersOf(nb)).toMatch(/^TOPIC = "/m);
      const configure = nb.cells.filter((c) => (c.metadata.tags ?? []).includes(CONFIGURE_TAG));
      expect(configure.map((c) => c.cell_type)).toEqual(["raw"]);
      expect(sourceOf(configure[0])).toMatch(/^%%configure -f\n.*"spark\.jars\.packages": "org\.apache\.spark:spark-sql-kafka-0-10_2\.12:3\.3\.1"/s);
      expect(nb.metadata.kernelspec).toMatchObject({ name: "python3" });
    }
  });

  test("the final cell of the word counts prints COUNTS_JSON and stops the queries", () => {
    for (const file of ["02-wordcount.ipynb", "03-windowed-events.ipynb"]) {
      const code = readNotebook(file).cells.filter((c) => c.cell_type === "code");
      const last = sourceOf(code[code.length - 1]);
      expect(last).toContain('print("COUNTS_JSON " + json.dumps(final');
      expect(last).toContain("q.stop()");
    }
  });

  test("fillNotebook sets only the parameters, for HDInsight turns the %%configure cell into code, and leaves its input alone", () => {
    const original = readNotebook("02-wordcount.ipynb");
    const before = JSON.stringify(original);
    const filled = fillNotebook(original, { BROKERS: 'wn0:9092,"odd\\name"', TOPIC: "t-lines" }, "hdinsight");
    expect(JSON.stringify(original)).toBe(before);
    expect(parametersOf(filled)).toContain('BROKERS = "wn0:9092,\\"odd\\\\name\\""\n');
    expect(parametersOf(filled)).toContain('TOPIC = "t-lines"\n');
    expect(parametersOf(filled)).toContain("LIVE_SECONDS = 20");
    expect(filled.cells.find((c) => (c.metadata.tags ?? []).includes(CONFIGURE_TAG))).toMatchObject({ cell_type: "code", outputs: [], execution_count: null });
    expect(filled.metadata.kernelspec).toMatchObject({ name: "pyspark3kernel", display_name: "PySpark3" });
    const local = fillNotebook(original, { BROKERS: "a:1", TOPIC: "t" }, "local");
    expect(local.cells.find((c) => (c.metadata.tags ?? []).includes(CONFIGURE_TAG))?.cell_type).toBe("raw");
    expect(() => fillNotebook({ ...original, cells: original.cells.filter((c) => c.cell_type !== "code") }, { BROKERS: "a:1", TOPIC: "t" }, "local")).toThrow(/no code cell tagged "parameters"/);
  });

  test("a backup's name says when it was saved (UTC)", () => {
    expect(backupName("02-wordcount.ipynb", new Date("2026-12-06T10:15:00.123Z"))).toBe("02-wordcount.backup-20261206-101500.ipynb");
  });
});

describe("npm run notebook -- --stack azure, against Jupyter behind a gateway whose faults the test controls", () => {
  test("no Jupyter at that URL (another path on the gateway): exit 5, saying so", async () => {
    const r = await run(["--stack", "azure"], { sparkUrl: `${gateway.url}/not-here` });
    expect(r.code).toBe(EXIT.NOT_FOUND);
    expect(r.stderr).toContain(`Jupyter at ${gateway.url}/not-here/jupyter answered HTTP 404 to GET /api: could not reach Jupyter`);
    expect(r.stderr).toContain("still deploying");
  });

  test("the gateway answering 502 twice: retried, then uploaded", async () => {
    gateway.failNext(2, 502);
    const r = await run(["--stack", "azure", "--folder", "retried"]);
    expect(r.stderr).toMatch(/Jupyter answered HTTP 502 to GET \/api; retry 1\/2/);
    expect(r.code).toBe(0);
    expect(readdirSync(join(jupyter.rootDir, "retried")).filter((f) => f.endsWith(".ipynb")).sort()).toEqual(NOTEBOOKS.map((n) => n.file));
  });

  test("nothing listening: retried a bounded number of times, then exit 8", async () => {
    const r = await run(["--stack", "azure"], { sparkUrl: `https://127.0.0.1:${await freePort()}` });
    expect(r.stderr).toMatch(/Could not reach Jupyter at https:\/\/127\.0\.0\.1:\d+: ECONNREFUSED .*retry 1\/2/);
    expect(r.stderr).toMatch(/error: Gave up after 3 attempts \(\d+\.\d s\) to reach Jupyter/);
    expect(r.code).toBe(EXIT.UNAVAILABLE);
  });

  test("the platform's fetch does not trust the gateway's self-signed certificate: exit 6, no retry", async () => {
    const r = await run(["--stack", "azure"], { fetch: globalThis.fetch });
    expect(r.code).toBe(EXIT.TLS);
    expect(r.stderr).toMatch(/TLS connection to https:\/\/127\.0\.0\.1:\d+ failed: (DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)/);
    expect(r.stderr).not.toContain("retry");
  });

  test("a local stack deployed before the notebook service (no jupyterUi output): exit 9, says to bring it up again", async () => {
    const { exitCode: code, stderr } = await runMain(notebook, ["--stack", "dev"], {
      env: {},
      readStackOutputs: async () => ({ target: "local", bootstrapServersHost: "localhost:9092", bootstrapServersInternal: "hadoop-master:9092", containerNames: ["hadoop-master"] }),
    });
    expect(code).toBe(EXIT.STACK_OUTPUTS);
    expect(stderr).toContain('stack "dev" was deployed before the notebook service: bring it up again (pulumi up, or npm run demo)');
  });
});

