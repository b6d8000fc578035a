/** The program's side of the config: the stack's values from the Pulumi engine, validated, warnings logged. */
import * as pulumi from "@pulumi/pulumi";
import { ConfigValidationError } from "./configError";
import { PROJECT, validateConfig, type StackConfig } from "./config";

/** Reads this stack's config, validates it, logs warnings, and throws on any problem. */
export function loadConfig(): StackConfig {
  const prefix = `${PROJECT}:`;
  const all = pulumi.runtime.allConfig();
  // isConfigSecret is exported by the runtime but not typed; without it, skip the plain-text check.
  const isSecret = (pulumi.runtime as unknown as { isConfigSecret?: (k: string) => boolean }).isConfigSecret;
  const raw: Record<string, string> = {};
  const secretKeys = new Set<string>();
  for (const [key, value] of Object.entries(all)) {
    if (!key.startsWith(prefix)) continue;
    const short = key.slice(prefix.length);
    raw[short] = value;
    if (!isSecret || isSecret(key)) secretKeys.add(short);
  }
  const { config, issues, warnings } = validateConfig(raw, secretKeys);
  if (issues.length || !config) throw new ConfigValidationError(issues);
  for (const w of warnings) void pulumi.log.warn(w);
  return config;
}
