/**
 * A dead Livy batch's reason on HDInsight (YARN cluster mode): the driver's own lines read with
 * `yarn logs` over SSH (jobs/spark/yarnLogs.ts), preferred to Livy's log, which then holds only
 * spark-submit's reports; and Livy's lines, with the reason, when YARN's log cannot be read. The
 * real thing runs on the twin (tests/twin.live.test.ts); here, `yarn logs`'s output as the twin's
 * Hadoop 3.3.4 prints it.
 */
import { yarnDriverLog, type RemoteShell } from "../jobs/spark/yarnLogs";
import { deadBatch } from "../jobs/spark/control";
import type { LivyClient } from "../jobs/spark/livy";

const APP = "application_1796691926181_0001";
const YARN_LOGS = `Container: container_1796691926181_0001_01_000001 on wn0-spark.twin.internal.cloudapp.net_45454
LogAggregationType: AGGREGATED
===============================================================================================
LogType:stderr
LogLastModifiedTime:Tue Dec 08 01:05:53 +0000 2026
LogLength:81
LogContents:
Using Spark's default log4j profile: org/apache/spark/log4j2-defaults.properties

End of LogType:stderr
***********************************************************************

Container: container_1796691926181_0001_01_000001 on wn0-spark.twin.internal.cloudapp.net_45454
LogAggregationType: AGGREGATED
===============================================================================================
LogType:stdout
LogLastModifiedTime:Tue Dec 08 01:05:53 +0000 2026
LogLength:16015
LogContents:
26/12/08 01:05:45 INFO SparkContext: Running Spark version 3.3.1
      -XX:OnOutOfMemoryError='kill %p' \\
Traceback (most recent call last):
  File "failing_job.py", line 7, in <module>
    raise ValueError(f"no topic named fixture-missing at {os.environ['KAFKA_BROKERS']}")
ValueError: no topic named fixture-missing at wn0-kafka:9092
26/12/08 01:05:52 INFO ApplicationMaster: Unregistering ApplicationMaster with FAILED (diag message: User application exited with status 1)
End of LogType:stdout
***********************************************************************
`;

function shell(answer: { stdout?: string; stderr?: string; code: number }): RemoteShell & { calls: { command: string; args: readonly string[] }[] } {
  const calls: { command: string; args: readonly string[] }[] = [];
  return { calls, exec: async (command, args = []) => { calls.push({ command, args }); return { stdout: answer.stdout ?? "", stderr: answer.stderr ?? "", code: answer.code }; } };
}

test("yarnDriverLog: the lines of the AM's stdout and stderr, without yarn logs' headers, read in the head node's login shell", async () => {
  const sh = shell({ stdout: YARN_LOGS, code: 0 });
  const lines = await yarnDriverLog(sh, APP, 7);
  expect(lines).toEqual([
    "Using Spark's default log4j profile: org/apache/spark/log4j2-defaults.properties",
    "26/12/08 01:05:45 INFO SparkContext: Running Spark version 3.3.1",
    "      -XX:OnOutOfMemoryError='kill %p' \\",
    "Traceback (most recent call last):",
    '  File "failing_job.py", line 7, in <module>',
    "    raise ValueError(f\"no topic named fixture-missing at {os.environ['KAFKA_BROKERS']}\")",
    "ValueError: no topic named fixture-missing at wn0-kafka:9092",
    "26/12/08 01:05:52 INFO ApplicationMaster: Unregistering ApplicationMaster with FAILED (diag message: User application exited with status 1)",
  ]);
  expect(sh.calls).toHaveLength(1);
  expect(sh.calls[0].command).toBe("bash -lc");
  expect(sh.calls[0].args.slice(1)).toEqual(["bash", APP, "7"]);
  expect(sh.calls[0].args[0]).toContain('yarn logs -applicationId "$1" -am -1 -log_files stdout,stderr');
});

test("yarnDriverLog: a log YARN has not aggregated in time is an error with YARN's words; an id that is not YARN's is refused before any SSH", async () => {
  await expect(yarnDriverLog(shell({ stderr: "Log aggregation has not completed or is not enabled.", code: 3 }), APP, 2))
    .rejects.toThrow(`yarn logs -applicationId ${APP} gave no log within 2 s: Log aggregation has not completed or is not enabled.`);
  const sh = shell({ code: 0 });
  await expect(yarnDriverLog(sh, "application_1; rm -rf /")).rejects.toThrow("not a YARN application id: application_1; rm -rf /");
  expect(sh.calls).toEqual([]);
});

const livyLog = ["26/12/08 INFO Client: Application report for application_1796691926181_0001 (state: FINISHED)", "\t final status: FAILED", "YARN Diagnostics: ", "User application exited with status 1"];
const livy = { log: async () => ({ from: 0, total: livyLog.length, log: livyLog }) } as unknown as LivyClient;
const batch = { id: 4, state: "dead" as const, appId: APP };
const hint = (action: string, name: string) => `npm run submit -- --stack azure --${action} --name ${name}`;

test("deadBatch with the driver's log: its error lines, not Livy's", async () => {
  const e = await deadBatch(livy, "failing_job", batch, hint, async () => YARN_LOGS.split("\n"));
  expect(e.message).toBe([
    `job "failing_job" died (Livy batch 4 dead, YARN application ${APP}); its driver's log in YARN says:`,
    "  raise ValueError(f\"no topic named fixture-missing at {os.environ['KAFKA_BROKERS']}\")",
    "  ValueError: no topic named fixture-missing at wn0-kafka:9092",
    "Its log: npm run submit -- --stack azure --log --name failing_job",
  ].join("\n"));
  expect(e.exitCode).toBe(22);
});

test("deadBatch when YARN's log cannot be read: Livy's lines, and why the driver's were not shown", async () => {
  const e = await deadBatch(livy, "failing_job", batch, hint, async () => { throw new Error("no SSH key: set SSH_PRIVATE_KEY_FILE"); });
  expect(e.message).toBe([
    `job "failing_job" died (Livy batch 4 dead, YARN application ${APP}); the end of its log says:`,
    ...livyLog.map((l) => `  ${l}`),
    "(the driver's own log in YARN could not be read: no SSH key: set SSH_PRIVATE_KEY_FILE)",
    "Its log: npm run submit -- --stack azure --log --name failing_job",
  ].join("\n"));
});
