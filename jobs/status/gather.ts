/**
 * The parts of a stack's status, each gathered by an injected probe, so the local and the Azure
 * stack share the shape (StackStatus) and the rendering (render.ts): nodes or clusters and their
 * health, the web UIs and whether they answer, topics, running jobs and their lag, cost.
 */
import type { Admin } from "kafkajs";
import { jobEvents, labJob } from "../spark/localJobs";
import type { NodeShell } from "../local/shell";

export interface NodeState {
  /** Container or cluster name. */
  name: string;
  /** What runs there (master, worker; Kafka cluster, Spark cluster). */
  role: string;
  /** running, exited, ...; a cluster's state (Running, Accepted, Error). */
  state: string;
  /** healthy, unhealthy, starting; a cluster's alerts summary. */
  health: string;
  /** Memory used / limit, uptime, version: whatever says more. */
  detail: string;
}

export interface WebUi {
  name: string;
  url: string;
  /** Whether it answered just now (any HTTP status: a login page answers too). */
  answers: boolean;
  note?: string;
}

export interface TopicState {
  topic: string;
  partitions: number;
  replicationFactor: number;
  /** Records held now: end minus start offsets, over the partitions. */
  records: number;
  /** Per partition, the next offset to be written (for the jobs' lag). */
  endOffsets: Record<string, number>;
}

export interface JobState {
  name: string;
  /** Driver pid on the master, or a Livy batch and its YARN application. */
  where: string;
  state: string;
  /** The topic it reads, from its last progress line. */
  topic?: string;
  /** Records in the topic it has not counted yet (from its last progress line); undefined before its first batch. */
  lag?: number;
  /** Its last "[wordcount] batch" line. */
  lastBatch?: string;
}

export interface CostState {
  usdPerHour: number;
  /** Since the first cluster was created. */
  hoursSoFar: number;
  usdSoFar: number;
  /** ISO time Azure deletes the environment, or "off". */
  deadline: string;
  /** Hours left until then (negative: past). */
  hoursLeft?: number;
}

export interface StackStatus {
  stack: string;
  target: "local" | "azure" | "twin";
  at: string;
  nodes: NodeState[];
  uis: WebUi[];
  topics: TopicState[];
  jobs: JobState[];
  cost?: CostState;
  /** Parts that could not be read, and why (the rest is still shown). */
  problems: string[];
  /** What needs the user's hand now (a node's Kafka disk full), each with its fix. */
  alerts: string[];
}

/** A job's progress lines: the last batch line and the last offsets line ({"topic":{"0":n}}). */
export function lastProgress(events: string[]): { lastBatch?: string; offsets?: Record<string, Record<string, number>> } {
  const lastBatch = events.filter((l) => l.startsWith("[wordcount] batch ")).at(-1)?.slice("[wordcount] ".length);
  const line = events.filter((l) => l.startsWith("[wordcount] offsets ")).at(-1);
  let offsets: Record<string, Record<string, number>> | undefined;
  if (line) {
    try {
      offsets = JSON.parse(line.split(" ").slice(3).join(" "));
    } catch {
      offsets = undefined;
    }
  }
  return { lastBatch, offsets };
}

/** Records not yet counted: per partition, the topic's end offset minus where the job's last batch ended. */
export function lagOf(offsets: Record<string, Record<string, number>> | undefined, topics: TopicState[]): { topic?: string; lag?: number } {
  if (!offsets) return {};
  let lag = 0;
  const names = Object.keys(offsets);
  for (const name of names) {
    const t = topics.find((x) => x.topic === name);
    if (!t) return { topic: names.join(",") };
    for (const [partition, end] of Object.entries(t.endOffsets)) lag += Math.max(0, end - (offsets[name][partition] ?? 0));
  }
  return { topic: names.join(","), lag };
}

/**
 * Topics (not Kafka's internal ones) with partitions, replication and records, through one admin
 * client. Offsets are asked one topic at a time, each retried twice: a topic being created or
 * deleted at that moment answers without offsets (kafkajs then fails the whole call); such a topic
 * is left out and named in `onProblem`, the others are shown.
 */
