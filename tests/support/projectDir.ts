/** A project directory as the commands see it, fresh for each test: Pulumi.yaml plus the stack files a test writes. */
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { PROJECT } from "../../stacks/config";

export function projectDirPerTest(): { dir: () => string; stackFile: (stack: string, config: Record<string, unknown>) => void } {
  let dir = "";
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "stack-file-"));
    writeFileSync(join(dir, "Pulumi.yaml"), `name: ${PROJECT}\nruntime: nodejs\n`);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  return {
    dir: () => dir,
    stackFile: (stack, config) =>
      writeFileSync(join(dir, `Pulumi.${stack}.yaml`), `config:\n${Object.entries(config).map(([k, v]) => `  ${PROJECT}:${k}: ${JSON.stringify(v)}`).join("\n")}\n`),
  };
}
