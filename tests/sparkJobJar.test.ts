/**
 * Which jar an Azure stack uploads: `sparkJobJar` as configured (relative to the project), or a
 * clear config error when that file is missing. (The default, the word-count job built for Spark
 * 3.3, is built and inspected in tests/wordcount.jar.live.test.ts.)
 */
import { join } from "path";
import { sparkJobJarFor } from "../jobs/wordcountJar";
import { ConfigValidationError } from "../stacks/configError";

const ROOT = join(__dirname, "..");

test("a configured jar is used as is, relative paths from the project directory", async () => {
  expect(await sparkJobJarFor("tests/fixtures/job.jar", ROOT, () => undefined)).toBe(join(ROOT, "tests", "fixtures", "job.jar"));
});

test("a configured jar that does not exist is a config error naming sparkJobJar, before anything is declared", async () => {
  const e = (await sparkJobJarFor("target/missing.jar", ROOT, () => undefined).catch((x: unknown) => x)) as ConfigValidationError;
  expect(e).toBeInstanceOf(ConfigValidationError);
  expect(e.message).toMatch(/kafka-spark-lab:sparkJobJar: .*missing\.jar does not exist/);
  expect(e.message).toMatch(/pulumi config rm sparkJobJar/);
});
