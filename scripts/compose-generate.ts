// npm run compose:generate: writes stacks/local/docker-compose.yml from the topology of stack "dev"
// (Pulumi.dev.yaml) and stacks/twin/docker-compose.yml from stack "twin"'s (Pulumi.twin.yaml),
// through the same builders the Pulumi program uses.
import { writeFileSync } from "fs";
import { join } from "path";
import { PROJECT } from "../stacks/config";
import { topologyFor } from "../stacks/local/topology";
import { COMPOSE_FILE, renderCompose } from "../stacks/local/compose";
import { EXIT, StackOutputsError } from "../lib/errors";
import { DEFAULT_STACK, localConfigFromStackFile, requireStackFile } from "../jobs/pulumiStack";
import { twinTopologyFor, twinTopologyKeys } from "../stacks/twin/config";
import { renderTwinCompose, TWIN_COMPOSE_FILE } from "../stacks/twin/compose";

const TWIN_STACK = "twin";
import { defineCommand, runCli } from "../jobs/cli/command";

const usage = `Usage: npm run compose:generate

Writes ${COMPOSE_FILE} from Pulumi.dev.yaml (target local) and ${TWIN_COMPOSE_FILE} from
Pulumi.twin.yaml (target twin), with the builders the Pulumi program uses, so each compose file and
its stack describe the same cluster. Run it after changing a topology (stacks/local/topology.ts,
stacks/twin/topology.ts) or either stack file.
`;

export const composeGenerate = defineCommand({
  name: "compose:generate",
  usage,
  exits: ["USAGE", "STACK_OUTPUTS"],
  options: {},
  async run(_f, c) {
    const config = localConfigFromStackFile(DEFAULT_STACK, c.deps.workDir);
    if (!config) throw new StackOutputsError(`Pulumi.${DEFAULT_STACK}.yaml is missing or is not a local stack (target: local): the compose file is generated from it`);
    const twinFile = requireStackFile(TWIN_STACK, c.deps.workDir);
    const { keys, issues } = twinTopologyKeys(twinFile.raw);
    if (!keys) throw new StackOutputsError(`${twinFile.file}: ${issues.map((i) => `${i.key}: ${i.message}`).join("; ")}`);
    writeFileSync(join(c.deps.workDir, COMPOSE_FILE), renderCompose(topologyFor(config, PROJECT, DEFAULT_STACK)));
    // The SSH public key is the caller's, given to the compose file from the environment.
    writeFileSync(join(c.deps.workDir, TWIN_COMPOSE_FILE), renderTwinCompose(twinTopologyFor({ ...keys, sshPublicKey: "" }, PROJECT, TWIN_STACK)));
    c.out(`${COMPOSE_FILE} written.\n${TWIN_COMPOSE_FILE} written.\n`);
    return EXIT.OK;
  },
});

export const { main, USAGE } = composeGenerate;

if (require.main === module) runCli(composeGenerate, "compose:generate");
