// The order in which jest starts the test files. The live files share one Docker engine, fixed
// container names and host ports, so they run one at a time (tests/support/environment.js) in the
// order of LIVE, which lets the files that only use the cluster share one (gateway, livy,
// wordcount, ownjobs, notebooks, faults reuse it) before those that tear it down or bring up their
// own (local, demo, pulumi). jest starts files in this order on three workers: the first two live
// files, then the unit and program tests, then the other live files. So the live chain (most of a
// run, much of it waiting on JVMs, healthchecks and brokers) begins at once, and the unit files
// fill the other two workers meanwhile; a live file only begins when a worker is free, which is
// why the rest of the chain comes after the unit files. Plain JavaScript: jest loads it before any
// transform.
const Sequencer = require("@jest/test-sequencer").default;

// wordcount.jar uses no cluster but stays in the chain, last: it rebuilds jobs/wordcount/target from
// scratch, where the other files build their jar too (run beside them, surefire lost its classes).
const LIVE = ["image", "gateway", "livy", "wordcount", "ownjobs", "notebooks", "faults", "local", "demo", "pulumi", "wordcount.jar"];
/** How many live files start before the unit files. */
const LIVE_FIRST = 2;

/** A live file's place in LIVE (an unknown live file goes last); undefined for the other files. */
function liveRank(path) {
  const m = /([\w.]+)\.live\.test\.ts$/.exec(path);
  if (!m) return undefined;
  const i = LIVE.indexOf(m[1]);
  return i === -1 ? LIVE.length : i;
}

/** Where a file starts: the first live files, the unit files, the other live files. */
function rank(path) {
  const live = liveRank(path);
  if (live === undefined) return LIVE_FIRST;
  return live < LIVE_FIRST ? live : live + 1;
}

class ProjectOrder extends Sequencer {
  sort(tests) {
    return [...tests].sort((a, b) => rank(a.path) - rank(b.path) || a.path.localeCompare(b.path));
  }
}

module.exports = ProjectOrder;
module.exports.liveRank = liveRank;
