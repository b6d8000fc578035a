/**
 * A twin cluster's state where Azure's would come from ARM (https://learn.microsoft.com/rest/api/hdinsight/clusters/get):
 * its containers as the Docker engine reports them. Running when every node is healthy.
 */
import execa from "execa";
import type { ClusterInfo } from "../status/gather";

export async function twinClusterInfo(containers: string[]): Promise<ClusterInfo> {
  const r = await execa("docker", ["inspect", "-f", "{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}-{{end}} {{.Created}}", ...containers], { reject: false });
  const lines = r.stdout.split("\n").filter(Boolean);
  if (lines.length < containers.length) return { state: "not found" };
  const states = lines.map((l) => l.split(" "));
  const healthy = states.every(([status, health]) => status === "running" && health === "healthy");
  const created = states.map((s) => s[2]).sort()[0];
  return { state: healthy ? "Running" : states.map(([status, health]) => `${status}/${health}`).join(", "), createdDate: created, version: "5.1 twin", workerCount: containers.filter((c) => /-wn\d+-/.test(c)).length };
}
