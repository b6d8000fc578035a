/**
 * The twin's Docker Compose file, derived from its topology: `docker-compose up` without Pulumi.
 * Secrets are not in it: each secret variable is taken from the caller's environment (`${VAR}`),
 * the SSH public key too (a machine's own). Compose v1 and v2 both read it.
 */
import { dump } from "js-yaml";
import { goDuration } from "../local/topology";
import type { TwinTopology } from "./topology";

export const TWIN_COMPOSE_FILE = "stacks/twin/docker-compose.yml";
/** The environment variable the compose file takes the cluster login's password from. */
export const TWIN_PASSWORD_VARIABLE = "TWIN_CLUSTER_LOGIN_PASSWORD";
export const TWIN_SSH_KEY_VARIABLE = "TWIN_SSH_PUBLIC_KEY";

export function twinComposeModel(t: TwinTopology): Record<string, unknown> {
  const fromCaller: Record<string, string> = { CLUSTER_LOGIN_PASSWORD: TWIN_PASSWORD_VARIABLE, SSH_PUBLIC_KEY: TWIN_SSH_KEY_VARIABLE };
  const services = Object.fromEntries(t.nodes.map((n) => [n.hostname, {
    build: { context: "./image" },
    image: t.image,
    container_name: n.container,
    hostname: n.hostname,
    domainname: n.fqdn.slice(n.hostname.length + 1),
    networks: { [t.network]: { aliases: [n.fqdn] } },
    ports: n.ports.map((p) => `${t.bindAddress}:${p.host}:${p.container}`),
    environment: {
      ...n.env,
      ...Object.fromEntries(Object.entries(fromCaller).filter(([k]) => k in n.env || n.secretEnv.includes(k)).map(([k, v]) => [k, `\${${v}:?set ${v} (see stacks/twin/README.md)}`])),
    },
    volumes: [`${n.volume}:/data`],
    healthcheck: { test: n.healthcheck, interval: goDuration(3), timeout: goDuration(10), retries: 3, start_period: goDuration(120) },
    mem_limit: `${n.memoryMb}m`,
    memswap_limit: `${n.memoryMb}m`,
    stop_grace_period: "30s",
    labels: t.labels,
  }]));
  return {
    services,
    networks: { [t.network]: { name: t.network, driver: "bridge", labels: t.labels } },
    volumes: Object.fromEntries(t.nodes.map((n) => [n.volume, { name: n.volume, labels: t.labels }])),
  };
}

export function renderTwinCompose(t: TwinTopology): string {
  const header = [
    "# Generated from stacks/twin/topology.ts by `npm run compose:generate`: edit the topology, not this file.",
    `# The HDInsight 5.1 twin (stack "${t.stack}") without Pulumi; the cluster login's password and your SSH public key from the environment:`,
    `#   ${TWIN_PASSWORD_VARIABLE}=... ${TWIN_SSH_KEY_VARIABLE}="$(cat ~/.ssh/id_ed25519.pub)" docker-compose -p ${t.project}-${t.stack} -f ${TWIN_COMPOSE_FILE} up -d --build`,
    `#   docker-compose -p ${t.project}-${t.stack} -f ${TWIN_COMPOSE_FILE} down -v   # removes everything, data included`,
  ].join("\n");
  return `${header}\n${dump(twinComposeModel(t), { lineWidth: -1, noRefs: true })}`;
}
