import { existsSync, mkdtempSync, symlinkSync } from "fs";
import { tmpdir } from "os";
import { delimiter, join } from "path";

/**
 * PATH without any directory that holds `tool`. Node and npm, if they lived in such a directory,
 * stay reachable through symlinks in a fresh directory, so only `tool` disappears.
 */
export function pathWithout(tool: string, keep: string[] = ["node", "npm", "npx"]): string {
  const dirs = (process.env.PATH ?? "").split(delimiter).filter(Boolean);
  const shims = mkdtempSync(join(tmpdir(), "path-shims-"));
  const kept: string[] = [];
  for (const dir of dirs) {
    if (!existsSync(join(dir, tool))) { kept.push(dir); continue; }
    for (const k of keep) if (existsSync(join(dir, k)) && !existsSync(join(shims, k))) symlinkSync(join(dir, k), join(shims, k));
  }
  return [shims, ...kept].join(delimiter);
}
