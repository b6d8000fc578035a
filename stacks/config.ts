/**
 * The stack configuration: one schema for every key, validated as a whole before any resource
 * is declared, so a wrong password or name costs a second instead of a twenty-minute deploy.
 *
 * This module only reads `target`, refuses keys no target knows, and hands the rest to the
 * target's own module (`azure/config.ts`, `local/config.ts`). `validateConfig` is pure (raw
 * strings in, typed config or every problem out) so tests and scripts can use it without a
 * Pulumi engine; `loadConfig` (loadConfig.ts, the program's) feeds it the stack's config.
 */
import { z } from "zod";
import { AZURE_FIELDS, validateAzure, type AzureConfig } from "./azure/config";
import { ConfigIssue, field, FieldSpec, fullKey, nearest, levenshtein, parseFields } from "./configSchema";
import { LOCAL_FIELDS, validateLocal, type LocalConfig } from "./local/config";
import { TWIN_FIELDS, validateTwin, type TwinConfig } from "./twin/config";

export { PROJECT, type ConfigIssue } from "./configSchema";
export { AUTO_DELETE_MAX_MINUTES, AUTO_DELETE_MIN_MINUTES, AZURE_FIELDS, azureSizing, cidrContains, durationMinutes, RESERVED_SSH_USERS, sharesThreeChars } from "./azure/config";
export type { AzureConfig, AzureSizing, ClusterNodes } from "./azure/config";
export { LOCAL_FIELDS, type LocalConfig } from "./local/config";
export { TWIN_FIELDS, type TwinConfig } from "./twin/config";

export const COMMON_FIELDS = {
  target: field(
    z.enum(["local", "azure", "twin"], { error: "must be local, azure or twin" }).default("local"),
    "Where to deploy: `local` (Docker, free), `azure` (HDInsight, billed by the hour) or `twin` (an HDInsight 5.1-shaped rehearsal on Docker, free).",
    "azure",
  ),
} satisfies Record<string, FieldSpec>;

/** Every key, for docs and for the unknown-key check. */
export const ALL_FIELDS: Record<string, FieldSpec> = { ...COMMON_FIELDS, ...AZURE_FIELDS, ...LOCAL_FIELDS, ...TWIN_FIELDS };

export type StackConfig = AzureConfig | LocalConfig | TwinConfig;

export interface ValidationResult {
  config?: StackConfig;
  issues: ConfigIssue[];
  warnings: string[];
}

function unknownKeyIssues(raw: Record<string, string>): ConfigIssue[] {
  const known = Object.keys(ALL_FIELDS);
  return Object.keys(raw)
    .filter((key) => !known.includes(key))
    .map((key) => {
      const [closest] = nearest(key, known, 1);
      const suggestion = levenshtein(key.toLowerCase(), closest.toLowerCase()) <= Math.max(3, Math.floor(key.length / 3)) ? `did you mean ${closest}? ` : "";
      return {
        key: fullKey(key),
        message: `is not a setting of this project; ${suggestion}it would be ignored`,
        fix: `pulumi config rm ${key}${suggestion ? ` && pulumi config set ${closest} <value>` : ""} (keys are listed in docs/configuration.md)`,
      };
    });
}

/**
 * Validates raw config (keys without the project prefix, values as Pulumi stores them) and
 * returns the typed config, or every problem found: nothing is reported one at a time.
 * `secretKeys` are the keys stored encrypted; a password stored in plain text is an error.
 */
export function validateConfig(raw: Record<string, string>, secretKeys: ReadonlySet<string> = new Set(), now: Date = new Date()): ValidationResult {
  const issues: ConfigIssue[] = unknownKeyIssues(raw);
  const warnings: string[] = [];
  const common = parseFields(COMMON_FIELDS, raw, issues);
  if (common.target === undefined) return { issues, warnings };
  const { config } = common.target === "local" ? validateLocal(raw, issues, warnings)
    : common.target === "twin" ? validateTwin(raw, secretKeys, issues)
    : validateAzure(raw, secretKeys, now, issues, warnings);
  return issues.length ? { issues, warnings } : { config, issues, warnings };
}
