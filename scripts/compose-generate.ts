// npm run compose:generate: writes stacks/local/docker-compose.yml from the topology of stack "dev"
// (Pulumi.dev.yaml), through the same builder the Pulumi program uses.
import { writeFileSync } from "fs";
import { join } from "path";
import { PROJECT } from "../stacks/config";
import { topologyFor } from "../stacks/local/topology";
import { COMPOSE_FILE, renderCompose } from "../stacks/local/compose";
import { localConfigFromStackFile, StackOutputsError } from "../jobs/stackOutputs";
import { EXIT, parseFlags, runCli } from "./cli";

export const USAGE = `Usage: npm run compose:generate

Writes ${COMPOSE_FILE} from Pulumi.dev.yaml (target local), with the builder the Pulumi program
uses, so the compose file and the stack describe the same cluster. Run it after changing the
topology (stacks/local/topology.ts) or Pulumi.dev.yaml.
Exit codes: 0 written, 2 usage, 9 no local stack file Pulumi.dev.yaml.
`;

export async function main(argv: string[], write: (t: string) => unknown = (t) => process.stdout.write(t), root = join(__dirname, "..")): Promise<number> {
  if (parseFlags(argv, { help: { type: "boolean", short: "h" } }).help) { write(USAGE); return EXIT.OK; }
  const config = localConfigFromStackFile("dev", root);
  if (!config) throw new StackOutputsError("Pulumi.dev.yaml is missing or is not a local stack (target: local): the compose file is generated from it");
  writeFileSync(join(root, COMPOSE_FILE), renderCompose(topologyFor(config, PROJECT, "dev")));
  write(`${COMPOSE_FILE} written.\n`);
  return EXIT.OK;
}

if (require.main === module) runCli("compose:generate", () => main(process.argv.slice(2)));
