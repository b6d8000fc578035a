/**
 * Teardown of an Azure stack that Pulumi does not know (its stack file here, no record in the
 * state): exit 9 with what to do, never "nothing left" and never a usage error. The tools tier:
 * the real Pulumi CLI with an empty state backend in a temporary directory, no Docker.
 */
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import execa from "execa";
import { prepareTeardown } from "../jobs/teardown";
import { StackOutputsError } from "../lib/errors";

const ROOT = join(__dirname, "..");
const TSX = join(ROOT, "node_modules", ".bin", "tsx");

describe("a teardown whose stack file no longer validates", () => {
  test("Azure: an invalid VM size gets past the config to Pulumi's record of the stack (here: none, exit 9), never a usage error", async () => {
    const dir = mkdtempSync(join(tmpdir(), "teardown-invalid-"));
    const backend = mkdtempSync(join(tmpdir(), "pulumi-empty-"));
    const saved = { ...process.env };
    try {
      writeFileSync(join(dir, "Pulumi.yaml"), "name: kafka-spark-lab\nruntime: nodejs\n");
      writeFileSync(join(dir, "Pulumi.azure.yaml"), "config:\n  kafka-spark-lab:target: azure\n  kafka-spark-lab:location: eastus\n  kafka-spark-lab:kafkaWorkerNodeSize: Standard_D3_v2\n");
      Object.assign(process.env, { PULUMI_BACKEND_URL: `file://${backend}`, PULUMI_CONFIG_PASSPHRASE: "unused", PULUMI_SKIP_UPDATE_CHECK: "true" });
      const e = await prepareTeardown({ stack: "azure", workDir: dir, volumes: false, images: false }, { resourceGroupState: async () => ({ exists: false }) }).then(() => undefined, (err: unknown) => err);
      expect(e).toBeInstanceOf(StackOutputsError);
      expect((e as Error).message).toContain('Pulumi has no stack "azure" here');
    } finally {
      process.env = saved;
      rmSync(dir, { recursive: true, force: true });
      rmSync(backend, { recursive: true, force: true });
    }
  }, 60_000);
});

test("teardown of an Azure stack Pulumi does not know says so and exits 9, never \"nothing left\"", async () => {
  // A throwaway, empty state backend: the stack file exists, Pulumi's record of the stack does not.
  const backend = mkdtempSync(join(tmpdir(), "pulumi-empty-"));
  try {
    const r = await execa(TSX, [join(ROOT, "scripts", "teardown.ts"), "--stack", "azure", "--yes"], {
      cwd: ROOT, reject: false, env: { PULUMI_BACKEND_URL: `file://${backend}`, PULUMI_CONFIG_PASSPHRASE: "unused", PULUMI_SKIP_UPDATE_CHECK: "true" },
    });
    expect(r.stderr).toContain('Pulumi has no stack "azure" here');
    expect(r.stdout).not.toMatch(/Nothing of stack/);
    expect(r.exitCode).toBe(9);
  } finally {
    rmSync(backend, { recursive: true, force: true });
  }
}, 60_000);
