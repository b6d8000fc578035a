// The order of the test files: the unit and program tests first (seconds, and a failure there
// shows at once), then the live ones in an order that lets the files which only use the cluster
// share one (gateway, livy, wordcount, faults reuse it), before those that tear it down or bring up their
// own (local, demo, pulumi). Plain JavaScript: jest loads it before any transform.
const Sequencer = require("@jest/test-sequencer").default;

const LIVE = ["image", "gateway", "livy", "wordcount", "ownjobs", "notebooks", "faults", "local", "demo", "pulumi", "wordcount.jar"];
const rank = (path) => {
  const m = /([\w.]+)\.live\.test\.ts$/.exec(path);
  return m ? 1 + LIVE.indexOf(m[1]) : 0;
};

class ProjectOrder extends Sequencer {
  sort(tests) {
    return [...tests].sort((a, b) => rank(a.path) - rank(b.path) || a.path.localeCompare(b.path));
  }
}

module.exports = ProjectOrder;
