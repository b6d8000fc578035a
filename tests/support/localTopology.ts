/** Reduces a container, from Pulumi inputs or from the compose file, to the facts both must agree on. */
export interface ContainerFacts {
  name: string;
  hostname: string;
  network: { name: string; aliases: string[] };
  ports: string[];
  env: Record<string, string>;
  mounts: string[];
  healthcheck: { test: string[]; interval: string; timeout: string; retries: number; startPeriod: string };
  memoryMb: number;
  memorySwapMb: number;
  stopGraceSeconds: number;
  restart: string;
  labels: Record<string, string>;
}

export function factsFromPulumi(inputs: any): ContainerFacts {
  const [net] = inputs.networksAdvanced;
  return {
    name: inputs.name,
    hostname: inputs.hostname,
    network: { name: net.name, aliases: net.aliases },
    ports: inputs.ports.map((p: any) => `${p.ip}:${p.external}:${p.internal}`).sort(),
    env: Object.fromEntries(inputs.envs.map((e: string) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)])),
    mounts: inputs.volumes.map((v: any) => `${v.volumeName}:${v.containerPath}`).sort(),
    healthcheck: { test: inputs.healthcheck.tests, interval: inputs.healthcheck.interval, timeout: inputs.healthcheck.timeout, retries: inputs.healthcheck.retries, startPeriod: inputs.healthcheck.startPeriod },
    memoryMb: inputs.memory,
    memorySwapMb: inputs.memorySwap,
    stopGraceSeconds: inputs.stopTimeout,
    restart: inputs.restart,
    labels: Object.fromEntries(inputs.labels.map((l: any) => [l.label, l.value])),
  };
}

export function factsFromCompose(compose: any, service: string): ContainerFacts {
  const s = compose.services[service];
  const [netKey] = Object.keys(s.networks);
  const mem = /^(\d+)m$/.exec(s.mem_limit);
  return {
    name: s.container_name,
    hostname: s.hostname,
    network: { name: compose.networks[netKey].name, aliases: s.networks[netKey].aliases },
    ports: [...s.ports].sort(),
    env: Object.fromEntries(Object.entries(s.environment).map(([k, v]) => [k, String(v)])),
    mounts: s.volumes.map((v: string) => {
      const [key, path] = v.split(":");
      return `${compose.volumes[key].name}:${path}`;
    }).sort(),
    healthcheck: { test: s.healthcheck.test, interval: s.healthcheck.interval, timeout: s.healthcheck.timeout, retries: s.healthcheck.retries, startPeriod: s.healthcheck.start_period },
    memoryMb: mem ? Number(mem[1]) : NaN,
    memorySwapMb: Number(/^(\d+)m$/.exec(s.memswap_limit)?.[1]),
    stopGraceSeconds: Number(/^(\d+)s$/.exec(s.stop_grace_period)?.[1]),
    restart: s.restart,
    labels: s.labels,
  };
}
