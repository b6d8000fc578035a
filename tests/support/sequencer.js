// The order of the test files. jest runs two at a time, and tests/support/environment.js lets only
// one live file run at once: the first live file goes first, the unit and program tests (seconds
// each) run beside it on the other worker, then the other live files one after another. The live
// order lets the files which only use the cluster share one (wordcount, gateway, livy, ownjobs,
// notebooks, faults reuse it) before those that tear it down or bring up their own (local, demo,
// pulumi). Plain JavaScript: jest loads it before any transform.
const Sequencer = require("@jest/test-sequencer").default;

// wordcount first: its four minutes cover the unit tests' two on the other worker.
const LIVE = ["wordcount", "image", "gateway", "livy", "ownjobs", "notebooks", "faults", "local", "demo", "pulumi", "wordcount.jar"];
const rank = (path) => {
  const m = /([\w.]+)\.live\.test\.ts$/.exec(path);
  if (!m) return 1;
  const i = LIVE.indexOf(m[1]);
  return i === 0 ? 0 : 1 + i;
};

class ProjectOrder extends Sequencer {
  sort(tests) {
    return [...tests].sort((a, b) => rank(a.path) - rank(b.path) || a.path.localeCompare(b.path));
  }
}

module.exports = ProjectOrder;
