// The HDInsight 5.1 twin's budgets (npm run bench -- --only twin; issue: cold images <= 6 min, an
// unchanged `docker build` <= 1 s, down -> healthy <= 60 s, <= 10 GiB at peak), beside the local
// stack's own figures: its image built from nothing but the base image, built again unchanged, brought
// up from nothing, then its containers' memory sampled every second while the Azure path runs on
// it as a user runs it (npm run wordcount and npm run notebook, then notebooks 01 and 02 through
// sparkmagic). The twin is removed at the end.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import execa from "execa";
import { PROJECT } from "../stacks/config";
import { TWIN_COMPOSE_FILE, TWIN_PASSWORD_VARIABLE, TWIN_SSH_KEY_VARIABLE } from "../stacks/twin/compose";
import { twinTopologyFor, twinTopologyKeys } from "../stacks/twin/config";
import { readStackFile } from "../jobs/pulumiStack";
import { waitHealthy } from "../jobs/local/stack";
import { dockerShell } from "../jobs/local/shell";
import { runNotebook } from "../jobs/notebooks/headless";
import { markdownTable } from "../jobs/util/table";

const ROOT = join(__dirname, "..");
const STACK = "twin";
const PASSWORD = "Bench-Twin-Passw0rd!";

/** "1.234GiB / 3GiB" -> MiB. */
export function mebibytes(usage: string): number {
  const m = /^([\d.]+)\s*([KMG]i?B|B)/.exec(usage.trim());
  if (!m) return 0;
  const unit: Record<string, number> = { B: 1 / 2 ** 20, KiB: 1 / 1024, KB: 1 / 1024, MiB: 1, MB: 1, GiB: 1024, GB: 1024 };
  return Number(m[1]) * (unit[m[2]] ?? 0);
}

export async function benchTwin(log: (m: string) => void, out: (text: string) => void) {
  const t = twinTopologyFor({ ...twinTopologyKeys(readStackFile(STACK, ROOT)!.raw).keys!, sshPublicKey: "" }, PROJECT, STACK);
  const containers = t.nodes.map((n) => n.container);
  const key = join(mkdtempSync(join(tmpdir(), "bench-twin-")), "id_ed25519");
  await execa("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", key]);
  const env = { ...process.env, [TWIN_PASSWORD_VARIABLE]: PASSWORD, [TWIN_SSH_KEY_VARIABLE]: readFileSync(`${key}.pub`, "utf8").trim(), SSH_PRIVATE_KEY_FILE: key };
  const compose = (args: string[]) => execa("docker-compose", ["-p", `${PROJECT}-${STACK}`, "-f", TWIN_COMPOSE_FILE, ...args], { cwd: ROOT, env });
  const seconds = async (work: () => Promise<unknown>) => { const s = Date.now(); await work(); return (Date.now() - s) / 1000; };

  await compose(["down", "-v", "--remove-orphans"]);
  log("the twin image from the base image alone (docker build --no-cache)");
  const context = join(ROOT, "stacks", "twin", "image");
  const cold = await seconds(() => execa("docker", ["build", "--no-cache", "-q", "-t", t.image, context]));
  const unchanged: number[] = [];
  for (let i = 0; i < 3; i++) unchanged.push(await seconds(() => execa("docker", ["build", "-q", "-t", t.image, context])));
  unchanged.sort((a, b) => a - b);

  log("down -> healthy (docker-compose up, every node's healthcheck)");
  const healthy = await seconds(async () => {
    await compose(["up", "-d"]);
    await waitHealthy(containers, 600_000, undefined, 250);
  });

  // Memory: every container's, each second, while the Azure path runs.
  const samples: { at: number; perContainer: Record<string, number> }[] = [];
  let sampling = true;
  const started = Date.now();
  const sampler = (async () => {
    while (sampling) {
      const r = await execa("docker", ["stats", "--no-stream", "--format", "{{.Name}} {{.MemUsage}}", ...containers], { reject: false });
      const perContainer = Object.fromEntries(r.stdout.split("\n").filter(Boolean).map((l) => { const [name, ...rest] = l.split(" "); return [name, mebibytes(rest.join(" "))]; }));
      samples.push({ at: (Date.now() - started) / 1000, perContainer });
      await new Promise((done) => setTimeout(done, 1000));
    }
  })();
  const steps: [string, number][] = [];
  const step = async (what: string, work: () => Promise<unknown>) => { log(what); steps.push([what, await seconds(work)]); };
  try {
    await step("npm run wordcount -- --stack twin (2000-2001)", () => execa("npm", ["run", "-s", "wordcount", "--", "--stack", STACK, "--from", "2000", "--to", "2001"], { cwd: ROOT, env }));
    await step("npm run notebook -- --stack twin", () => execa("npm", ["run", "-s", "notebook", "--", "--stack", STACK], { cwd: ROOT, env }));
    const head = dockerShell(t.spark.head.container);
    await step("notebook 01 through sparkmagic and Livy", () => runNotebook(head, "kafka-spark-lab/01-produce-lines.ipynb", {}, 900, "/var/lib/jupyter"));
    await step("notebook 02 through sparkmagic and Livy", () => runNotebook(head, "kafka-spark-lab/02-wordcount.ipynb", { LIVE_SECONDS: 0 }, 900, "/var/lib/jupyter"));
  } finally {
    sampling = false;
    await sampler;
    await compose(["down", "-v", "--remove-orphans"]);
  }
  const total = (s: { perContainer: Record<string, number> }) => Object.values(s.perContainer).reduce((a, b) => a + b, 0);
  const peak = samples.reduce((best, s) => (total(s) > total(best) ? s : best), samples[0]);
  const peakPerContainer = Object.fromEntries(containers.map((c) => [c, Math.round(Math.max(0, ...samples.map((s) => s.perContainer[c] ?? 0)))]));
  const result = {
    coldBuildSeconds: Math.round(cold),
    unchangedBuildSeconds: Number(unchanged[1].toFixed(2)),
    downToHealthySeconds: Number(healthy.toFixed(1)),
    peakMemoryMiB: Math.round(total(peak)),
    idleMemoryMiB: Math.round(total(samples[0])),
    peakPerContainerMiB: peakPerContainer,
    steps: Object.fromEntries(steps.map(([k, v]) => [k, Number(v.toFixed(1))])),
    memoryLimitsMiB: t.nodes.reduce((a, n) => a + n.memoryMb, 0),
  };
  out(`\nThe HDInsight 5.1 twin (${containers.length} containers)\n${markdownTable(["", "measured", "budget"], [
    ["image from the base image (s)", String(result.coldBuildSeconds), "360"],
    ["docker build, nothing changed (s, median of 3)", String(result.unchangedBuildSeconds), "1"],
    ["down -> healthy (s)", String(result.downToHealthySeconds), "60"],
    ["memory when healthy (MiB)", String(result.idleMemoryMiB), ""],
    ["memory at peak (MiB)", String(result.peakMemoryMiB), "10240"],
    ...steps.map(([k, v]): [string, string, string] => [`  ${k} (s)`, v.toFixed(1), ""]),
  ], ["plain", "right", "right"])}\n`);
  return result;
}
