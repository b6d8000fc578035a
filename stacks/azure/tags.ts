import type { AzureConfig } from "./config";
import { PROJECT } from "../configSchema";

/** Tags on every resource, so a forgotten environment can be found, attributed and expired. */
export function environmentTags(config: Pick<AzureConfig, "owner">, stack: string, today: Date): Record<string, string> {
  const tags: Record<string, string> = { project: PROJECT, stack, created: today.toISOString().slice(0, 10) };
  if (config.owner) tags.owner = config.owner;
  return tags;
}

/** The group's own tags: the common ones plus when it expires (the deadline, if there is one). */
export function resourceGroupTags(config: Pick<AzureConfig, "owner" | "expiresAt" | "autoDelete">, stack: string, today: Date): Record<string, string> {
  const tags = environmentTags(config, stack, today);
  const expires = config.autoDelete?.at ?? config.expiresAt;
  if (expires) tags["expires-at"] = expires;
  return tags;
}

export const EXPIRES_TAG_PATH = 'tags["expires-at"]';

/** The `created` tag holds the first deployment's date: later runs must not rewrite it. */
export const CREATED_TAG_PATH = "tags.created";
export const keepCreatedTag = { ignoreChanges: [CREATED_TAG_PATH] };
