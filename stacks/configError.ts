/**
 * The program's config error: every issue with its key and fix, "nothing was created". It extends
 * Pulumi's RunError, which the engine prints without a stack trace; the commands, which never load
 * the Pulumi SDK (a second of start-up), do not import this module.
 */
import * as pulumi from "@pulumi/pulumi";
import type { ConfigIssue } from "./configSchema";

export class ConfigValidationError extends pulumi.RunError {
  constructor(public readonly issues: ConfigIssue[]) {
    super(
      `Invalid stack configuration: ${issues.length} problem${issues.length === 1 ? "" : "s"}; nothing was created.\n` +
        issues.map((i) => `  - ${i.key}: ${i.message}.\n      Fix: ${i.fix}`).join("\n"),
    );
    this.name = "ConfigValidationError";
  }
}
