// Opens the notebooks of notebooks/ on a stack: on Azure, uploads them to the Spark cluster's
// Jupyter (through its HTTPS gateway, with the cluster login from the stack's secrets), the
// brokers Ambari lists filled in, and prints the page to open; locally, the same through the
// master's JupyterLab with its token.
import { AmbariClient } from "../jobs/azure/ambari";
import { StackOutputsError, SubmitError, UsageError } from "../lib/errors";
import { dockerShell } from "../jobs/local/shell";
import { ambariLoginOf, retryNote } from "../jobs/kafka/route";
import { fillNotebook, NOTEBOOKS, type NotebookTarget, readNotebook } from "../jobs/notebooks/fill";
import { JupyterContentsClient, type JupyterContentsOptions } from "../jobs/notebooks/jupyter";
import { type UploadOutcome, uploadNotebooks } from "../jobs/notebooks/upload";
import { parseOutputs, type StackOutputs } from "../jobs/pulumiStack";
import { JOB_NAME } from "../jobs/wordcount/job";
import { type CommandContext, defineCommand, refusePasswordFlags, runCli } from "../jobs/cli/command";

const usage = `Usage: npm run notebook -- [options]

Opens the project's notebooks (notebooks/: produce lines into a topic, the Structured Streaming
word count, counts per minute of JSON events) on a stack, the brokers and topics filled in their
parameters cell.

  --stack <name>        the stack (default dev). Local: uploads them to the master's JupyterLab
                        (127.0.0.1:8888) and prints the URL to open, with its token. Azure:
                        uploads them to the Spark cluster's Jupyter and prints the page to open
                        (brokers from Ambari)
  --topic <name>        the topics' prefix: <name>-lines, <name>-events, and the counts
                        topics <name>-lines-counts, <name>-events-counts (default notebook)
  --folder <path>       the folder in Jupyter (default kafka-spark-lab; created if missing)
  --overwrite           replace notebooks there whose cells differ from this version's,
                        each first saved beside itself as <name>.backup-<time>.ipynb
                        (without it: nothing is uploaded, and the exit code is 28)
  -h, --help

A notebook already there with the same cells is left as it is (its outputs too). The cluster
login is the stack's (clusterLoginUser, clusterLoginPassword); there is no --password.
`;

export const DEFAULT_FOLDER = "kafka-spark-lab";

/** A Jupyter folder: segments of letters, digits, ., _, - or spaces; no .. */
function folderFlag(value: string | undefined): string {
  const folder = (value ?? DEFAULT_FOLDER).replace(/^\/+|\/+$/g, "");
  const segments = folder.split("/");
  if (!folder || segments.some((s) => !/^[A-Za-z0-9._ -]{1,100}$/.test(s) || s === "." || s === "..")) {
    throw new UsageError(`--folder ${value}: use a relative path of letters, digits, ., _, - or spaces (e.g. ${DEFAULT_FOLDER}), without . or .. segments`);
  }
  return folder;
}

export const notebook = defineCommand({
  name: "notebook",
  summary: { usage: "`npm run notebook`", does: "the tutorial's notebooks in JupyterLab, brokers filled in ([below](#notebooks))" },
  usage,
  exits: ["USAGE", "LOGIN_REFUSED", "FORBIDDEN", "NOT_FOUND", "TLS", "BAD_RESPONSE", "UNAVAILABLE", "STACK_OUTPUTS", "SUBMIT", "NOTEBOOK_EXISTS"],
  options: { stack: { type: "string" }, topic: { type: "string" }, folder: { type: "string" }, overwrite: { type: "boolean" } },
  checkArgv: refusePasswordFlags,
  async run(f, c) {
    const prefix = f.topic ?? "notebook";
    if (!JOB_NAME.test(prefix)) throw new UsageError(`--topic ${prefix}: use 1-64 letters, digits, - or _ (it names the notebooks' topics)`);
    const folder = folderFlag(f.folder);
    const stack = c.stackName(f.stack);
    const outputs = await c.readStack(stack);
    if (outputs.target !== "azure") return openLocalNotebooks(stack, outputs, c, { folder, overwrite: f.overwrite === true, prefix });

    const { sparkAmbariUrl } = parseOutputs(stack, outputs, "azure", ["sparkAmbariUrl"]);
    const login = ambariLoginOf(stack, outputs, c.secrets);
    c.note(`asking Ambari at ${login.baseUrl} for the brokers of "${login.cluster}"`);
    const ambariOptions = { ...login, fetch: c.deps.fetch, onRetry: retryNote(c.note) };
    const brokers = await (c.deps.ambari ? c.deps.ambari(ambariOptions) : new AmbariClient(ambariOptions)).kafkaBrokers();
    c.note(`${brokers.length} brokers: ${brokers.join(", ")}`);

    const jupyter = jupyterClient(c, { baseUrl: `${sparkAmbariUrl.replace(/\/+$/, "")}/jupyter`, user: login.user, password: login.password });
    c.note(`uploading ${NOTEBOOKS.length} notebooks to ${jupyter.baseUrl} (user ${login.user}), folder ${folder}`);
    await uploadFilled(jupyter, c, { folder, overwrite: f.overwrite === true, prefix, brokers: brokers.join(","), target: "hdinsight" });
    c.note("in Jupyter, open 01-produce-lines first; in each notebook run the %%configure cell first (it starts the Spark session with the Kafka source)");
    c.out(`${jupyter.treeUrl(folder)}\n`);
    return 0;
  },
});

