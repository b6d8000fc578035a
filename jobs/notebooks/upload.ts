/**
 * Puts the notebooks in a folder of a Jupyter (the Spark cluster's, through its gateway) without
 * ever losing a person's work: a notebook already there with the same cells (type and source) is
 * left as it is, outputs included; one whose cells differ (edited on the cluster, or an older
 * version of ours) stops the upload before anything is written, unless `overwrite`, which first
 * saves the cluster's copy beside it as `<name>.backup-<UTC time>.ipynb`.
 */
import { NotebookExistsError } from "../../lib/errors";
import { HttpError } from "../../lib/http/errors";
import { notebookFingerprint } from "./fill";
import type { JupyterContentsClient, Notebook } from "./jupyter";

export interface NotebookUpload {
  /** File name in the folder, e.g. 02-wordcount.ipynb. */
  name: string;
  notebook: Notebook;
}

export type UploadOutcome =
  | { path: string; action: "uploaded" }
  | { path: string; action: "unchanged" }
  | { path: string; action: "replaced"; backup: string };

export interface UploadOptions {
  folder: string;
  notebooks: NotebookUpload[];
  /** Replace notebooks whose cells differ, each saved first as a backup beside it. */
  overwrite: boolean;
  /** The time in backup names (tests fix it). */
  now?: Date;
  note?: (line: string) => void;
}

/** `02-wordcount.backup-20261206-101500.ipynb` for 02-wordcount.ipynb at that UTC time. */
export function backupName(name: string, now: Date): string {
  const stamp = now.toISOString().replace(/\.\d+Z$/, "").replace(/[-:]/g, "").replace("T", "-");
  return name.replace(/(\.ipynb)?$/, `.backup-${stamp}.ipynb`);
}

export async function uploadNotebooks(client: Pick<JupyterContentsClient, "version" | "get" | "ensureDirectory" | "putNotebook">, o: UploadOptions): Promise<UploadOutcome[]> {
  const note = o.note ?? (() => undefined);
  const version = await client.version();
  note(`Jupyter ${version} answers`);
  const folder = o.folder.replace(/^\/+|\/+$/g, "");
  const folderThere = await client.get(folder);
  if (folderThere && folderThere.type !== "directory") throw new HttpError(`${folder} exists on the cluster's Jupyter but is a ${folderThere.type}, not a directory: choose another --folder`, { service: "Jupyter" });

  // Every notebook's state first: a refusal writes nothing.
  const plan: { path: string; upload: NotebookUpload; existing?: Notebook }[] = [];
  for (const upload of o.notebooks) {
    const path = `${folder}/${upload.name}`;
    const existing = folderThere ? await client.get(path, { content: true }) : undefined;
    if (existing && existing.type !== "notebook") throw new HttpError(`${path} exists on the cluster's Jupyter but is a ${existing.type}, not a notebook: move it away or choose another --folder`, { service: "Jupyter" });
    plan.push({ path, upload, existing: existing?.content as Notebook | undefined });
  }
  const edited = plan.filter((p) => p.existing && notebookFingerprint(p.existing) !== notebookFingerprint(p.upload.notebook));
  if (edited.length && !o.overwrite) {
    const paths = edited.map((p) => p.path);
    throw new NotebookExistsError(
      `${paths.join(", ")} already exist${paths.length === 1 ? "s" : ""} on the cluster with other cells than this version's ` +
        "(edited there, or uploaded by another version): nothing was uploaded. To keep both, pass --folder <another folder>; " +
        "to replace them, pass --overwrite (each is first saved beside itself as <name>.backup-<time>.ipynb).",
      paths,
    );
  }

  if ((await client.ensureDirectory(folder)) === "created") note(`created the folder ${folder}`);
  const outcomes: UploadOutcome[] = [];
  for (const { path, upload, existing } of plan) {
    if (existing && !edited.some((e) => e.path === path)) {
      outcomes.push({ path, action: "unchanged" });
      continue;
    }
    if (existing) {
      const backup = `${folder}/${backupName(upload.name, o.now ?? new Date())}`;
      await client.putNotebook(backup, existing);
      note(`saved the cluster's ${path} as ${backup}`);
      await client.putNotebook(path, upload.notebook);
      outcomes.push({ path, action: "replaced", backup });
      continue;
    }
    await client.putNotebook(path, upload.notebook);
    outcomes.push({ path, action: "uploaded" });
  }
  return outcomes;
}
