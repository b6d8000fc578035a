/** Small files a command reads whole (a topics file, an SSH key), refused naming the file, what is wrong and the fix. */
import { readFileSync, statSync } from "node:fs";
import { UsageError } from "../../lib/errors";

/** `what` names where the path came from (`--file`, `SSH_PRIVATE_KEY_FILE=`), `fix` what to give instead. */
export function readWholeFile(what: string, path: string, fix: string): Buffer {
  const refuse = (problem: string, cause?: unknown) => new UsageError(`${what}${path}: ${problem}; ${fix}`, { cause });
  try {
    const info = statSync(path);
    if (info.isDirectory()) throw refuse("is a directory");
    if (!info.isFile()) throw refuse("is not a regular file");
    return readFileSync(path);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw refuse(code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : `cannot be read (${code ?? (e as Error).message})`, e);
  }
}
