// The test environment of every file: Node's, plus one rule for the live files. jest runs three
// files at a time (the unit files beside the live chain: tests/support/sequencer.js); the live
// files share one Docker engine, fixed container names and host ports, so each holds this run's
// live lock from before its first hook until after its last one, and they take it in the live
// order (a file that waits names its rank; the lowest rank waiting goes next). A file goes in
// when nobody holds the lock, or when it and every holder are SHARING files (sequencer.js).
// Plain JavaScript, like sequencer.js: jest loads it before any transform.
const { mkdirSync, readdirSync, rmSync, rmdirSync, writeFileSync } = require("fs");
const NodeEnvironment = require("jest-environment-node").TestEnvironment;
const { liveRank, sharesCluster } = require("./sequencer");

const POLL_MS = 200;
const pad = (rank) => String(rank).padStart(3, "0");

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
    this.ticket = `wait-${pad(this.rank)}`;
    writeFileSync(`${this.dir}/${this.ticket}`, "");
    while (!this.tryToEnter()) await new Promise((r) => setTimeout(r, POLL_MS));
  }

  /** Goes in when this file is the first waiting and the holders (if any) share with it; decided under the gate, so two files never both decide on the same view. */
  tryToEnter() {
    try {
      mkdirSync(`${this.dir}/gate`); // atomic: one file at a time looks and goes in
    } catch (e) {
      if (e.code === "EEXIST") return false;
      throw e;
    }
    try {
      const files = readdirSync(this.dir);
      const first = files.filter((f) => f.startsWith("wait-")).sort()[0];
      const holders = files.filter((f) => f.startsWith("hold-")).map((f) => Number(f.slice(5)));
      const mayJoin = holders.length === 0 || (sharesCluster(this.rank) && holders.every(sharesCluster));
      if (first !== this.ticket || !mayJoin) return false;
      writeFileSync(`${this.dir}/hold-${pad(this.rank)}`, "");
      rmSync(`${this.dir}/${this.ticket}`);
      this.holding = true;
      return true;
    } finally {
      rmdirSync(`${this.dir}/gate`);
    }
  }

  async teardown() {
    if (this.holding) rmSync(`${this.dir}/hold-${pad(this.rank)}`, { force: true });
    await super.teardown();
  }
}

module.exports = ProjectEnvironment;
