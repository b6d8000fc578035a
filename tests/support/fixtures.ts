import { join } from "path";

/** A valid Azure stack config, as `pulumi config set` would store it (all values are text). */
export const VALID_AZURE: Record<string, string> = {
  target: "azure",
  location: "westeurope",
  baseName: "lab42",
  clusterLoginPassword: "Str0ng!Passw0rd",
  sshPassword: "Tunnel-Key77",
  owner: "alice@example.com",
  clientAddressPrefix: "203.0.113.7/32",
  coreQuota: "100",
};

/** VALID_AZURE as the Pulumi program tests deploy it: a small jar instead of a Maven build of the job. */
export const AZURE_PROGRAM_CONFIG: Record<string, string> = { ...VALID_AZURE, sparkJobJar: join(__dirname, "..", "fixtures", "job.jar") };

export const AZURE_SECRET_KEYS = ["clusterLoginPassword", "sshPassword"];
