// Entry point: read and validate the stack config, deploy the chosen target, export what the
// jobs need next. Every resource lives in stacks/.
import * as pulumi from "@pulumi/pulumi";
import { loadConfig, PROJECT } from "./stacks/config";
import { AzureEnvironment } from "./stacks/azure";
import { LocalEnvironment } from "./stacks/local";
import { topologyFor } from "./stacks/local/topology";
import { contentTaggedImage, IMAGE_CONTEXT } from "./stacks/local/image";

const config = loadConfig();

function deploy(): Record<string, pulumi.Input<unknown>> {
  switch (config.target) {
    case "azure":
      return new AzureEnvironment("azure", config).outputs;
    case "local": {
      const topology = topologyFor(config, PROJECT, pulumi.getStack(), contentTaggedImage(IMAGE_CONTEXT));
      return new LocalEnvironment("local", { topology, imageContext: IMAGE_CONTEXT }).outputs;
    }
  }
}

export = deploy();
