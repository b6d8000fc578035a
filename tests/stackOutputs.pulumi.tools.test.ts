/**
 * Reading a stack's outputs with the real Pulumi CLI installed but logged in nowhere: one message
 * that says how to log in (never the CLI's transcript), and a local stack still derived from its
 * file. The tools tier: needs the Pulumi CLI, no Docker.
 */
import { mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import execa from "execa";
import { readStack } from "../jobs/pulumiStack";
import { StackOutputsError } from "../lib/errors";
import { projectDirPerTest } from "./support/projectDir";

const project = projectDirPerTest();
const stackFile = project.stackFile;

describe("with the Pulumi CLI installed but logged in nowhere", () => {
  // The real CLI with a home of its own that holds no credentials and no backend setting.
  let home: string;
  const saved: Record<string, string | undefined> = {};
  const ISOLATE = ["PULUMI_HOME", "PULUMI_BACKEND_URL", "PULUMI_ACCESS_TOKEN", "PULUMI_CONFIG_PASSPHRASE"];
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), "pulumi-home-"));
    for (const k of ISOLATE) { saved[k] = process.env[k]; delete process.env[k]; }
    process.env.PULUMI_HOME = home;
  });
  afterEach(() => {
    for (const k of ISOLATE) { if (saved[k] === undefined) delete process.env[k]; else process.env[k] = saved[k]; }
    rmSync(home, { recursive: true, force: true });
  });

  test("the CLI really refuses: it is there, and it asks for a login", async () => {
    const r = await execa("pulumi", ["stack", "ls", "--non-interactive"], { cwd: project.dir(), reject: false });
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toMatch(/PULUMI_ACCESS_TOKEN must be set for login/);
  }, 60_000);

  test("an Azure stack: one message that says Pulumi is not logged in and how to log in, not the CLI's transcript", async () => {
    stackFile("azure", { target: "azure", baseName: "demo" });
    const e = (await readStack("azure", project.dir()).catch((x: unknown) => x)) as StackOutputsError;
    expect(e).toBeInstanceOf(StackOutputsError);
    expect(e.message).toMatch(/^Pulumi is not logged in here, so the outputs of stack "azure" cannot be read: log in to the backend the stack was deployed with \(`pulumi login`/);
    expect(e.message).not.toMatch(/Command failed|exit code|code: -2/);
  }, 60_000);

  test("a local stack is still derived from its file", async () => {
    stackFile("lab", { target: "local", localKafkaHostPort: 29092 });
    expect((await readStack("lab", project.dir())).bootstrapServersHost).toBe("localhost:29092,localhost:29093,localhost:29094");
  }, 60_000);
});
