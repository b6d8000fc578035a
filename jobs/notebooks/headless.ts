/**
 * Runs a notebook of the local stack's Jupyter without a browser: nbconvert's executor (nbclient)
 * in the master, with the kernel the notebook service starts (`spark` ready), parameters set in the
 * cell tagged "parameters" first. Resolves with the executed notebook's text outputs, one string
 * per cell. What CI runs (tests/notebooks.live.test.ts); a user can too, to re-run a notebook.
 */
import type { NodeShell } from "../local/shell";
import { SubmitError } from "../../lib/errors";
import { withParameters } from "./fill";
import type { Notebook } from "./jupyter";

/** The text a cell's outputs show (streams and text/plain results). */
export function cellTexts(nb: Notebook): string[] {
  return nb.cells.map((cell) => (cell.outputs ?? []).map((o) => {
    const out = o as { text?: string | string[]; data?: Record<string, string | string[]>; ename?: string; evalue?: string };
    const text = out.text ?? out.data?.["text/plain"] ?? (out.ename ? `${out.ename}: ${out.evalue}` : "");
    return Array.isArray(text) ? text.join("") : text;
  }).join(""));
}

/** Where the local stack's notebook service keeps its notebooks (the master's /data/notebooks). */
export const LOCAL_NOTEBOOK_DIR = "/data/notebooks";

/**
 * Executes the notebook at `path` (in the node's notebook directory `dir`) with `parameters`, with
 * the kernel its metadata names, and returns it executed. A cell that raises fails this with the
 * cell's error.
 */
export async function runNotebook(shell: NodeShell, path: string, parameters: Record<string, string | number> = {}, timeoutSeconds = 600, dir = LOCAL_NOTEBOOK_DIR): Promise<Notebook> {
  const nb = JSON.parse(await shell.run('cat "$2/$1"', [path, dir])) as Notebook;
  const input = JSON.stringify(withParameters(nb, parameters));
  const script = [
    'work="$(mktemp -d)"; trap "rm -rf $work" EXIT',
    'printf "%s" "$2" > "$work/in.ipynb"',
    'cd "$(dirname "$4/$1")"',
    'LAB_JUPYTER_KERNEL=1 python3 -m jupyter nbconvert --to notebook --execute --ExecutePreprocessor.timeout="$3" --output-dir "$work" --output out.ipynb "$work/in.ipynb" >"$work/log" 2>&1 || { tail -n 30 "$work/log" >&2; exit 1; }',
    'cat "$work/out.ipynb"',
  ].join("\n");
  try {
    return JSON.parse(await shell.run(script, [path, input, String(timeoutSeconds), dir])) as Notebook;
  } catch (e) {
    throw new SubmitError(`notebook ${path} failed: ${(e as Error).message}`, { cause: e });
  }
}
