import type { AzureConfig } from "../config";
import { PROJECT } from "../config";

/** Tags on every resource, so a forgotten environment can be found, attributed and expired. */
export function environmentTags(config: Pick<AzureConfig, "owner" | "expiresAt">, stack: string, today: Date): Record<string, string> {
  const tags: Record<string, string> = { project: PROJECT, stack, created: today.toISOString().slice(0, 10) };
  if (config.owner) tags.owner = config.owner;
  if (config.expiresAt) tags["expires-at"] = config.expiresAt;
  return tags;
}

/** The `created` tag holds the first deployment's date: later runs must not rewrite it. */
export const CREATED_TAG_PATH = "tags.created";
export const keepCreatedTag = { ignoreChanges: [CREATED_TAG_PATH] };
