/**
 * The notebooks of notebooks/ opened on a stack: on Azure, uploaded to the Spark cluster's Jupyter
 * (through its HTTPS gateway, with the cluster login from the stack's secrets), the brokers Ambari
 * lists filled in; locally, the same through the master's JupyterLab with its token (read from the
 * master: /data/jupyter/token, made at its first start by run-jupyter.sh), the brokers as the nodes
 * reach them. Resolves with the page to open.
 */
import { StackOutputsError, SubmitError } from "../../lib/errors";
import { ambariBrokers, ambariLoginOf, retryNote, type KafkaRouteOptions } from "../kafka/route";
import { dockerShell, type NodeShell } from "../local/shell";
import { onAzurePath, parseOutputs, type StackOutputs } from "../pulumiStack";
import { gatewayFetch } from "../twin/access";
import { fillNotebook, NOTEBOOKS, type NotebookTarget, readNotebook } from "./fill";
import { JupyterContentsClient, type JupyterContentsOptions } from "./jupyter";
import { type UploadOutcome, uploadNotebooks } from "./upload";

export interface OpenNotebooksOptions {
  folder: string;
  overwrite: boolean;
  /** The topics' prefix. */
  prefix: string;
  /** How this command reaches Ambari (its deps, the secrets it registers, its notes). */
  route: Pick<KafkaRouteOptions, "deps" | "secrets" | "note">;
  /** The Jupyter client (a test's, when it gives one). */
  jupyter?: (o: JupyterContentsOptions) => JupyterContentsClient;
}

/** The page to open; `withToken`: the URL carries the local JupyterLab's token (shown once, nowhere else). */
export interface OpenedNotebooks {
  url: string;
  withToken: boolean;
}

export async function openNotebooks(stack: string, outputs: StackOutputs, o: OpenNotebooksOptions): Promise<OpenedNotebooks> {
  const note = o.route.note;
  const client = (options: Pick<JupyterContentsOptions, "baseUrl" | "user" | "password" | "token">) => {
    const full = { ...options, fetch: gatewayFetch(stack, outputs, "spark", o.route.deps.fetch, o.route.deps.readTwinAccess), onRetry: retryNote(note) };
    return o.jupyter ? o.jupyter(full) : new JupyterContentsClient(full);
  };
  if (onAzurePath(outputs)) {
    const { sparkAmbariUrl } = parseOutputs(stack, outputs, "azure", ["sparkAmbariUrl"]);
    const login = ambariLoginOf(stack, outputs, o.route.secrets);
    const brokers = await ambariBrokers(stack, outputs, o.route);
    const jupyter = client({ baseUrl: `${sparkAmbariUrl.replace(/\/+$/, "")}/jupyter`, user: login.user, password: login.password });
    note(`uploading ${NOTEBOOKS.length} notebooks to ${jupyter.baseUrl} (user ${login.user}), folder ${o.folder}`);
    await uploadFilled(jupyter, note, { ...o, brokers: brokers.join(","), target: "hdinsight" });
    note("in Jupyter, open 01-produce-lines first; in each notebook run the %%configure cell first (it starts the Spark session with the Kafka source)");
    return { url: jupyter.treeUrl(o.folder), withToken: false };
  }
  const { bootstrapServersInternal, containerNames } = parseOutputs(stack, outputs, "local", ["bootstrapServersInternal", "containerNames"]);
  const jupyterUi = typeof outputs.jupyterUi === "string" ? outputs.jupyterUi : undefined;
  if (!jupyterUi) throw new StackOutputsError(`stack "${stack}" was deployed before the notebook service: bring it up again (pulumi up, or npm run demo) to get JupyterLab on the master`);
  const token = await jupyterToken(dockerShell(containerNames[0]), containerNames[0]);
  o.route.secrets.add(token);
  const jupyter = client({ baseUrl: jupyterUi, token });
  note(`JupyterLab on ${containerNames[0]}: uploading ${NOTEBOOKS.length} notebooks to ${o.folder}, brokers ${bootstrapServersInternal}`);
  await uploadFilled(jupyter, note, { ...o, brokers: bootstrapServersInternal, target: "local" });
  note("open 01-produce-lines first; each kernel starts with `spark` ready (local[*] on the master)");
  return { url: `${jupyterUi.replace(/\/+$/, "")}/lab/tree/${encodeURI(o.folder)}?token=${token}`, withToken: true };
}

/** The local JupyterLab's token, which its first start writes on the master. */
export async function jupyterToken(shell: NodeShell, master: string): Promise<string> {
  const token = (await shell.run("cat /data/jupyter/token 2>/dev/null || true")).trim();
  if (!token) throw new SubmitError(`no Jupyter token on ${master} yet: its JupyterLab has not started (docker logs ${master} | grep -i jupyter)`);
  return token;
}

/** The notebooks with their parameters cell filled for the target, uploaded into `folder`, each outcome told. */
async function uploadFilled(jupyter: JupyterContentsClient, note: (m: string) => void, o: { folder: string; overwrite: boolean; prefix: string; brokers: string; target: NotebookTarget }): Promise<void> {
  const outcomes = await uploadNotebooks(jupyter, {
    folder: o.folder,
    overwrite: o.overwrite,
    notebooks: NOTEBOOKS.map(({ file, topic }) => ({ name: file, notebook: fillNotebook(readNotebook(file), { BROKERS: o.brokers, TOPIC: topic(o.prefix) }, o.target) })),
    note,
  });
  for (const outcome of outcomes) note(describe(outcome));
}

function describe(o: UploadOutcome): string {
  if (o.action === "unchanged") return `${o.path}: already there with the same cells, left as it is`;
  if (o.action === "replaced") return `${o.path}: replaced (the cluster's copy saved as ${o.backup})`;
  return `${o.path}: uploaded`;
}
