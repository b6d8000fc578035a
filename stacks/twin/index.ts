import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import { join } from "path";
import { goDuration } from "../local/topology";
import { contentTaggedImage, hostPlatform } from "../local/image";
import { twinStackOutputs, TWIN_IMAGE_NAME, type TwinTopology } from "./topology";
import type { TwinOutputs } from "../outputs";
import { jobJarBlobName, sourceHash } from "../jobJar";

/** The twin image's build context. */
export const TWIN_IMAGE_CONTEXT = join(__dirname, "image");
export const twinImage = () => contentTaggedImage(TWIN_IMAGE_CONTEXT, TWIN_IMAGE_NAME);

const asLabels = (labels: Record<string, string>) => Object.entries(labels).map(([label, value]) => ({ label, value }));

export interface TwinEnvironmentArgs {
  topology: TwinTopology;
  /** The cluster login's password: the gateway's Basic auth (a secret, as on Azure). */
  clusterLoginPassword: pulumi.Input<string>;
}

/**
 * The HDInsight 5.1 twin on the Docker engine: one network standing for the VNet, the twin image
 * (built, never pushed), one data volume and one container per node, each healthy before `up` ends.
 * Volumes go with `pulumi destroy`: a twin is a rehearsal, its data is not the user's.
 */
export class TwinEnvironment extends pulumi.ComponentResource {
  readonly outputs: { [K in keyof TwinOutputs]: pulumi.Input<TwinOutputs[K]> };

  constructor(name: string, args: TwinEnvironmentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kafka-spark-lab:twin:Environment", name, {}, opts);
    const t = args.topology;
    const child = { parent: this };
    const labels = asLabels(t.labels);
    const network = new docker.Network("vnet", { name: t.network, driver: "bridge", labels }, child);
    const image = new docker.Image("twin-image", {
      imageName: t.image,
      build: { context: TWIN_IMAGE_CONTEXT, dockerfile: `${TWIN_IMAGE_CONTEXT}/Dockerfile`, platform: hostPlatform(), builderVersion: "BuilderV1" },
      skipPush: true,
    }, child);
    const secretEnv: Record<string, pulumi.Input<string>> = { CLUSTER_LOGIN_PASSWORD: args.clusterLoginPassword };
    const containers = t.nodes.map((n) => {
      const volume = new docker.Volume(`volume-${n.hostname}`, { name: n.volume, labels }, child);
      const envs = [
        ...Object.entries(n.env).map(([k, v]) => `${k}=${v}`),
        ...n.secretEnv.map((k) => pulumi.secret(pulumi.interpolate`${k}=${secretEnv[k]}`)),
      ];
      return new docker.Container(n.hostname, {
        name: n.container,
        hostname: n.hostname,
        domainname: n.fqdn.slice(n.hostname.length + 1),
        image: image.imageName,
        networksAdvanced: [{ name: network.name, aliases: [n.fqdn] }],
        ports: n.ports.map((p) => ({ internal: p.container, external: p.host, ip: t.bindAddress })),
        envs,
        volumes: [{ volumeName: volume.name, containerPath: "/data" }],
        healthcheck: { tests: n.healthcheck, interval: goDuration(3), timeout: goDuration(10), retries: 3, startPeriod: goDuration(120) },
        wait: true,
        waitTimeout: 180,
        memory: n.memoryMb,
        memorySwap: n.memoryMb,
        stopTimeout: 30,
        destroyGraceSeconds: 30,
        restart: "unless-stopped",
        labels,
      }, child);
    });
    this.outputs = {
      // The word count's jar as built from the sources now; the commands put it in the twin's HDFS when first used.
      ...twinStackOutputs(t, jobJarBlobName({ of: "sources", stamp: sourceHash() })),
      clusterLoginPassword: pulumi.secret(args.clusterLoginPassword),
      containerNames: pulumi.all(containers.map((c) => c.name)),
      networkName: network.name,
      imageTag: image.imageName,
    };
    this.registerOutputs(this.outputs);
  }
}
