/**
 * A Spark application of one's own (`npm run submit -- --jar` or `--py`), checked on this machine
 * before anything is copied or submitted: the file exists, a jar is a zip archive holding its main
 * class, a .py is a Python source file. Each refusal names the flag and says how to fix it.
 */
import { closeSync, openSync, readSync, statSync } from "node:fs";
import { basename, extname, resolve } from "node:path";
import yauzl from "yauzl";
import { UsageError } from "../../lib/errors";

export type SparkApp =
  | { kind: "jar"; path: string; className?: string }
  | { kind: "py"; path: string };

export interface SparkAppFlags {
  jar?: string;
  className?: string;
  py?: string;
}

/** The first bytes of a file (fewer when it is shorter). */
function head(path: string, n: number): Buffer {
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.alloc(n);
    return buf.subarray(0, readSync(fd, buf, 0, n, 0));
  } finally {
    closeSync(fd);
  }
}

function existingFile(flag: string, path: string): string {
  const full = resolve(path);
  let isFile = false;
  try {
    isFile = statSync(full).isFile();
  } catch {
    throw new UsageError(`--${flag} ${path}: no such file (looked for ${full})`);
  }
  if (!isFile) throw new UsageError(`--${flag} ${path}: not a file`);
  return full;
}

/** Every entry name of a zip archive (a jar is one), from its central directory. */
export function zipEntries(path: string): Promise<string[]> {
  return new Promise((done, fail) => {
    yauzl.open(path, { lazyEntries: true, autoClose: true }, (err, zip) => {
      if (err || !zip) return fail(err ?? new Error("cannot open"));
      const names: string[] = [];
      zip.on("entry", (e: yauzl.Entry) => { names.push(e.fileName); zip.readEntry(); });
      zip.on("end", () => done(names));
      zip.on("error", fail);
      zip.readEntry();
    });
  });
}

/** The main class a jar's manifest names, if any. */
async function manifestMainClass(path: string): Promise<string | undefined> {
  const text = await new Promise<string | undefined>((done, fail) => {
    yauzl.open(path, { lazyEntries: true, autoClose: false }, (err, zip) => {
      if (err || !zip) return fail(err ?? new Error("cannot open"));
      const finish = (value: string | undefined) => { zip.close(); done(value); };
      zip.on("entry", (e: yauzl.Entry) => {
        if (e.fileName !== "META-INF/MANIFEST.MF") return zip.readEntry();
        zip.openReadStream(e, (e2, stream) => {
          if (e2 || !stream) return finish(undefined);
          const chunks: Buffer[] = [];
          stream.on("data", (c: Buffer) => chunks.push(c));
          stream.on("end", () => finish(Buffer.concat(chunks).toString("utf8")));
        });
      });
      zip.on("end", () => finish(undefined));
      zip.on("error", fail);
      zip.readEntry();
    });
  });
  // Manifest lines longer than 72 bytes continue on the next line after one space.
  return /^Main-Class:\s*(\S+)\s*$/m.exec((text ?? "").replace(/\r?\n /g, ""))?.[1];
}

/** --jar, --class and --py checked: exactly one application, which is what it says it is. */
export async function checkSparkApp(f: SparkAppFlags): Promise<SparkApp> {
  if (f.jar !== undefined && f.py !== undefined) throw new UsageError("give --jar or --py, not both");
  if (f.className !== undefined && f.jar === undefined) throw new UsageError("--class names the main class of a --jar; a --py needs none");
  if (f.py !== undefined) {
    const path = existingFile("py", f.py);
    if (extname(path) !== ".py") throw new UsageError(`--py ${f.py}: expected a Python file ending in .py (for a jar, use --jar and --class)`);
    if (head(path, 64 * 1024).includes(0)) throw new UsageError(`--py ${f.py}: not a text file (it holds NUL bytes); expected Python source`);
    return { kind: "py", path };
  }
  if (f.jar === undefined) throw new UsageError("expected --jar <file.jar> --class <main class>, or --py <file.py>");
  const path = existingFile("jar", f.jar);
  // A jar is a zip archive: "PK\x03\x04" (or an empty archive's "PK\x05\x06").
  const magic = head(path, 4).toString("latin1");
  if (magic !== "PK\x03\x04" && magic !== "PK\x05\x06") throw new UsageError(`--jar ${f.jar}: not a jar (a jar is a zip archive; this file starts otherwise). Build it with mvn package, sbt package or jar cf`);
  let entries: string[];
  try {
    entries = await zipEntries(path);
  } catch (e) {
    throw new UsageError(`--jar ${f.jar}: not a readable zip archive (${(e as Error).message}); build it again`);
  }
  const className = f.className ?? await manifestMainClass(path);
  if (className === undefined) throw new UsageError(`--jar ${f.jar}: give --class <main class>; the jar's manifest names none`);
  if (!/^[\p{L}_$][\p{L}\p{N}_$]*(\.[\p{L}_$][\p{L}\p{N}_$]*)*$/u.test(className)) throw new UsageError(`--class ${className}: not a Java class name (expected e.g. com.example.MyJob)`);
  const entry = `${className.replace(/\./g, "/")}.class`;
  if (!entries.includes(entry)) {
    const simple = className.split(".").pop()!;
    const near = entries.filter((e) => e.endsWith(`/${simple}.class`) || e === `${simple}.class`).map((e) => e.slice(0, -6).replace(/\//g, "."));
    throw new UsageError(`--class ${className}: not in ${basename(path)} (no ${entry})${near.length ? `; did you mean ${near.slice(0, 3).join(" or ")}?` : ""}`);
  }
  return { kind: "jar", path, className };
}

/** A job name from the file's name (my-job.py -> my-job), as --name's rule allows. */
export function defaultJobName(app: SparkApp): string {
  const stem = basename(app.path).replace(/\.(py|jar)$/, "").replace(/[^A-Za-z0-9_-]+/g, "-").replace(/^-+|-+$/g, "");
  return (stem || "job").slice(0, 64);
}
