// The test environment of every file: Node's, plus one rule for the live files. jest runs three
// files at a time (the unit files beside the live chain: tests/support/sequencer.js); the live
// files share one Docker engine, fixed container names and host ports, so each holds this run's
// live lock from before its first hook until after its last one, and they take it in the live
// order (a file that waits names its rank; the lowest rank waiting goes next).
// Plain JavaScript, like sequencer.js: jest loads it before any transform.
const { mkdirSync, readdirSync, rmSync, writeFileSync } = require("fs");
const NodeEnvironment = require("jest-environment-node").TestEnvironment;
const { liveRank } = require("./sequencer");

const POLL_MS = 200;

class ProjectEnvironment extends NodeEnvironment {
  constructor(config, context) {
    super(config, context);
    this.rank = liveRank(context.testPath);
    // Unique to this jest run (tests/support/globalSetup.ts): another run beside it never waits on it.
    this.dir = `${process.env.KAFKA_SPARK_LAB_TEST_RUN_MARKER ?? "/tmp/kafka-spark-lab-test-run"}.live`;
  }

  async setup() {
    await super.setup();
    if (this.rank === undefined) return;
    mkdirSync(this.dir, { recursive: true });
    const ticket = `wait-${String(this.rank).padStart(3, "0")}`;
    writeFileSync(`${this.dir}/${ticket}`, "");
    for (;;) {
      const next = readdirSync(this.dir).filter((f) => f.startsWith("wait-")).sort()[0];
      if (next === ticket) {
        try {
          mkdirSync(`${this.dir}/lock`); // atomic: whoever creates it holds the lock
          rmSync(`${this.dir}/${ticket}`);
          this.holding = true;
          return;
        } catch (e) {
          if (e.code !== "EEXIST") throw e;
        }
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }

  async teardown() {
    if (this.holding) rmSync(`${this.dir}/lock`, { recursive: true, force: true });
    await super.teardown();
  }
}

module.exports = ProjectEnvironment;
