// Entry point: read and validate the stack config, deploy the chosen target, export what the
// jobs need next. Every resource lives in stacks/.
import * as pulumi from "@pulumi/pulumi";
import { loadConfig } from "./stacks/config";
import { AzureEnvironment } from "./stacks/azure";

const config = loadConfig();

function deploy(): Record<string, pulumi.Input<unknown>> {
  switch (config.target) {
    case "azure":
      return new AzureEnvironment("azure", config).outputs;
    case "local":
      throw new pulumi.RunError("target local: the local Docker stack is not part of this build yet; set `pulumi config set target azure`.");
  }
}

export = deploy();
