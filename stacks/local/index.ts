import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import { goDuration, localStackOutputs, type Topology } from "./topology";
import { hostPlatform } from "./image";
import type { LocalOutputs } from "../outputs";

const asLabels = (labels: Record<string, string>) => Object.entries(labels).map(([label, value]) => ({ label, value }));

export interface LocalEnvironmentArgs {
  topology: Topology;
  /** Directory holding the node image's Dockerfile. */
  imageContext: string;
}

/**
 * The local cluster on the Docker engine: the `hadoop` network, the node image (built, never
 * pushed), one data volume per node plus the shared SSH-key volume, and one container per node.
 * The volumes outlive `pulumi destroy` (retainOnDelete), as they outlive `docker-compose down`:
 * the data is the user's; `npm run teardown -- --volumes` deletes it.
 * Each container has a healthcheck and Pulumi waits for it to be healthy.
 */
export class LocalEnvironment extends pulumi.ComponentResource {
  readonly outputs: { [K in keyof LocalOutputs]: pulumi.Input<LocalOutputs[K]> };

  constructor(name: string, args: LocalEnvironmentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kafka-spark-lab:local:Environment", name, {}, opts);
    const t = args.topology;
    const child = { parent: this };
    const labels = asLabels(t.labels);

    const network = new docker.Network("network", { name: t.network, driver: "bridge", labels }, child);

    const image = new docker.Image("node-image", {
      imageName: t.image,
      // The classic builder, as docker build and docker-compose use without buildx: one layer
      // cache for the three ways the image is built (a second build is seconds, not minutes).
      build: { context: args.imageContext, dockerfile: `${args.imageContext}/Dockerfile`, platform: hostPlatform(), builderVersion: "BuilderV1" },
      skipPush: true,
    }, child);

    const volumes = Object.fromEntries(Object.entries(t.volumes).map(([key, v]) =>
      [key, new docker.Volume(`volume-${key}`, { name: v.name, labels }, { ...child, retainOnDelete: true })]));

    const containers = t.nodes.map((n) => new docker.Container(n.name, {
      name: n.name,
      hostname: n.name,
      image: image.imageName,
      networksAdvanced: [{ name: network.name, aliases: [n.name] }],
      ports: n.ports.map((p) => ({ internal: p.container, external: p.host, ip: p.bindAddress ?? t.bindAddress })),
      envs: Object.entries(n.env).map(([k, v]) => `${k}=${v}`),
      volumes: n.mounts.map((m) => ({ volumeName: volumes[m.volume].name, containerPath: m.path })),
      healthcheck: {
        tests: n.healthcheck.test,
        interval: goDuration(n.healthcheck.intervalSeconds),
        timeout: goDuration(n.healthcheck.timeoutSeconds),
        retries: n.healthcheck.retries,
        startPeriod: goDuration(n.healthcheck.startPeriodSeconds),
      },
      wait: true,
      waitTimeout: n.healthcheck.startPeriodSeconds + 60,
      memory: n.memoryMb,
      memorySwap: n.memorySwapMb,
      stopTimeout: n.stopGraceSeconds,
      destroyGraceSeconds: n.stopGraceSeconds,
      restart: "unless-stopped",
      labels,
    }, child));

    this.outputs = {
      ...localStackOutputs(t),
      // Taken from the resources, so consumers of these outputs wait for them to exist.
      containerNames: pulumi.all(containers.map((c) => c.name)),
      networkName: network.name,
      imageTag: image.imageName,
    };
    this.registerOutputs(this.outputs);
  }
}
