/**
 * Gives this jest run a marker file of its own (path in the environment, inherited by the test
 * workers). The Docker helpers touch it when a test of this run uses the engine; the global
 * teardown removes the project's containers only then. Without it, a unit-test run started beside
 * a live one (or beside a user's own stack) would delete that cluster under it.
 */
import { tmpdir } from "os";
import { join } from "path";
import { randomUUID } from "crypto";

export const RUN_MARKER_ENV = "KAFKA_SPARK_LAB_TEST_RUN_MARKER";

export default async function globalSetup(): Promise<void> {
  process.env[RUN_MARKER_ENV] = join(tmpdir(), `kafka-spark-lab-test-run-${randomUUID()}`);
}
