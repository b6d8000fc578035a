/**
 * How the commands reach a node of the local stack: `docker exec` with a script and its arguments
 * as an array (no shell quoting), a streamed variant, and copying a file in. Tests and benchmarks
 * use the same. JOBS_DIR is where jobs keep their files, pids and logs on the master.
 */
import { createHash } from "crypto";
import { readFileSync } from "fs";
import { basename } from "path";
import execa from "execa";
import { SubmitError } from "../../lib/errors";

export const JOBS_DIR = "/var/lib/kafka-spark-lab/jobs";

/** How commands reach the master: `docker exec` by default; tests and benchmarks use the same. */
export interface NodeShell {
  /** Runs `bash -lc script` in the node with `args` as "$@" and `env` set; resolves with stdout. */
  run(script: string, args?: string[], env?: Record<string, string>): Promise<string>;
  /** Like run, but streams stdout lines to `onLine` until the command exits. */
  stream(script: string, args: string[], env: Record<string, string>, onLine: (line: string) => void): Promise<void>;
  /** Copies a file of this machine into the node. */
  copyIn(localPath: string, nodePath: string): Promise<void>;
}

export function dockerShell(container: string): NodeShell {
  const envArgs = (env: Record<string, string> = {}) => Object.entries(env).flatMap(([k, v]) => ["-e", `${k}=${v}`]);
  // set -u after the login profile (which is not written for it): a script that reads a variable
  // nobody set fails with its name instead of running with an empty string.
  const bash = (script: string, args: string[]) => ["bash", "-lc", `set -u\n${script}`, "bash", ...args];
  return {
    async run(script, args = [], env = {}) {
      const r = await execa("docker", ["exec", ...envArgs(env), container, ...bash(script, args)], { reject: false });
      if (r.exitCode !== 0) throw new SubmitError(`in ${container}: ${(r.stderr || r.stdout).trim().split("\n").slice(-3).join(" / ") || `exit ${r.exitCode}`}`);
      return r.stdout;
    },
    async stream(script, args, env, onLine) {
      const child = execa("docker", ["exec", ...envArgs(env), container, ...bash(script, args)], { reject: false });
      let rest = "";
      child.stdout?.on("data", (chunk: Buffer) => {
        const lines = (rest + chunk.toString()).split("\n");
        rest = lines.pop() ?? "";
        lines.forEach(onLine);
      });
      await child;
      if (rest) onLine(rest);
    },
    async copyIn(localPath, nodePath) {
      await execa("docker", ["cp", localPath, `${container}:${nodePath}`]);
    },
  };
}

const sha256 = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

/** Puts a file (a jar, a .py) on the master unless the same bytes are there already; returns its path in the node. */
export async function putFile(shell: NodeShell, localPath: string): Promise<{ path: string; copied: boolean }> {
  const path = `${JOBS_DIR}/${basename(localPath)}`;
  const there = (await shell.run('mkdir -p "$JOBS_DIR"; sha256sum "$1" 2>/dev/null | cut -d" " -f1', [path], { JOBS_DIR })).trim();
  if (there === sha256(localPath)) return { path, copied: false };
  await shell.copyIn(localPath, path);
  return { path, copied: true };
}
