// The order of the test files. jest runs two at a time: the unit and program tests first (seconds
// each, a failure there shows at once, and the two workers share the cores), then the live ones,
// one at a time (tests/support/environment.js) in an order that lets the files which only use the
// cluster share one (gateway, livy, wordcount, ownjobs, notebooks, faults reuse it), before those
// that tear it down or bring up their own (local, demo, pulumi). Plain JavaScript: jest loads it
// before any transform.
const Sequencer = require("@jest/test-sequencer").default;

const LIVE = ["image", "gateway", "livy", "wordcount", "ownjobs", "notebooks", "faults", "local", "demo", "pulumi", "wordcount.jar"];

/** A live file's place in LIVE (an unknown live file goes last); undefined for the other files. */
function liveRank(path) {
  const m = /([\w.]+)\.live\.test\.ts$/.exec(path);
  if (!m) return undefined;
  const i = LIVE.indexOf(m[1]);
  return i === -1 ? LIVE.length : i;
}

const rank = (path) => 1 + (liveRank(path) ?? -1);

class ProjectOrder extends Sequencer {
  sort(tests) {
    return [...tests].sort((a, b) => rank(a.path) - rank(b.path) || a.path.localeCompare(b.path));
  }
}

module.exports = ProjectOrder;
module.exports.liveRank = liveRank;
