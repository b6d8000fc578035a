/** A stack's status for people (tables, one per part) and for programs (--json). */
import { markdownTable } from "../util/table";
import type { StackStatus } from "./gather";

const n = (x: number) => x.toLocaleString("en-US");
const hours = (h: number) => (Math.abs(h) < 1 ? `${Math.round(h * 60)} min` : `${h.toFixed(1)} h`);

/** The status as tables, one per part, for people. */
export function renderStatus(s: StackStatus): string {
  const parts: string[] = [`Stack "${s.stack}" (${s.target}) at ${s.at.slice(0, 19).replace("T", " ")} UTC`];
  parts.push(markdownTable([s.target === "local" ? "node" : "cluster", "role", "state", "health", "detail"],
    s.nodes.map((x) => [x.name, x.role, x.state, x.health, x.detail]), ["left", "left", "left", "left", "left"]));
  parts.push(markdownTable(["web UI", "URL", "answers"], s.uis.map((u) => [u.name, u.url, u.answers ? "yes" : `no${u.note ? ` (${u.note})` : ""}`]), ["left", "left", "left"]));
  const unread = (part: string) => s.problems.some((p) => p.startsWith(part));
  parts.push(s.topics.length
    ? markdownTable(["topic", "partitions", "replication", "records"], s.topics.map((t) => [t.topic, String(t.partitions), String(t.replicationFactor), n(t.records)]), ["left", "right", "right", "right"])
    : unread("topics") ? "Topics: not read (see below)." : "No topics yet (npm run topics, or npm run demo).");
  parts.push(s.jobs.length
    ? markdownTable(["job", "where", "state", "reads", "lag (records)", "last batch"],
      s.jobs.map((j) => [j.name, j.where, j.state, j.topic ?? "-", j.lag === undefined ? "-" : n(j.lag), j.lastBatch ?? "-"]), ["left", "left", "left", "left", "right", "left"])
    : unread("jobs") ? "Jobs: not read (see below)." : "No job running (npm run submit, or npm run wordcount).");
  if (s.cost) {
    const c = s.cost;
    parts.push(markdownTable(["cost", "value"], [
      ["US$ per hour", `$${c.usdPerHour.toFixed(2)}`],
      ["running for", hours(c.hoursSoFar)],
      ["US$ so far (estimate)", `$${c.usdSoFar.toFixed(2)}`],
      ["deleted by Azure at", c.deadline === "off" ? "never (no deadline: npm run teardown)" : c.deadline],
      ...(c.hoursLeft === undefined ? [] : [["time left", c.hoursLeft < 0 ? `past by ${hours(-c.hoursLeft)}` : hours(c.hoursLeft)]]),
    ], ["left", "right"]));
  }
  if (s.alerts.length) parts.push(`Needs attention:\n${s.alerts.map((p) => `  - ${p}`).join("\n")}`);
  if (s.problems.length) parts.push(`Not read:\n${s.problems.map((p) => `  - ${p}`).join("\n")}`);
  return `${parts.join("\n\n")}\n`;
}

/** For --json: the same, without the per-partition offsets (what people compare is the records). */
export function statusJson(s: StackStatus): string {
  const topics = s.topics.map((t) => ({ topic: t.topic, partitions: t.partitions, replicationFactor: t.replicationFactor, records: t.records }));
  return `${JSON.stringify({ ...s, topics }, null, 2)}\n`;
}
