/**
 * The Docker Compose file for the local cluster, derived from the topology: for users without
 * Pulumi (`docker-compose up`), and for the live tests. Compose v1 (Debian's docker-compose 1.29)
 * and v2 both read it.
 */
import { dump } from "js-yaml";
import { goDuration, type Topology } from "./topology";

/** Where the compose file lives, relative to the repository root; `build` paths are relative to it. */
export const COMPOSE_FILE = "stacks/local/docker-compose.yml";
export const IMAGE_CONTEXT_FROM_COMPOSE = "./image";

const seconds = (s: number) => `${s}s`;

export function composeModel(t: Topology): Record<string, unknown> {
  const services = Object.fromEntries(t.nodes.map((n) => [n.name, {
    // Every service names the same build, so `docker-compose up --build` works in any order;
    // the second and third builds are cache hits.
    build: { context: IMAGE_CONTEXT_FROM_COMPOSE },
    image: t.image,
    container_name: n.name,
    hostname: n.name,
    networks: { [t.network]: { aliases: [n.name] } },
    ports: n.ports.map((p) => `${p.bindAddress ?? t.bindAddress}:${p.host}:${p.container}`),
    environment: n.env,
    volumes: n.mounts.map((m) => `${m.volume}:${m.path}`),
    healthcheck: {
      test: n.healthcheck.test,
      interval: goDuration(n.healthcheck.intervalSeconds),
      timeout: goDuration(n.healthcheck.timeoutSeconds),
      retries: n.healthcheck.retries,
      start_period: goDuration(n.healthcheck.startPeriodSeconds),
    },
    mem_limit: `${n.memoryMb}m`,
    memswap_limit: `${n.memorySwapMb}m`,
    stop_grace_period: seconds(n.stopGraceSeconds),
    restart: "unless-stopped",
    labels: t.labels,
  }]));
  return {
    services,
    networks: { [t.network]: { name: t.network, driver: "bridge", labels: t.labels } },
    volumes: Object.fromEntries(Object.entries(t.volumes).map(([key, v]) => [key, { name: v.name, labels: t.labels }])),
  };
}

export function renderCompose(t: Topology): string {
  const header = [
    "# Generated from stacks/local/topology.ts by `npm run compose:generate`: edit the topology, not this file.",
    `# Local Kafka + Spark + Hadoop cluster (stack "${t.stack}") without Pulumi:`,
    "#   docker-compose -p kafka-spark-lab -f stacks/local/docker-compose.yml up -d --build",
    "#   docker-compose -p kafka-spark-lab -f stacks/local/docker-compose.yml down -v   # removes everything, data included",
  ].join("\n");
  return `${header}\n${dump(composeModel(t), { lineWidth: -1, noRefs: true })}`;
}
