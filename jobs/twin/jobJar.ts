/**
 * The word count's jar in a twin's storage. On Azure `pulumi up` builds it and uploads it as a blob;
 * a twin (whose compose path has no `pulumi up`) gets it when a command first needs it: built from
 * the sources here for Spark 3.3 (no Maven run when unchanged) and put at the path its outputs name
 * (the same stamped name, so a changed source gives a new file), through its Spark head node.
 */
import { dirname } from "path";
import { buildWordCountJar } from "../../stacks/jobJar";
import { dockerShell, type NodeShell } from "../local/shell";

export async function ensureTwinJobJar(sparkHead: string, jarUrl: string, note: (m: string) => void, shell: NodeShell = dockerShell(sparkHead)): Promise<void> {
  if ((await shell.run('hdfs dfs -test -f "$1" && echo present || echo absent', [jarUrl])).trim() === "present") return;
  note(`the twin's storage has no ${jarUrl} yet: building it and putting it there (on Azure, pulumi up uploads it)`);
  const { path } = await buildWordCountJar({ spark: "3.3", runTests: false, onProgress: note });
  await shell.copyIn(path, "/tmp/kafka-spark-lab-job.jar");
  await shell.run('hdfs dfs -mkdir -p "$1" && hdfs dfs -put -f /tmp/kafka-spark-lab-job.jar "$2"; rc=$?; rm -f /tmp/kafka-spark-lab-job.jar; exit $rc', [dirname(jarUrl), jarUrl]);
}