/** The Jupyter contents client (the test's, when it gives one) with this command's fetch and retry notes. */
function jupyterClient(c: CommandContext, o: Pick<JupyterContentsOptions, "baseUrl" | "user" | "password" | "token">): JupyterContentsClient {
  const options = { ...o, fetch: c.deps.fetch, onRetry: retryNote(c.note) };
  return c.deps.jupyter ? c.deps.jupyter(options) : new JupyterContentsClient(options);
}

/** The notebooks with their parameters cell filled for the target, uploaded into `folder`, each outcome told. */
async function uploadFilled(jupyter: JupyterContentsClient, c: CommandContext, o: { folder: string; overwrite: boolean; prefix: string; brokers: string; target: NotebookTarget }): Promise<void> {
  const outcomes = await uploadNotebooks(jupyter, {
    folder: o.folder,
    overwrite: o.overwrite,
    notebooks: NOTEBOOKS.map(({ file, topic }) => ({ name: file, notebook: fillNotebook(readNotebook(file), { BROKERS: o.brokers, TOPIC: topic(o.prefix) }, o.target) })),
    note: c.note,
  });
  for (const outcome of outcomes) c.note(describe(outcome));
}

function describe(o: UploadOutcome): string {
  if (o.action === "unchanged") return `${o.path}: already there with the same cells, left as it is`;
  if (o.action === "replaced") return `${o.path}: replaced (the cluster's copy saved as ${o.backup})`;
  return `${o.path}: uploaded`;
}

/**
 * The notebooks on a local stack's JupyterLab (on the master, see stacks/local/image/rootfs/usr/
 * local/lib/lab/run-jupyter.sh): uploaded through the same contents API as on Azure, with the
 * server's token (read from the master, never printed but in the one URL to open), the brokers as
 * the nodes reach them filled in.
 */
export async function openLocalNotebooks(stack: string, outputs: StackOutputs, c: CommandContext, o: { folder: string; overwrite: boolean; prefix: string }): Promise<number> {
  const { bootstrapServersInternal, containerNames } = parseOutputs(stack, outputs, "local", ["bootstrapServersInternal", "containerNames"]);
  const jupyterUi = typeof outputs.jupyterUi === "string" ? outputs.jupyterUi : undefined;
  if (!jupyterUi) throw new StackOutputsError(`stack "${stack}" was deployed before the notebook service: bring it up again (pulumi up, or npm run demo) to get JupyterLab on the master`);
  const shell = dockerShell(containerNames[0]);
  const token = (await shell.run('cat /data/jupyter/token 2>/dev/null || true')).trim();
  if (!token) throw new SubmitError(`no Jupyter token on ${containerNames[0]} yet: its JupyterLab has not started (docker logs ${containerNames[0]} | grep -i jupyter)`);
  c.secrets.add(token);
  const jupyter = jupyterClient(c, { baseUrl: jupyterUi, token });
  c.note(`JupyterLab on ${containerNames[0]}: uploading ${NOTEBOOKS.length} notebooks to ${o.folder}, brokers ${bootstrapServersInternal}`);
  await uploadFilled(jupyter, c, { ...o, brokers: bootstrapServersInternal, target: "local" });
  c.note("open 01-produce-lines first; each kernel starts with `spark` ready (local[*] on the master)");
  // The one place the token is shown: the URL to open (written past the redacting writer on purpose).
  c.deps.stdout.write(`${jupyterUi.replace(/\/+$/, "")}/lab/tree/${encodeURI(o.folder)}?token=${token}\n`);
  return 0;
}

export const { main, USAGE } = notebook;

if (require.main === module) runCli(notebook, "notebook");
