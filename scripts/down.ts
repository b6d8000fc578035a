// npm run down: tears the local stack down and checks that nothing of it is left running.
import { join } from "node:path";
import { PROJECT } from "../stacks/config";
import { topologyFor } from "../stacks/local/topology";
import { downLocalStack, requireDocker } from "../jobs/localStack";
import { localConfigFromStackFile, StackOutputsError } from "../jobs/stackOutputs";
import { EXIT, parseFlags, runCli } from "./cli";
import { steps } from "./console";

export const USAGE = `Usage: npm run down -- [--stack dev] [--volumes]

Stops and removes the local stack's containers and network (pulumi destroy when Pulumi deployed
it, docker-compose down otherwise), then checks that none is left. Data volumes are kept unless
--volumes (a stack deployed with Pulumi loses them with pulumi destroy). Safe to re-run.
Exit codes: 0 nothing left, 1 something is left (listed), 17 Docker unavailable.
`;

const OPTIONS = { stack: { type: "string" }, volumes: { type: "boolean" }, help: { type: "boolean", short: "h" } } as const;

export async function main(argv: string[]): Promise<number> {
  const f = parseFlags(argv, OPTIONS);
  if (f.help) { process.stdout.write(USAGE); return EXIT.OK; }
  const stack = (f.stack as string | undefined) ?? "dev";
  const workDir = join(__dirname, "..");
  const config = localConfigFromStackFile(stack, workDir);
  if (!config) throw new StackOutputsError(`Pulumi.${stack}.yaml is missing or is not a local stack`);
  await requireDocker();
  const left = await steps(1).run(`take the local stack "${stack}" down`, (note) =>
    downLocalStack({ stack, workDir, topology: topologyFor(config, PROJECT, stack), volumes: f.volumes === true, onProgress: note }));
  if (left.length) {
    process.stderr.write(`still there: ${left.join(", ")} (remove with docker rm -f / docker network rm)\n`);
    return EXIT.UNEXPECTED;
  }
  process.stdout.write("Nothing of the local stack is left running.\n");
  return EXIT.OK;
}

if (require.main === module) runCli("down", () => main(process.argv.slice(2)));
