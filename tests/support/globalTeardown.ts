/** After every test file: no container, network or volume of the project is left (the files that reuse the cluster leave it up). */
import execa from "execa";
import { COMPOSE_FILE } from "../../stacks/local/compose";
import { ROOT, COMPOSE_PROJECT } from "./docker";

export default async function globalTeardown(): Promise<void> {
  const engine = await execa("docker", ["info"], { reject: false });
  if (engine.exitCode !== 0) return;
  await execa("docker-compose", ["-p", COMPOSE_PROJECT, "-f", COMPOSE_FILE, "down", "-v", "--remove-orphans"], { cwd: ROOT, reject: false });
}
