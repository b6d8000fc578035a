/**
 * Secrets: where a job's password comes from (the environment, else a hidden prompt on a terminal;
 * never the command line: argv is readable by every user of the machine, `ps`, /proc, and lands in
 * shell history), and the registry of every secret a command holds, which its output redacts.
 */
import { readFileSync } from "node:fs";
import { PasswordUnavailableError } from "../lib/errors";

/** Replaces every occurrence of `secret` (ignored when too short to be a real secret). */
export function redactSecret(text: string, secret: string | undefined): string {
  return secret && secret.length >= 4 ? text.split(secret).join("***") : text;
}

/**
 * What a message cut short shows of a secret (a client keeps 80 characters of an HTML title): its
 * start, 6 characters or more, where the text is cut ("…", the end of a line or of the text).
 */
function cutStartPattern(secret: string): RegExp | undefined {
  if (secret.length < 8 || secret.length > 200 || secret.includes("\n")) return undefined; // a key: its lines are registered too
  const escape = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const starts = Array.from({ length: secret.length - 6 }, (_, i) => escape(secret.slice(0, secret.length - 1 - i)));
  return new RegExp(`(?:${starts.join("|")})(?=…|\n|$)`, "g");
}

/**
 * The secrets a command holds (passwords, private keys). Whatever a command writes goes through
 * `redact` first (jobs/cli/command.ts), so a secret that reaches a message by any path is not printed.
 */
export class Secrets {
  readonly #values = new Set<string>();
  readonly #cutStarts = new Map<string, RegExp | undefined>();

  /** Registers secrets; a multi-line one (a private key) also line by line, in case a message quotes a part. */
  add(...secrets: (string | Buffer | undefined)[]): void {
    for (const s of secrets) {
      if (s === undefined) continue;
      const text = s.toString();
      this.#values.add(text.trim());
      for (const line of text.split("\n")) if (line.trim().length >= 16) this.#values.add(line.trim());
    }
  }

  redact(text: string): string {
    // Longest first: a key's whole text before its lines.
    const secrets = [...this.#values].sort((a, b) => b.length - a.length);
    const whole = secrets.reduce((t, s) => redactSecret(t, s), text);
    return secrets.reduce((t, s) => {
      if (!this.#cutStarts.has(s)) this.#cutStarts.set(s, cutStartPattern(s));
      const pattern = this.#cutStarts.get(s);
      return pattern ? t.replace(pattern, "***") : t;
    }, whole);
  }
}

export const PASSWORD_ENV = "AMBARI_PASSWORD";

/** The environment variables that hold a secret a command may be given (jobs/kafka/route.ts, jobs/spark/runners.ts). */
export const SECRET_ENV = [PASSWORD_ENV, "SSH_PASSWORD", "LIVY_PASSWORD"] as const;

/**
 * Every secret the environment hands a command, the SSH key file's text included (when readable):
 * registered when the command starts, so an error body that quotes one is redacted even on a path
 * that never used it (wordcount --status quoting the SSH password).
 */
export function secretsOfEnv(env: Record<string, string | undefined>): (string | Buffer | undefined)[] {
  const key = env.SSH_PRIVATE_KEY_FILE;
  let keyText: Buffer | undefined;
  try { keyText = key ? readFileSync(key) : undefined; } catch { /* named with the fix where it is used (sshCredentials) */ }
  return [...SECRET_ENV.map((name) => env[name]), keyText];
}

/** The part of a terminal's stdin a hidden prompt needs (process.stdin, or a fake in tests). */
export type TerminalInput = Pick<NodeJS.ReadStream, "on" | "off" | "resume" | "pause" | "setEncoding"> & {
  isTTY?: boolean;
  setRawMode?: (mode: boolean) => unknown;
};

export interface TextOutput {
  write(text: string): unknown;
}

export interface PasswordSources {
  env: Record<string, string | undefined>;
  stdin: TerminalInput;
  /** Where the prompt goes: stderr, so stdout stays the command's data. */
  prompt: TextOutput;
  user: string;
}

/** How to hand over a password without putting it in argv; shared by every message that needs it. */
export const HOW_TO_PASS_PASSWORD = `set ${PASSWORD_ENV} in the environment (e.g. \`read -rs ${PASSWORD_ENV} && export ${PASSWORD_ENV}\`), or run in a terminal to be prompted`;

export async function resolvePassword({ env, stdin, prompt, user }: PasswordSources): Promise<string> {
  const fromEnv = env[PASSWORD_ENV];
  if (fromEnv) return fromEnv;
  if (!stdin.isTTY || !stdin.setRawMode) {
    throw new PasswordUnavailableError(`No password for Ambari user "${user}": ${HOW_TO_PASS_PASSWORD}.`);
  }
  const password = await promptHidden(`Ambari password for ${user}: `, stdin, prompt);
  if (!password) throw new PasswordUnavailableError(`Empty password for Ambari user "${user}".`);
  return password;
}

/** Reads one line from a terminal in raw mode, echoing nothing. Ctrl-C or Ctrl-D cancels. */
export function promptHidden(question: string, input: TerminalInput, output: TextOutput): Promise<string> {
  return new Promise((resolve, reject) => {
    let typed = "";
    const finish = (error?: Error) => {
      input.off("data", onData);
      input.off("end", onEnd);
      input.setRawMode?.(false);
      input.pause();
      output.write("\n");
      if (error) reject(error);
      else resolve(typed);
    };
    const onEnd = () => finish(new PasswordUnavailableError("The password prompt was closed before a password was entered."));
    const onData = (chunk: string | Buffer) => {
      for (const ch of chunk.toString()) {
        if (ch === "\r" || ch === "\n") return finish();
        if (ch === "\u0003" || (ch === "\u0004" && typed === "")) {
          return finish(new PasswordUnavailableError("Password prompt cancelled."));
        }
        if (ch === "\u007f" || ch === "\b") typed = typed.slice(0, -1);
        else if (ch >= " ") typed += ch;
      }
    };
    output.write(question);
    input.setRawMode?.(true);
    input.setEncoding("utf8");
    input.on("data", onData);
    input.on("end", onEnd);
    input.resume();
  });
}
