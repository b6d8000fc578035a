// Writes stacks/local/docker-compose.yml from the topology (stack "dev", default settings).
import { writeFileSync } from "fs";
import { join } from "path";
import { PROJECT } from "../stacks/config";
import { describeTopology } from "../stacks/local/topology";
import { COMPOSE_FILE, renderCompose } from "../stacks/local/compose";

const file = join(__dirname, "..", COMPOSE_FILE);
writeFileSync(file, renderCompose(describeTopology({ project: PROJECT, stack: "dev" })));
console.log(`${COMPOSE_FILE} written.`);