export async function topicStates(admin: Admin, onProblem: (message: string) => void = () => undefined): Promise<TopicState[]> {
  await admin.connect();
  try {
    const names = (await admin.listTopics()).filter((t) => !t.startsWith("__")).sort();
    if (!names.length) return [];
    const { topics } = await admin.fetchTopicMetadata({ topics: names });
    const states: TopicState[] = [];
    for (const t of topics) {
      let offsets: { partition: number; high: string; low: string }[] | undefined;
      let last: unknown;
      for (let attempt = 0; attempt < 3 && !offsets; attempt++) {
        try {
          offsets = await admin.fetchTopicOffsets(t.name);
        } catch (e) {
          last = e;
          await new Promise((r) => setTimeout(r, 300));
          // A stale view of the topic (deleted and made again) is the usual cause: ask for it afresh.
          await admin.fetchTopicMetadata({ topics: [t.name] }).catch(() => undefined);
        }
      }
      if (!offsets) { onProblem(`topic ${t.name}: its offsets could not be read (${(last as Error).message})`); continue; }
      states.push({
        topic: t.name,
        partitions: t.partitions.length,
        replicationFactor: Math.max(0, ...t.partitions.map((p) => p.replicas.length)),
        records: offsets.reduce((n, p) => n + Number(p.high) - Number(p.low), 0),
        endOffsets: Object.fromEntries(offsets.map((p) => [p.partition, Number(p.high)])),
      });
    }
    return states;
  } finally {
    await admin.disconnect();
  }
}

/** Whether a URL answers within `timeoutMs` (any status: a login page or a 403 is a server that runs). */
export async function answers(url: string, fetchFn: typeof fetch, timeoutMs = 3000): Promise<boolean> {
  try {
    const r = await fetchFn(url, { signal: AbortSignal.timeout(timeoutMs), redirect: "manual" });
    await r.body?.cancel();
    return true;
  } catch {
    return false;
  }
}

/** A part that cannot be read is named with its reason; the others are still shown. */
function collector() {
  const problems: string[] = [];
  const guard = async <T>(what: string, work: () => Promise<T>, fallback: T): Promise<T> => {
    try {
      return await work();
    } catch (e) {
      problems.push(`${what}: ${(e as Error).message.split("\n")[0]}`);
      return fallback;
    }
  };
  return { problems, guard };
}

/** What the local status reads the world with (docker CLI, the master's shell, Kafka's admin, HTTP). */
export interface LocalStatusDeps {
  docker: (args: string[]) => Promise<string>;
  shell: NodeShell;
  admin: () => Admin;
  fetch: typeof fetch;
  now?: Date;
}

export interface LocalStatusInput {
  stack: string;
  containers: string[];
  uis: { name: string; url: string; note?: string }[];
}

const ago = (iso: string, now: Date) => {
  const s = Math.max(0, (now.getTime() - Date.parse(iso)) / 1000);
  return s < 120 ? `${Math.round(s)} s` : s < 7200 ? `${Math.round(s / 60)} min` : `${(s / 3600).toFixed(1)} h`;
};

/** Kafka's log directory on a node (df) and its broker's state under supervisor. */
export interface KafkaDisk {
  usedPercent: number;
  availableKb: number;
  /** supervisor's state of the broker: RUNNING, BACKOFF, FATAL... */
  broker: string;
}

/** `df -Pk /data/kafka | tail -1` then `supervisorctl status kafka`, as one node prints them; undefined when unreadable. */
export function parseKafkaDisk(out: string): KafkaDisk | undefined {
  const [df, supervisor] = out.split("\n");
  const f = (df ?? "").trim().split(/\s+/);
  if (f.length < 6 || !/^\d+%$/.test(f[4]) || !/^\d+$/.test(f[3])) return undefined;
  return { usedPercent: Number(f[4].slice(0, -1)), availableKb: Number(f[3]), broker: (supervisor ?? "").trim().split(/\s+/)[1] ?? "unknown" };
}

/** Below this, a broker's next segment or index may not fit (Kafka preallocates 10 MB indexes). */
const KAFKA_DISK_LOW_KB = 64 * 1024;

