/**
 * `npm run demo`: the local stack brought up (or reused), then the word-count pipeline on it
 * (jobs/wordcount/pipeline.ts) with spark-submit in the master. Re-running is safe: the demo owns
 * its topics, its job name and its HDFS directory, and starts them afresh each time.
 */
import { PROJECT } from "../../stacks/config";
import { topologyFor } from "../../stacks/local/topology";
import { StackOutputsError } from "../../lib/errors";
import { sparkSubmitRunner } from "../spark/runners";
import { buildWordCountJar, chooseBuilder, type BuiltJar } from "../../stacks/jobJar";
import { openKafkaRoute, type KafkaRouteOptions } from "../kafka/route";
import { chooseUpVia, localNodesOf, requireDocker, upLocalStack, type UpVia, waitHealthy } from "../local/stack";
import { localConfigFromStackFile, readStack, type ReadStackOutputs } from "../pulumiStack";
import type { TextSource } from "../text/source";
import { runWordCount, type StepReporter, WORD_COUNT_STEPS, type WordCountRunResult } from "./pipeline";
import { acquireRunLock } from "../util/runLock";

export const DEMO_NAME = "demo";

export interface DemoOptions {
  stack: string;
  workDir: string;
  via: UpVia;
  source: TextSource;
  /** Leave the job running at the end (default: stop it, so nothing keeps using the CPU). */
  keepRunning: boolean;
}

/** The demo's own step (the stack up), then the pipeline's. */
export const DEMO_STEPS = 1 + WORD_COUNT_STEPS.length;

export async function runDemo(o: DemoOptions, report: StepReporter, route: KafkaRouteOptions, readOutputs: ReadStackOutputs): Promise<WordCountRunResult> {
  // One demo per stack at a time: before the stack is brought up, let alone a topic touched.
  const lock = acquireRunLock(o.stack, DEMO_NAME);
  try {
    return await demoRun(o, report, route, readOutputs);
  } finally {
    lock.release();
  }
}

async function demoRun(o: DemoOptions, report: StepReporter, route: KafkaRouteOptions, readOutputs: ReadStackOutputs): Promise<WordCountRunResult> {
  const config = localConfigFromStackFile(o.stack, o.workDir);
  if (!config) throw new StackOutputsError(`Pulumi.${o.stack}.yaml is missing or is not a local stack: the demo runs on a local stack (e.g. --stack dev)`);
  const topology = topologyFor(config, PROJECT, o.stack);

  // The job's jar builds while the stack comes up: at once with the host's Maven, else (Maven in the
  // node image's build stage) as soon as the image exists.
  let building: Promise<BuiltJar> | undefined;
  const buildJar = () => { building ??= buildWordCountJar({ spark: "3.5", runTests: false, onProgress: () => undefined }); building.catch(() => undefined); };
  if ((await chooseBuilder()) === "host") buildJar();
  await report.step("check Docker and bring the local stack up", async (note) => {
    note(`Docker engine ${await requireDocker()}`);
    const healthy = await waitHealthy(topology.endpoints.containerNames, 1).then(() => true, () => false);
    if (healthy) { note(`${topology.endpoints.containerNames.join(", ")} already up and healthy`); return; }
    const { via, why } = await chooseUpVia(o.via);
    note(`with ${via === "pulumi" ? "Pulumi" : "docker-compose"} (${why}); a first start builds the node image, a few minutes; the job's jar builds meanwhile`);
    await upLocalStack({ stack: o.stack, workDir: o.workDir, via, topology, onProgress: note, onImageReady: buildJar });
  });
  buildJar();
  const outputs = await readStack(o.stack, o.workDir, readOutputs);
  const kafka = await openKafkaRoute({ stack: o.stack, outputs }, route);
  const runner = sparkSubmitRunner({ master: localNodesOf(o.stack, outputs).master, building, commandHint: (action, name) => `npm run submit -- --${action} --name ${name}` });
  try {
    return await runWordCount(kafka, runner, { stack: o.stack, name: DEMO_NAME, source: o.source, keepRunning: o.keepRunning }, report);
  } finally {
    await kafka.close();
  }
}
