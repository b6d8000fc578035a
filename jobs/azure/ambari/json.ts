/** Reading Ambari's answers: JSON paths that may be missing, error bodies, HTML pages, socket errors. */
import { redactSecret } from "../../secrets";

/** Host names in natural order (wn2 before wn10), each once. */
export function sortedUniqueHosts(hosts: Iterable<string>): string[] {
  return [...new Set(hosts)].sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
}


export function asObject(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

export function objectAt(value: unknown, ...keys: string[]): Record<string, unknown> | undefined {
  let current = asObject(value);
  for (const key of keys) current = asObject(current?.[key]);
  return current;
}

/** Ambari's error bodies are `{"status": 404, "message": "..."}`; keep the message, short. */
export function serverMessageOf(text: string): string | undefined {
  try {
    const message = asObject(JSON.parse(text))?.message;
    return typeof message === "string" ? oneLine(message, 300) : undefined;
  } catch {
    return undefined;
  }
}

export function htmlTitle(text: string, secret: string): string | undefined {
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1];
  return title ? redactSecret(oneLine(title, 80), secret) : undefined;
}

export function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Error codes of Node's TLS layer (OpenSSL verify codes and Node's own ERR_TLS_/ERR_SSL_). */
export const TLS_CODE = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|^ERR_TLS_|^ERR_SSL_/;

/** fetch wraps the socket error (`TypeError: fetch failed` -> cause -> ...): find the innermost one with a code. */
export function rootCause(e: unknown): { code?: string; message?: string } {
  let current: unknown = e;
  let found: { code?: string; message?: string } = { message: String((e as { message?: unknown } | undefined)?.message ?? e) };
  for (let depth = 0; current && depth < 5; depth++) {
    const c = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof c.code === "string") found = { code: c.code, message: typeof c.message === "string" ? c.message : undefined };
    current = c.cause;
  }
  return found;
}
