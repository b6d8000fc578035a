/**
 * One run per stack and job name at a time on this machine: two terminals running `npm run demo`
 * would load their texts into the same topic and count both. A run holds a lock file in the cache
 * directory (its pid, its command, when it started), made atomically; a second run is refused
 * before it touches anything, naming the first. A lock whose process is gone (killed, crashed) is
 * taken over. Locks are per machine: runs from another machine are not seen.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { RunInProgressError } from "../../lib/errors";
import { cachePath } from "./cache";

export interface RunHolder {
  pid: number;
  command: string;
  started: string;
}

export interface RunLock {
  release(): void;
}

/** What this process is, as a person typed it (`npm run demo -- --from 2000`). */
export function thisCommand(argv = process.argv, env = process.env): string {
  const script = env.npm_lifecycle_event;
  const args = argv.slice(2);
  return script ? `npm run ${script}${args.length ? ` -- ${args.join(" ")}` : ""}` : [argv[1] ?? "node", ...args].join(" ");
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists, under another user.
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
};

export const runLockPath = (stack: string, job: string, dir = cachePath("runs")) => `${dir}/${stack}--${job}.lock`;

/**
 * Takes the run lock of `stack` and `job`, or throws RunInProgressError naming the run that holds
 * it. The same process may take it again (the demo, then its word count). Released by `release`,
 * and in any case when the process exits.
 */
export function acquireRunLock(stack: string, job: string, o: { dir?: string; command?: string; pid?: number } = {}): RunLock {
  const path = runLockPath(stack, job, o.dir);
  const me: RunHolder = { pid: o.pid ?? process.pid, command: o.command ?? thisCommand(), started: new Date().toISOString() };
  mkdirSync(dirname(path), { recursive: true });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(path, `${JSON.stringify(me)}\n`, { flag: "wx" });
      const release = () => { try { if (holderOf(path)?.pid === me.pid) rmSync(path, { force: true }); } catch { /* gone already */ } };
      process.once("exit", release);
      return { release: () => { release(); process.off("exit", release); } };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    const holder = holderOf(path);
    if (holder?.pid === me.pid) return { release: () => undefined };
    if (holder && alive(holder.pid)) {
      throw new RunInProgressError(
        `job "${job}" on stack "${stack}" is already being run by another command on this machine: pid ${holder.pid}, \`${holder.command}\`, since ${holder.started}. ` +
          `Wait for it to end, or stop it (Ctrl-C in its terminal, or kill ${holder.pid}); to run both at once, give this one another job name (--name).`,
      );
    }
    // Left by a run that did not end cleanly (killed, crashed): taken over.
    rmSync(path, { force: true });
  }
  throw new RunInProgressError(`could not take the run lock ${path}: another run keeps taking it; try again`);
}

function holderOf(path: string): RunHolder | undefined {
  try {
    const h = JSON.parse(readFileSync(path, "utf8")) as RunHolder;
    return typeof h.pid === "number" ? h : undefined;
  } catch {
    return undefined;
  }
}
