/**
 * `npm run demo`: the local stack brought up (or reused), then the word-count pipeline on it
 * (jobs/wordcountPipeline.ts) with spark-submit in the master. Re-running is safe: the demo owns
 * its topics, its job name and its HDFS directory, and starts them afresh each time.
 */
import { PROJECT } from "../stacks/config";
import { topologyFor } from "../stacks/local/topology";
import { sparkSubmitRunner } from "./jobRunners";
import { chooseUpVia, localKafkaRoute, requireDocker, resolveLocalStack, upLocalStack, UpVia, waitHealthy } from "./localStack";
import { localConfigFromStackFile, readStackOutputs, StackOutputsError } from "./stackOutputs";
import { runWordCount, StepReporter, WORD_COUNT_STEPS, WordCountRunResult } from "./wordcountPipeline";

export const DEMO_NAME = "demo";

export interface DemoOptions {
  stack: string;
  workDir: string;
  via: UpVia;
  lines: number;
  seed: number;
  /** Leave the job running at the end (default: stop it, so nothing keeps using the CPU). */
  keepRunning: boolean;
}

export const DEMO_STEPS = 1 + WORD_COUNT_STEPS;

export async function runDemo(o: DemoOptions, report: StepReporter): Promise<WordCountRunResult> {
  const config = localConfigFromStackFile(o.stack, o.workDir);
  if (!config) throw new StackOutputsError(`Pulumi.${o.stack}.yaml is missing or is not a local stack: the demo runs on a local stack (e.g. --stack dev)`);
  const topology = topologyFor(config, PROJECT, o.stack);

  await report.step("check Docker and bring the local stack up", async (note) => {
    note(`Docker engine ${await requireDocker()}`);
    const healthy = await waitHealthy(topology.endpoints.containerNames, 1).then(() => true, () => false);
    if (healthy) { note(`${topology.endpoints.containerNames.join(", ")} already up and healthy`); return; }
    const { via, why } = await chooseUpVia(o.via);
    note(`with ${via === "pulumi" ? "Pulumi" : "docker-compose"} (${why}); a first start builds the node image, several minutes`);
    await upLocalStack({ stack: o.stack, workDir: o.workDir, via, topology, onProgress: note });
  });
  const stack = await resolveLocalStack(o.stack, o.workDir, readStackOutputs);
  const route = localKafkaRoute(stack, "kafka-spark-lab-demo");
  const runner = sparkSubmitRunner({ master: stack.master, commandHint: (action, name) => `npm run submit -- --${action} --name ${name}` });
  return runWordCount(route, runner, { name: DEMO_NAME, lines: o.lines, seed: o.seed, keepRunning: o.keepRunning }, report);
}
