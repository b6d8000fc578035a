/**
 * What every target's config module shares: how a key is described (rules, default, example,
 * secret), and how raw text is parsed into typed values with one issue per broken rule (the error
 * that lists them all is configError.ts's: it needs the Pulumi SDK, which the commands do not load). The targets' own keys and rules live in `azure/config.ts` and
 * `local/config.ts`; `config.ts` dispatches between them.
 */
import { z } from "zod";

export const PROJECT = "kafka-spark-lab";

export interface FieldSpec<S extends z.ZodType = z.ZodType> {
  schema: S;
  description: string;
  /** What to type after `pulumi config set KEY`. */
  example: string;
  secret?: boolean;
}

export function field<S extends z.ZodType>(schema: S, description: string, example: string, secret = false): FieldSpec<S> {
  return { schema, description, example, secret };
}

export type Out<F extends Record<string, FieldSpec>> = { [K in keyof F]: z.output<F[K]["schema"]> };

export const required = (what: string) =>
  z.string({ error: (iss) => (iss.input === undefined ? `is required (${what})` : "must be text") });

/** A whole number from config text, with bounds that explain themselves. */
export function count(min: number, max: number, why: string) {
  return z
    .string()
    .trim()
    .regex(/^-?\d+$/, "must be a whole number")
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, min === max ? `must be exactly ${min}: ${why}` : `must be at least ${min}: ${why}`)
        .max(max, min === max ? `must be exactly ${min}: ${why}` : `must be at most ${max}: ${why}`),
    );
}

export interface ConfigIssue {
  /** Full config key, e.g. kafka-spark-lab:baseName. */
  key: string;
  message: string;
  fix: string;
}

export const fullKey = (key: string) => `${PROJECT}:${key}`;

export function setHint(key: string, spec?: FieldSpec): string {
  return `pulumi config set ${spec?.secret ? "--secret " : ""}${key} ${spec?.secret ? "(you will be prompted)" : spec?.example ?? "<value>"}`;
}

export function parseFields<F extends Record<string, FieldSpec>>(fields: F, raw: Record<string, string>, issues: ConfigIssue[]): Partial<Out<F>> {
  const values: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(fields)) {
    const result = spec.schema.safeParse(raw[key]);
    if (result.success) {
      values[key] = result.data;
    } else {
      for (const issue of result.error.issues) {
        issues.push({ key: fullKey(key), message: issue.message, fix: setHint(key, spec) });
      }
    }
  }
  return values as Partial<Out<F>>;
}

export function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}

/** The `n` candidates closest to `word` (case-insensitive edit distance), nearest first. */
export function nearest(word: string, candidates: readonly string[], n = 3): string[] {
  return candidates.map((c) => ({ c, d: levenshtein(word.toLowerCase(), c.toLowerCase()) })).sort((a, b) => a.d - b.d || (a.c < b.c ? -1 : 1)).slice(0, n).map((x) => x.c);
}
