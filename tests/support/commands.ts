/** Running a command's `main` in the test's own process: the code `npm run <command>` runs, its output captured. */
import type { Command, CommandDeps } from "../../jobs/cli/command";

/** Not a terminal: nothing may be prompted for. */
export const NOT_A_TERMINAL = { isTTY: false, on: () => undefined, off: () => undefined, resume: () => undefined, pause: () => undefined, setEncoding: () => undefined } as unknown as CommandDeps["stdin"];

export interface MainRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  seconds: number;
}

/**
 * The command's `main` (or the command) on `argv`, stdin not a terminal, stdout and stderr captured;
 * `deps` override the rest. `onStdout` and `onStderr` see the output as it is written (a command
 * that runs until it is stopped, a long command's progress).
 */
export async function runMain(
  command: Pick<Command, "main"> | Command["main"],
  argv: string[],
  deps: Partial<CommandDeps> = {},
  o: { onStdout?: (text: string) => void; onStderr?: (text: string) => void } = {},
): Promise<MainRun> {
  let stdout = "";
  let stderr = "";
  const started = Date.now();
  const main = typeof command === "function" ? command : command.main;
  const exitCode = await main(argv, {
    stdout: { write: (t: string) => ((stdout += t), o.onStdout?.(t), true) },
    stderr: { write: (t: string) => ((stderr += t), o.onStderr?.(t), true) },
    stdin: NOT_A_TERMINAL,
    ...deps,
  } as Partial<CommandDeps>);
  return { exitCode, stdout, stderr, seconds: (Date.now() - started) / 1000 };
}
