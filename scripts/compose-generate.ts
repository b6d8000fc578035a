// Writes stacks/local/docker-compose.yml from the topology of stack "dev" (Pulumi.dev.yaml), through
// the same builder the Pulumi program uses.
import { writeFileSync } from "fs";
import { join } from "path";
import { PROJECT } from "../stacks/config";
import { topologyFor } from "../stacks/local/topology";
import { COMPOSE_FILE, renderCompose } from "../stacks/local/compose";
import { localConfigFromStackFile } from "../jobs/stackOutputs";

const root = join(__dirname, "..");
const config = localConfigFromStackFile("dev", root);
if (!config) throw new Error("Pulumi.dev.yaml is missing or is not a local stack");
writeFileSync(join(root, COMPOSE_FILE), renderCompose(topologyFor(config, PROJECT, "dev")));
console.log(`${COMPOSE_FILE} written.`);