/**
 * What to tell about a node whose Kafka disk is (nearly) full, or nothing. A broker whose only log
 * directory fails (no space left) shuts down, and supervisor cannot start it again while the disk
 * is full (measured: tests/faults.live.test.ts); its partitions go on with the other replicas.
 */
export function kafkaDiskProblem(node: string, disk: KafkaDisk): string | undefined {
  if (disk.availableKb >= KAFKA_DISK_LOW_KB && disk.usedPercent < 99) return undefined;
  const free = `${(disk.availableKb / 1024).toFixed(1)} MB free`;
  const broker = disk.broker === "RUNNING"
    ? "its broker shuts down at the first write that does not fit"
    : `its broker has stopped (supervisor: ${disk.broker}) and cannot start again until there is room`;
  return `${node}: Kafka's disk (/data/kafka) is ${disk.usedPercent} % full, ${free}: ${broker}. Free space on the disk that holds it (docker system df shows what Docker keeps), then: docker exec ${node} supervisorctl restart kafka`;
}

/** The local stack: containers (state, health, memory), UIs, topics, jobs running on the master. */
export async function localStatus(input: LocalStatusInput, d: LocalStatusDeps): Promise<StackStatus> {
  const now = d.now ?? new Date();
  const { problems, guard } = collector();
  const alerts: string[] = [];

  const nodes = await guard("containers (docker inspect)", async () => {
    const usage = new Map<string, string>();
    const stats = await d.docker(["stats", "--no-stream", "--format", "{{.Name}}|{{.MemUsage}}", ...input.containers]).catch(() => "");
    for (const line of stats.split("\n").filter(Boolean)) { const [name, mem] = line.split("|"); usage.set(name, mem.replace(/\s+/g, " ")); }
    return Promise.all(input.containers.map(async (name, i): Promise<NodeState> => {
      const role = i === 0 ? "master: NameNode, ResourceManager, Kafka 1, JupyterLab" : `worker: DataNode, NodeManager, Kafka ${i + 1}`;
      const info = await d.docker(["inspect", "--format", "{{.State.Status}}|{{if .State.Health}}{{.State.Health.Status}}{{else}}-{{end}}|{{.State.StartedAt}}", name]).catch(() => "");
      if (!info.trim()) return { name, role, state: "missing", health: "-", detail: "no such container: npm run demo, or pulumi up" };
      const [state, health, started] = info.trim().split("|");
      const disk = state === "running" ? parseKafkaDisk(await d.docker(["exec", name, "sh", "-c", "df -Pk /data/kafka | tail -1; supervisorctl status kafka"]).catch(() => "")) : undefined;
      const diskProblem = disk && kafkaDiskProblem(name, disk);
      if (diskProblem) alerts.push(diskProblem);
      return { name, role, state, health, detail: [usage.get(name) && `memory ${usage.get(name)}`, disk && `Kafka disk ${disk.usedPercent} %`, state === "running" && `up ${ago(started, now)}`].filter(Boolean).join(", ") };
    }));
  }, [] as NodeState[]);

  const uis = await Promise.all(input.uis.map(async (u) => ({ ...u, answers: await answers(u.url, d.fetch) })));
  const topics = await guard("topics (Kafka)", () => topicStates(d.admin(), (m) => problems.push(m)), [] as TopicState[]);

  const jobs = await guard("jobs (the master's job directory)", async () => {
    const listing = await labJob(d.shell, "list", undefined);
    return Promise.all(listing.split("\n").filter(Boolean).map(async (line): Promise<JobState> => {
      const [name, pid, mode] = line.split(" ");
      const { lastBatch, offsets } = lastProgress(await jobEvents(d.shell, name));
      return { name, where: `driver pid ${pid} on ${input.containers[0]} (${mode === "yarn" ? "YARN" : "local[*]"})`, state: lastBatch ? "running" : "starting", lastBatch, ...lagOf(offsets, topics) };
    }));
  }, [] as JobState[]);

  return { stack: input.stack, target: "local", at: now.toISOString(), nodes, uis, topics, jobs, problems, alerts };
}

/** An HDInsight cluster as Azure Resource Manager reports it. */
export interface ClusterInfo {
  state: string;
  createdDate?: string;
  version?: string;
  workerCount?: number;
}

