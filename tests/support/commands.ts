/** Running a command's `main` in the test's own process: the code `npm run <command>` runs, its output captured. */
import type { Command, CommandDeps } from "../../jobs/cli/command";

/** Not a terminal: nothing may be prompted for. */
export const NOT_A_TERMINAL = { isTTY: false, on: () => undefined, off: () => undefined, resume: () => undefined, pause: () => undefined, setEncoding: () => undefined } as unknown as CommandDeps["stdin"];

/** The command's `main` on `argv`, stdin not a terminal, stdout and stderr captured; `deps` override the rest. */
export async function runMain(command: Command, argv: string[], deps: Partial<CommandDeps> = {}): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const exitCode = await command.main(argv, {
    stdout: { write: (t: string) => ((stdout += t), true) },
    stderr: { write: (t: string) => ((stderr += t), true) },
    stdin: NOT_A_TERMINAL,
    ...deps,
  } as Partial<CommandDeps>);
  return { exitCode, stdout, stderr };
}
