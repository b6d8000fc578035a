/**
 * The whole word-count path on the local stack, as one function: stack up, jar on the master,
 * fresh demo topics, the job submitted, the seeded sample loaded, and the counts waited for until
 * they cover every word loaded. Re-running is safe: the demo owns its topics, its job name and
 * its HDFS directory, and starts them afresh each time.
 */
import { Kafka, KafkaConfig, logLevel, Partitioners } from "kafkajs";
import { PROJECT } from "../stacks/config";
import { topologyFor } from "../stacks/local/topology";
import { loadRecords, LoadProgress, LoadResult } from "./loader";
import { chooseUpVia, requireDocker, resolveLocalStack, upLocalStack, UpVia, waitHealthy } from "./localStack";
import { dockerShell, putJar, shufflePartitionsFor, stopJob, submitDetached, waitUntilStarted } from "./localSubmit";
import { waitFor } from "./poll";
import { Counts, CountsTopicReader, totalOf } from "./results";
import { expectedCounts, sampleLines } from "./sampleText";
import { localConfigFromStackFile, readStackOutputs, StackOutputsError } from "./stackOutputs";
import { adminPerBroker, recreateTopics } from "./topics";
import { buildWordCountJar } from "./wordcountJar";
import { jobDir, wordCountArgs, WordCountJob } from "./wordcountJob";

export const DEMO_JOB: WordCountJob = { name: "demo", topic: "demo-lines", sink: "kafka", countsTopic: "demo-counts", trigger: 1, startingOffsets: "earliest" };

export interface DemoOptions {
  stack: string;
  workDir: string;
  via: UpVia;
  lines: number;
  seed: number;
  /** Leave the job running at the end (default: stop it, so nothing keeps using the CPU). */
  keepRunning: boolean;
}

/** What the caller shows: one titled step at a time, notes inside a step, a load's progress. */
export interface DemoReporter {
  step<T>(title: string, work: (note: (message: string) => void) => Promise<T>): Promise<T>;
  loadProgress(total: number): { update: (p: LoadProgress) => void; stop: () => void };
}

export interface DemoResult {
  counts: Counts;
  load: LoadResult;
  /** Seconds from the end of the load until the counts covered every word loaded. */
  catchUpSeconds: number;
  expectedTotal: number;
}

export const DEMO_STEPS = 7;

export async function runDemo(o: DemoOptions, report: DemoReporter): Promise<DemoResult> {
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
  const shell = dockerShell(stack.master);
  const kafkaConfig: KafkaConfig = { clientId: "kafka-spark-lab-demo", brokers: stack.bootstrapServersHost.split(","), logLevel: logLevel.NOTHING };
  const kafka = new Kafka(kafkaConfig);

  const jarInNode = await report.step("build the word-count jar (cached) and put it on the master", async (note) => {
    const jar = await buildWordCountJar({ spark: "3.5", runTests: false, onProgress: note });
    note(jar.cached ? "jar up to date (Maven not run)" : `jar built in ${jar.seconds.toFixed(1)} s`);
    return (await putJar(shell, jar.path)).path;
  });

  await report.step(`start afresh: stop an earlier demo job, recreate topics ${DEMO_JOB.topic} and ${DEMO_JOB.countsTopic}`, async (note) => {
    if (await stopJob(shell, DEMO_JOB.name)) note("stopped the earlier demo job");
    await shell.run('hdfs dfs -rm -r -f -skipTrash "$1" >/dev/null 2>&1 || true', [jobDir(DEMO_JOB.name)]);
    const topics = [DEMO_JOB.topic, DEMO_JOB.countsTopic!];
    const admin = kafka.admin();
    await admin.connect();
    try {
      const replication = Math.min(3, stack.containers.length);
      await recreateTopics(admin, topics.map((topic) => ({ topic, partitions: 3, replicationFactor: replication })), kafkaConfig.brokers as string[], adminPerBroker(kafkaConfig));
      note(`${topics.join(", ")}: 3 partitions, replication factor ${replication}`);
    } finally {
      await admin.disconnect();
    }
  });

  await report.step(`submit the job (${DEMO_JOB.topic} -> ${DEMO_JOB.countsTopic}, 1 s trigger)`, async (note) => {
    const shufflePartitions = await shufflePartitionsFor(shell, "local", 0);
    const started = await submitDetached({ shell, name: DEMO_JOB.name, jarInNode, className: "spark.kafka.SparkKafkaWordCount", jobArgs: wordCountArgs({ ...DEMO_JOB, shufflePartitions }, stack.bootstrapServersInternal) });
    note(`driver pid ${started.pid} on ${stack.master}; waiting for its query to start`);
    await waitUntilStarted(shell, DEMO_JOB.name);
  });

  const lines = [...sampleLines({ seed: o.seed, lines: o.lines })];
  const expected = expectedCounts(lines);
  const expectedTotal = totalOf(expected);
  const reader = new CountsTopicReader(kafka, DEMO_JOB.countsTopic!);
  await reader.start();
  try {
    const load = await report.step(`load ${o.lines.toLocaleString("en-US")} lines of sample text (seed ${o.seed})`, async (note) => {
      const producer = kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
      await producer.connect();
      const bar = report.loadProgress(lines.length);
      try {
        const result = await loadRecords({ producer, topic: DEMO_JOB.topic, lines, onProgress: bar.update });
        bar.stop();
        note(`${result.records.toLocaleString("en-US")} records, ${Math.round(result.recordsPerSecond).toLocaleString("en-US")} records/s`);
        return result;
      } finally {
        bar.stop();
        await producer.disconnect();
      }
    });
    const start = Date.now();
    await report.step(`wait until the counts cover all ${expectedTotal.toLocaleString("en-US")} words loaded`, async (note) => {
      let lastNote = 0;
      await waitFor("the counts to cover every word loaded", async () => {
        const total = totalOf(reader.counts);
        if (Date.now() - lastNote > 3000) { lastNote = Date.now(); note(`${total.toLocaleString("en-US")} of ${expectedTotal.toLocaleString("en-US")} words counted`); }
        return total >= expectedTotal ? true : undefined;
      }, 300_000, 250);
    });
    const catchUpSeconds = (Date.now() - start) / 1000;
    const counts = new Map(reader.counts);
    await report.step(o.keepRunning ? "leave the job running (--keep-running)" : "stop the job (its checkpoint is kept)", async (note) => {
      if (!o.keepRunning) await stopJob(shell, DEMO_JOB.name);
      note(o.keepRunning ? "stop it with: npm run submit -- --stop --name demo" : "stopped");
    });
    return { counts, load, catchUpSeconds, expectedTotal };
  } finally {
    await reader.stop();
  }
}