/** A Livy batch of this machine's, with its log's progress lines. */
export interface BatchInfo {
  name: string;
  id: number;
  state: string;
  appId?: string;
  events: string[];
}

export interface AzureStatusInput {
  stack: string;
  clusters: { name: string; role: string }[];
  uis: { name: string; url: string; note?: string }[];
  /** The hourly rate and the deadline; a twin has neither (no cost is shown). */
  cost?: { usdPerHour: number; deadline: string };
  target?: "azure" | "twin";
}

export interface AzureStatusDeps {
  cluster: (name: string) => Promise<ClusterInfo>;
  /** Kafka's admin through the SSH gateway (opened by the caller). */
  admin: () => Promise<Admin>;
  batches: () => Promise<BatchInfo[]>;
  fetch: typeof fetch;
  now?: Date;
}

/** An Azure stack: both clusters (ARM), the gateway's UIs, topics through the SSH gateway, Livy batches, cost and deadline. */
export async function azureStatus(input: AzureStatusInput, d: AzureStatusDeps): Promise<StackStatus> {
  const now = d.now ?? new Date();
  const { problems, guard } = collector();
  const infos = await Promise.all(input.clusters.map((c) => guard(`cluster ${c.name} (Azure Resource Manager)`, () => d.cluster(c.name), undefined)));
  const nodes = input.clusters.map((c, i): NodeState => {
    const info = infos[i];
    if (!info) return { name: c.name, role: c.role, state: "unknown", health: "-", detail: "see Not read below" };
    return { name: c.name, role: c.role, state: info.state, health: info.state === "Running" ? "ok" : "not running", detail: [info.version && `HDInsight ${info.version}`, info.workerCount !== undefined && `${info.workerCount} workers`, info.createdDate && `created ${info.createdDate.slice(0, 16).replace("T", " ")} UTC`].filter(Boolean).join(", ") };
  });
  const uis = await Promise.all(input.uis.map(async (u) => ({ ...u, answers: await answers(u.url, d.fetch, 10_000) })));
  const topics = await guard("topics (Kafka, through the SSH gateway)", async () => topicStates(await d.admin(), (m) => problems.push(m)), [] as TopicState[]);
  const jobs = await guard("jobs (Livy)", async () => (await d.batches()).map((b): JobState => {
    const { lastBatch, offsets } = lastProgress(b.events);
    return { name: b.name, where: `Livy batch ${b.id}${b.appId ? ` (${b.appId})` : ""}`, state: b.state, lastBatch, ...lagOf(offsets, topics) };
  }), [] as JobState[]);
  let cost: CostState | undefined;
  if (input.cost) {
    const created = infos.map((i) => (i?.createdDate ? Date.parse(i.createdDate) : NaN)).filter((t) => !Number.isNaN(t));
    const hoursSoFar = created.length ? Math.max(0, (now.getTime() - Math.min(...created)) / 3_600_000) : 0;
    if (!created.length) problems.push("cost so far: no cluster's creation time could be read (the hourly rate is from the stack's config)");
    const { usdPerHour, deadline } = input.cost;
    cost = {
      usdPerHour,
      hoursSoFar,
      usdSoFar: usdPerHour * hoursSoFar,
      deadline,
      hoursLeft: deadline === "off" || Number.isNaN(Date.parse(deadline)) ? undefined : (Date.parse(deadline) - now.getTime()) / 3_600_000,
    };
  }
  return { stack: input.stack, target: input.target ?? "azure", at: now.toISOString(), nodes, uis, topics, jobs, cost, problems, alerts: [] };
}

/** GET an HDInsight cluster from ARM: its state, creation time, version and worker count. */
export function armClusterInfo(answer: { status: number; body: Record<string, unknown> }): ClusterInfo {
  if (answer.status === 404) return { state: "not found" };
  const p = (answer.body.properties ?? {}) as { clusterState?: string; createdDate?: string; clusterVersion?: string; computeProfile?: { roles?: { name: string; targetInstanceCount?: number }[] } };
  const workers = p.computeProfile?.roles?.find((r) => r.name === "workernode")?.targetInstanceCount;
  return { state: p.clusterState ?? "unknown", createdDate: p.createdDate, version: p.clusterVersion, workerCount: workers };
}
