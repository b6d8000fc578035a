// Opens the notebooks of notebooks/ on a stack: on Azure, uploads them to the Spark cluster's
// Jupyter (through its HTTPS gateway, with the cluster login from the stack's secrets), the
// brokers Ambari lists filled in, and prints the page to open; locally, the same through the
// master's JupyterLab with its token.
import { UsageError } from "../lib/errors";
import { openNotebooks } from "../jobs/notebooks/open";
import { JOB_NAME } from "../jobs/wordcount/job";
import { defineCommand, refusePasswordFlags, runCli } from "../jobs/cli/command";

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
    const opened = await openNotebooks(stack, outputs, { folder, overwrite: f.overwrite === true, prefix, route: c.route("kafka-spark-lab-notebook"), jupyter: c.deps.jupyter });
    // The local URL carries the JupyterLab's token: its one showing, past the redacting writer on purpose.
    if (opened.withToken) c.deps.stdout.write(`${opened.url}\n`);
    else c.out(`${opened.url}\n`);
    return 0;
  },
});

export const { main, USAGE } = notebook;

if (require.main === module) runCli(notebook, "notebook");
