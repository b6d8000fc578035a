// The test environment of every file: Node's, plus one rule for the live files. jest runs two
// files at a time (the unit tests beside a live one), but the live files share one Docker engine,
// fixed container names and host ports: each holds this run's live lock from before its first
// hook until after its last one, so no two of them ever overlap. Plain JavaScript, like
// sequencer.js: jest loads it before any transform.
const { mkdirSync, rmSync } = require("fs");
const NodeEnvironment = require("jest-environment-node").TestEnvironment;

const LIVE = /\.live\.test\.ts$/;
const POLL_MS = 200;

class ProjectEnvironment extends NodeEnvironment {
  constructor(config, context) {
    super(config, context);
    this.live = LIVE.test(context.testPath);
    // Unique to this jest run (tests/support/globalSetup.ts): a run beside it never waits on it.
    this.lock = `${process.env.KAFKA_SPARK_LAB_TEST_RUN_MARKER ?? "/tmp/kafka-spark-lab-test-run"}.live-lock`;
  }

  async setup() {
    await super.setup();
    if (!this.live) return;
    // mkdir is atomic: whoever creates the directory holds the lock.
    for (;;) {
      try {
        mkdirSync(this.lock);
        this.holding = true;
        return;
      } catch (e) {
        if (e.code !== "EEXIST") throw e;
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
    }
  }

  async teardown() {
    if (this.holding) rmSync(this.lock, { recursive: true, force: true });
    await super.teardown();
  }
}

module.exports = ProjectEnvironment;
