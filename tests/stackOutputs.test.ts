/**
 * `--stack` for a local stack without the Pulumi CLI: the outputs come from the stack's config
 * file through the same topology `pulumi up` exports them from. The CLI is made absent by a PATH
 * that holds node and npm but no `pulumi`. (With the CLI installed but logged in nowhere:
 * stackOutputs.pulumi.tools.test.ts.)
 */
import execa from "execa";
import { localOutputsFromStackFile, parseOutputs, readStack } from "../jobs/pulumiStack";
import { StackOutputsError } from "../lib/errors";
import { LOCAL_OUTPUTS } from "../stacks/outputs";
import { describeTopology, localStackOutputs } from "../stacks/local/topology";
import { PROJECT } from "../stacks/config";
import { ROOT } from "./support/docker";
import { pathWithout } from "./support/path";
import { projectDirPerTest } from "./support/projectDir";

const project = projectDirPerTest();
const stackFile = project.stackFile;

test("a local stack's outputs follow its own config file (ports, worker count)", () => {
  stackFile("lab", { target: "local", localKafkaHostPort: 29092, localWorkerCount: 3, localSshPort: 2223 });
  const outputs = localOutputsFromStackFile("lab", project.dir())!;
  expect(outputs.bootstrapServersHost).toBe("localhost:29092,localhost:29093,localhost:29094,localhost:29095");
  expect(outputs.sshEndpoint).toEqual({ host: "localhost", port: 2223, user: "root" });
  expect(outputs).toEqual(localStackOutputs(describeTopology({ project: PROJECT, stack: "lab", workerCount: 3, kafkaHostPort: 29092, sshHostPort: 2223 })));
});

test("an Azure stack or a missing file gives nothing to derive: its outputs live only in the Pulumi state", () => {
  stackFile("azure", { target: "azure", baseName: "demo" });
  expect(localOutputsFromStackFile("azure", project.dir())).toBeUndefined();
  expect(localOutputsFromStackFile("nosuch", project.dir())).toBeUndefined();
});

test("an invalid local config is refused with the key and the fix", () => {
  stackFile("bad", { target: "local", localWorkerCount: 0 });
  expect(() => localOutputsFromStackFile("bad", project.dir())).toThrow(/kafka-spark-lab:localWorkerCount: .*fix: pulumi config set localWorkerCount/);
});

describe("with no Pulumi CLI on PATH", () => {
  const env = { PATH: pathWithout("pulumi") };
  const run = (args: string[]) => execa("npm", ["run", "-s", "brokers", "--", ...args], { cwd: ROOT, env, extendEnv: true, reject: false });

  test("the test's PATH really has no pulumi", async () => {
    await expect(execa("pulumi", ["version"], { env })).rejects.toThrow(/ENOENT/);
  });

  test("readStack derives a local stack from its file", async () => {
    stackFile("lab", { target: "local", localKafkaHostPort: 29092 });
    const saved = process.env.PATH;
    process.env.PATH = env.PATH;
    try {
      expect((await readStack("lab", project.dir())).bootstrapServersHost).toBe("localhost:29092,localhost:29093,localhost:29094");
      // An Azure stack still needs the CLI, and says so.
      stackFile("azure", { target: "azure", baseName: "demo" });
      await expect(readStack("azure", project.dir())).rejects.toThrow(/needs the Pulumi CLI, which is not on PATH/);
    } finally {
      process.env.PATH = saved;
    }
  });

  test("npm run brokers -- --stack dev prints the repository's dev stack brokers", async () => {
    const r = await run(["--stack", "dev"]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trim()).toBe(localStackOutputs(describeTopology({ project: PROJECT, stack: "dev" })).bootstrapServersHost);
  }, 60_000);
});


describe("typed outputs (stacks/outputs.ts): one schema per target, used by the producer and the commands", () => {
  const local = localStackOutputs(describeTopology({ project: PROJECT, stack: "dev" }));

  test("the local producer's outputs are exactly the local schema", () => {
    expect(LOCAL_OUTPUTS.strict().safeParse(local).error?.issues ?? []).toEqual([]);
  });

  test("a command reads the outputs it needs, typed", () => {
    const o = parseOutputs("dev", local, "local", ["sshEndpoint", "containerNames"]);
    expect(o.sshEndpoint).toEqual({ host: "localhost", port: 2222, user: "root" });
    expect(o.containerNames[0]).toBe("hadoop-master");
  });

  test("a missing, mistyped or other-target output is named, as a stack outputs error (exit 9)", () => {
    const withoutInternal: Record<string, unknown> = { ...local };
    delete withoutInternal.bootstrapServersInternal;
    expect(() => parseOutputs("dev", withoutInternal, "local", ["bootstrapServersInternal"])).toThrow(new StackOutputsError('Stack "dev" has no output bootstrapServersInternal: was `pulumi up --stack dev` run to the end?'));
    expect(() => parseOutputs("dev", { ...local, sshEndpoint: "localhost:2222" }, "local", ["sshEndpoint"])).toThrow(/has an unexpected value for the output sshEndpoint/);
    expect(() => parseOutputs("dev", local, "azure", ["sparkLivyUrl"])).toThrow(/is a local stack; this needs a azure stack/);
    // Only what the command needs must be there: an older stack without newer outputs still works.
    expect(parseOutputs("dev", { target: "local", bootstrapServersHost: "localhost:9092" }, "local", ["bootstrapServersHost"]).bootstrapServersHost).toBe("localhost:9092");
  });

  test("a secret output stays readable by name but out of logs and JSON", () => {
    const o = parseOutputs("azure", { target: "azure", clusterLoginUser: "admin", clusterLoginPassword: "Str0ng!Passw0rd" }, "azure", ["clusterLoginUser", "clusterLoginPassword"]);
    expect(o.clusterLoginPassword).toBe("Str0ng!Passw0rd");
    expect(JSON.stringify(o)).toBe('{"clusterLoginUser":"admin","target":"azure"}');
  });
});
