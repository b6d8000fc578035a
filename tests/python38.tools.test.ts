/**
 * Every piece of Python the project sends to HDInsight 5.1, whose PySpark3 kernel and Livy batches
 * run Python 3.8 (https://learn.microsoft.com/azure/hdinsight/spark/apache-spark-python-package-installation),
 * needs no newer Python: the notebooks' code cells (their magics taken out) and the PySpark word
 * count, checked by vermin (PyPI, https://github.com/netromdk/vermin) with `-t=3.8-`. No registry
 * here serves a CPython 3.8 to run them on. The tools tier: `.ci/run` installs vermin in a venv.
 */
import { mkdtempSync, readdirSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import execa from "execa";
import { cachePath } from "../jobs/util/cache";
import { NOTEBOOKS_DIR, readNotebook, sourceOf } from "../jobs/notebooks/fill";
import { ROOT } from "./support/docker";

const VERMIN = process.env.VERMIN ?? cachePath("venv-vermin", "bin", "vermin");
const vermin = (files: string[]) => execa(VERMIN, ["-t=3.8-", "--violations", "-vvv", "--no-tips", "--no-parse-comments", ...files], { reject: false });

/** A notebook's code cells as one Python file, each cell magic's line (`%%configure -f`) and its JSON body left out. */
function notebookPython(file: string): string {
  return readNotebook(file).cells
    .filter((c) => c.cell_type === "code")
    .map(sourceOf)
    .filter((source) => !source.trimStart().startsWith("%%"))
    .join("\n\n");
}

const dir = mkdtempSync(join(tmpdir(), "py38-"));
const notebooks = readdirSync(NOTEBOOKS_DIR).filter((f) => f.endsWith(".ipynb")).sort();
const sources = [
  join(ROOT, "jobs/spark-app/python/wordcount.py"),
  ...notebooks.map((file) => {
    const out = join(dir, file.replace(/\.ipynb$/, ".py"));
    writeFileSync(out, notebookPython(file));
    return out;
  }),
];

test("the three notebooks and wordcount.py need nothing newer than Python 3.8", async () => {
  expect(notebooks).toHaveLength(3);
  for (const file of sources) {
    const r = await vermin([file]);
    expect({ file, exitCode: r.exitCode, out: r.exitCode === 0 ? "" : r.stdout + r.stderr }).toEqual({ file, exitCode: 0, out: "" });
  }
});

test("the check fails on code that needs Python 3.9 (str.removeprefix) or 3.10 (match), naming the line", async () => {
  const newer = join(dir, "newer.py");
  writeFileSync(newer, 'word = "#tag".removeprefix("#")\nmatch word:\n    case "tag":\n        print(word)\n');
  const r = await vermin([newer]);
  expect(r.exitCode).not.toBe(0);
  expect(r.stdout).toMatch(/L1: .str\.removeprefix. member requires !2, 3\.9/);
  expect(r.stdout).toMatch(/L2.*pattern matching requires !2, 3\.10/);
});
