import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import type { Topology } from "./topology";

const asLabels = (labels: Record<string, string>) => Object.entries(labels).map(([label, value]) => ({ label, value }));

export interface LocalEnvironmentArgs {
  topology: Topology;
  /** Directory holding the node image's Dockerfile. */
  imageContext: string;
}

/**
 * The local cluster on the Docker engine: the `hadoop` network, the node image (built, never
 * pushed), one data volume per node plus the shared SSH-key volume, and one container per node.
 * Each container has a healthcheck and Pulumi waits for it to be healthy.
 */
export class LocalEnvironment extends pulumi.ComponentResource {
  readonly outputs: Record<string, pulumi.Input<unknown>>;

  constructor(name: string, args: LocalEnvironmentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kafka-spark-lab:local:Environment", name, {}, opts);
    const t = args.topology;
    const child = { parent: this };
    const labels = asLabels(t.labels);

    const network = new docker.Network("network", { name: t.network, driver: "bridge", labels }, child);

    const image = new docker.Image("node-image", {
      imageName: t.image,
      build: { context: args.imageContext, dockerfile: `${args.imageContext}/Dockerfile` },
      skipPush: true,
    }, child);

    const volumes = Object.fromEntries(Object.entries(t.volumes).map(([key, v]) =>
      [key, new docker.Volume(`volume-${key}`, { name: v.name, labels }, { ...child, retainOnDelete: false })]));

    const containers = t.nodes.map((n) => new docker.Container(n.name, {
      name: n.name,
      hostname: n.name,
      image: image.imageName,
      networksAdvanced: [{ name: network.name, aliases: [n.name] }],
      ports: n.ports.map((p) => ({ internal: p.container, external: p.host, ip: t.bindAddress })),
      envs: Object.entries(n.env).map(([k, v]) => `${k}=${v}`),
      volumes: n.mounts.map((m) => ({ volumeName: volumes[m.volume].name, containerPath: m.path })),
      healthcheck: {
        tests: n.healthcheck.test,
        interval: `${n.healthcheck.intervalSeconds}s`,
        timeout: `${n.healthcheck.timeoutSeconds}s`,
        retries: n.healthcheck.retries,
        startPeriod: `${n.healthcheck.startPeriodSeconds}s`,
      },
      wait: true,
      waitTimeout: n.healthcheck.startPeriodSeconds + 60,
      memory: n.memoryMb,
      stopTimeout: n.stopGraceSeconds,
      destroyGraceSeconds: n.stopGraceSeconds,
      restart: "unless-stopped",
      labels,
    }, child));

    const e = t.endpoints;
    this.outputs = {
      target: "local",
      bootstrapServersHost: e.bootstrapServersHost,
      bootstrapServersInternal: e.bootstrapServersInternal,
      sshEndpoint: e.ssh,
      nameNodeUi: e.nameNodeUi,
      yarnUi: e.yarnUi,
      nodeManagerUis: e.nodeManagerUis,
      sparkUi: e.sparkUi,
      containerNames: containers.map((c) => c.name),
      networkName: network.name,
      imageTag: image.imageName,
    };
    this.registerOutputs(this.outputs);
  }
}
