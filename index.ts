// Entry point: read and validate the stack config, run the target's preflight, deploy it, export
// what the jobs need next. Every resource lives in stacks/.
import * as pulumi from "@pulumi/pulumi";
import { PROJECT } from "./stacks/config";
import { loadConfig } from "./stacks/loadConfig";
import { azurePreflight } from "./stacks/azure/preflight";
import { sparkJobJarFor } from "./stacks/jobJar";
import { AzureEnvironment } from "./stacks/azure";
import { LocalEnvironment } from "./stacks/local";
import { TwinEnvironment, twinImage } from "./stacks/twin";
import { twinTopologyFor } from "./stacks/twin/config";
import { topologyFor } from "./stacks/local/topology";
import { contentTaggedImage, IMAGE_CONTEXT } from "./stacks/local/image";

const config = loadConfig();

async function deploy(): Promise<Record<string, pulumi.Input<unknown>>> {
  switch (config.target) {
    case "azure":
      // Asks Azure whether this login may create the deadline's role assignment.
      await azurePreflight(config);
      return new AzureEnvironment("azure", {
        config,
        sparkJobJar: await sparkJobJarFor(config.sparkJobJar, __dirname, (m) => void pulumi.log.info(m)),
      }).outputs;
    case "local": {
      const topology = topologyFor(config, PROJECT, pulumi.getStack(), contentTaggedImage(IMAGE_CONTEXT));
      return new LocalEnvironment("local", { topology, imageContext: IMAGE_CONTEXT }).outputs;
    }
    case "twin": {
      const topology = { ...twinTopologyFor(config, PROJECT, pulumi.getStack()), image: twinImage() };
      return new TwinEnvironment("twin", { topology, clusterLoginPassword: config.clusterLoginPassword }).outputs;
    }
  }
}

export = deploy();
