/**
 * After every test file: no container, network or volume of the project is left (the files that
 * reuse the cluster leave it up), but only when this run's tests used Docker (tests/support/globalSetup.ts).
 */
import execa from "execa";
import { existsSync, rmSync } from "fs";
import { COMPOSE_FILE } from "../../stacks/local/compose";
import { ROOT, COMPOSE_PROJECT } from "./docker";
import { RUN_MARKER_ENV } from "./globalSetup";

export default async function globalTeardown(): Promise<void> {
  const marker = process.env[RUN_MARKER_ENV];
  if (!marker || !existsSync(marker)) return;
  rmSync(marker, { force: true });
  const engine = await execa("docker", ["info"], { reject: false });
  if (engine.exitCode !== 0) return;
  await execa("docker-compose", ["-p", COMPOSE_PROJECT, "-f", COMPOSE_FILE, "down", "-v", "--remove-orphans"], { cwd: ROOT, reject: false });
}
