// npm run compose:generate: writes stacks/local/docker-compose.yml from the topology of stack "dev"
// (Pulumi.dev.yaml), through the same builder the Pulumi program uses.
import { writeFileSync } from "fs";
import { join } from "path";
import { PROJECT } from "../stacks/config";
import { topologyFor } from "../stacks/local/topology";
import { COMPOSE_FILE, renderCompose } from "../stacks/local/compose";
import { EXIT, StackOutputsError } from "../lib/errors";
import { DEFAULT_STACK, localConfigFromStackFile } from "../jobs/pulumiStack";
import { defineCommand, runCli } from "../jobs/cli/command";

const usage = `Usage: npm run compose:generate

Writes ${COMPOSE_FILE} from Pulumi.dev.yaml (target local), with the builder the Pulumi program
uses, so the compose file and the stack describe the same cluster. Run it after changing the
topology (stacks/local/topology.ts) or Pulumi.dev.yaml.
`;

export const composeGenerate = defineCommand({
  name: "compose:generate",
  usage,
  exits: ["USAGE", "STACK_OUTPUTS"],
  options: {},
  async run(_f, c) {
    const config = localConfigFromStackFile(DEFAULT_STACK, c.deps.workDir);
    if (!config) throw new StackOutputsError(`Pulumi.${DEFAULT_STACK}.yaml is missing or is not a local stack (target: local): the compose file is generated from it`);
    writeFileSync(join(c.deps.workDir, COMPOSE_FILE), renderCompose(topologyFor(config, PROJECT, DEFAULT_STACK)));
    c.out(`${COMPOSE_FILE} written.\n`);
    return EXIT.OK;
  },
});

export const { main, USAGE } = composeGenerate;

if (require.main === module) runCli(composeGenerate, "compose:generate");
