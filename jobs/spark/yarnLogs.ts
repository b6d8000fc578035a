/**
 * The driver's own log of a Livy batch that ran in YARN cluster mode, as HDInsight runs every batch.
 * There the driver is YARN's application master, so what it printed (a Python traceback, a Java
 * exception) is in the AM container's log, not in Livy's, which holds spark-submit's reports
 * ("User application exited with status 1"). Once the application ends, the NodeManager aggregates
 * its containers' logs into the cluster's storage and `yarn logs` on the head node reads them
 * (https://learn.microsoft.com/azure/hdinsight/hdinsight-hadoop-access-yarn-app-logs-linux).
 */
import type { ExecResult } from "../kafka/sshGateway";
import type { DriverLog } from "./control";

/** What reading the log needs of an SSH connection to the Spark head node. */
export interface RemoteShell {
  exec(command: string, args?: readonly string[]): Promise<ExecResult>;
}

/** `yarn logs` until its answer holds a log (YARN aggregates when the application ends): exit 0 with it, or 3 after `seconds` tries with YARN's last words. */
const READ = [
  'for i in $(seq 1 "$2"); do',
  '  out=$(yarn logs -applicationId "$1" -am -1 -log_files stdout,stderr 2>&1)',
  '  case "$out" in *LogContents:*) printf "%s\\n" "$out" | tail -n 2000; exit 0 ;; esac',
  "  sleep 1",
  "done",
  'printf "%s\\n" "$out" | tail -n 5 >&2; exit 3',
].join("\n");

/**
 * The driver's output (the latest AM attempt's stdout and stderr: PySpark's runner relays Python's
 * output to stdout, Spark's log4j writes where its configuration says) of YARN application
 * `appId`, read with `yarn logs` in the head node's login shell; waits up to `seconds` for YARN to
 * finish aggregating it. Throws with YARN's own words when it cannot be read.
 */
export async function yarnDriverLog(shell: RemoteShell, appId: string, seconds = 30): Promise<string[]> {
  if (!/^application_\d+_\d+$/.test(appId)) throw new Error(`not a YARN application id: ${appId}`);
  const r = await shell.exec("bash -lc", [READ, "bash", appId, String(seconds)]);
  if (r.code !== 0) throw new Error(`yarn logs -applicationId ${appId} gave no log within ${seconds} s: ${(r.stderr || r.stdout).trim().split("\n").slice(-2).join(" / ") || `exit status ${r.code}`}`);
  // Each file is a section: headers, "LogContents:", its lines, "End of LogType:...".
  const out: string[] = [];
  let inside = false;
  for (const line of r.stdout.split("\n")) {
    if (line.startsWith("LogContents:")) inside = true;
    else if (line.startsWith("End of LogType:")) inside = false;
    else if (inside && line !== "") out.push(line);
  }
  return out;
}

/** A DriverLog that opens an SSH connection to the Spark head node for each read, and closes it after. */
export function driverLogOver(open: () => Promise<RemoteShell & { close(): Promise<void> }>): DriverLog {
  return async (appId) => {
    const shell = await open();
    try {
      return await yarnDriverLog(shell, appId);
    } finally {
      await shell.close();
    }
  };
}
