/**
 * The notebooks of notebooks/ and how the project fills them for a stack (pure functions: the
 * Azure upload and the local Jupyter use the same ones). Each notebook has one code cell tagged
 * `parameters` (papermill's convention) holding `BROKERS = "..."` and `TOPIC = "..."`; filling
 * rewrites those assignments and nothing else. For HDInsight, the raw cell tagged
 * `hdinsight-configure` (`%%configure -f`, which a plain ipykernel would refuse) becomes a code
 * cell and the kernel is HDInsight's PySpark3 (sparkmagic); locally it stays raw, and the kernel is python3.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Notebook, NotebookCell } from "./jupyter";

/** Where the notebooks are, in the repository. */
export const NOTEBOOKS_DIR = join(__dirname, "..", "..", "notebooks");

/** The notebooks, in the order they are meant to run, and the topic each one's parameters name. */
export const NOTEBOOKS = [
  { file: "01-produce-lines.ipynb", topic: (name: string) => `${name}-lines` },
  { file: "02-wordcount.ipynb", topic: (name: string) => `${name}-lines` },
  { file: "03-windowed-events.ipynb", topic: (name: string) => `${name}-events` },
] as const;

export type NotebookTarget = "local" | "hdinsight";

/** What the parameters cell is given. */
export interface NotebookParameters {
  BROKERS: string;
  TOPIC: string;
}

export const PARAMETERS_TAG = "parameters";
export const CONFIGURE_TAG = "hdinsight-configure";

const KERNELS: Record<NotebookTarget, Record<string, string>> = {
  local: { name: "python3", display_name: "Python 3 (ipykernel)", language: "python" },
  // HDInsight 5.1's PySpark3 kernel (sparkmagic; cells run in a Livy session on the cluster, Python 3.8): the
  // "PySpark" kernel was removed with Spark 3.1,
  // https://learn.microsoft.com/azure/hdinsight/spark/apache-spark-python-package-installation
  hdinsight: { name: "pyspark3kernel", display_name: "PySpark3", language: "python" },
};

export const sourceOf = (cell: Pick<NotebookCell, "source">): string => (Array.isArray(cell.source) ? cell.source.join("") : cell.source);

/** A notebook of notebooks/, parsed. */
export function readNotebook(file: string, dir = NOTEBOOKS_DIR): Notebook {
  return JSON.parse(readFileSync(join(dir, file), "utf8")) as Notebook;
}

/**
 * A Python string literal for `value`: JSON's escapes (\", \\, \n, \uXXXX) mean the same in
 * Python, so the literal is exactly the value, whatever it holds.
 */
export const pythonString = (value: string): string => JSON.stringify(value);

/**
 * The notebook for `target` with its parameters set: a copy (the input is left as it is). Throws
 * when the notebook has no `parameters` cell, or that cell does not assign one of the parameters.
 */
export function fillNotebook(notebook: Notebook, parameters: NotebookParameters, target: NotebookTarget): Notebook {
  const copy = withParameters(notebook, { ...parameters });
  for (const c of copy.cells) {
    if ((c.metadata?.tags ?? []).includes(CONFIGURE_TAG)) setCellType(c, target === "hdinsight" ? "code" : "raw");
  }
  copy.metadata = { ...copy.metadata, kernelspec: KERNELS[target] };
  return copy;
}

/**
 * A copy of the notebook with assignments of its `parameters` cell set (`NAME = value`: a string
 * as a Python string literal, a number as it is). Throws when there is no such cell, or it does
 * not assign one of them. What fillNotebook and a headless run (headless.ts) both use.
 */
export function withParameters(notebook: Notebook, values: Record<string, string | number>): Notebook {
  const copy = JSON.parse(JSON.stringify(notebook)) as Notebook;
  const cell = copy.cells.find((c) => c.cell_type === "code" && (c.metadata?.tags ?? []).includes(PARAMETERS_TAG));
  if (!cell) throw new Error(`the notebook has no code cell tagged "${PARAMETERS_TAG}"`);
  let source = sourceOf(cell);
  for (const [name, value] of Object.entries(values)) {
    const assignment = new RegExp(`^${name}\\s*=.*$`, "m");
    if (!assignment.test(source)) throw new Error(`the "${PARAMETERS_TAG}" cell does not assign ${name}`);
    source = source.replace(assignment, () => `${name} = ${typeof value === "number" ? value : pythonString(value)}`);
  }
  cell.source = source;
  return copy;
}

function setCellType(cell: NotebookCell, type: "code" | "raw"): void {
  cell.cell_type = type;
  if (type === "code") {
    cell.outputs = [];
    cell.execution_count = null;
  } else {
    delete cell.outputs;
    delete cell.execution_count;
  }
}

/**
 * What a person may change in a notebook: each cell's type and source (outputs, execution counts
 * and cell ids are what running it changes). Two notebooks with the same fingerprint hold the
 * same work.
 */
export function notebookFingerprint(notebook: Pick<Notebook, "cells">): string {
  return JSON.stringify(notebook.cells.map((c) => [c.cell_type, sourceOf(c)]));
}
