// The order in which jest starts the test files. The live files that use the cluster share one
// Docker engine, fixed container names and host ports, so they run one at a time
// (tests/support/environment.js) in the order of CHAIN, which lets the files that only use the
// cluster share one (gateway, livy, wordcount, ownjobs, notebooks, faults reuse it) before those
// that tear it down or bring up their own (local, demo, pulumi). Two live files use Docker and
// Maven but no cluster, no fixed name or port and no shared build directory (BESIDE): they hold no
// lock and run beside the chain, once the unit files have started, while the chain's files wait
// on JVMs, brokers and healthchecks (the machine was 40-50 % idle then).
// jest starts files in this order on three workers: the chain's first file (it brings the cluster
// up), the unit and program tests beside it, the chain's second file, the BESIDE files, then the
// rest of the chain. A file only begins when a worker is free, which is why the rest of the chain
// comes after the unit files. Plain JavaScript: jest loads it before any transform.
const Sequencer = require("@jest/test-sequencer").default;

const CHAIN = ["gateway", "livy", "wordcount", "ownjobs", "notebooks", "faults", "local", "demo", "pulumi"];
const BESIDE = ["image", "wordcount.jar"];

const liveName = (path) => /([\w.]+)\.live\.test\.ts$/.exec(path)?.[1];

/** A chain file's place in CHAIN (an unknown live file goes last); undefined for the other files, which take no lock. */
function liveRank(path) {
  const name = liveName(path);
  if (name === undefined || BESIDE.includes(name)) return undefined;
  const i = CHAIN.indexOf(name);
  return i === -1 ? CHAIN.length : i;
}

/** Where a file starts: the chain's first file, the unit files, the chain's second, the BESIDE files, the rest of the chain. */
function rank(path) {
  const name = liveName(path);
  if (name === undefined) return 1;
  if (BESIDE.includes(name)) return 3;
  const live = liveRank(path);
  return live === 0 ? 0 : live === 1 ? 2 : live + 3;
}

class ProjectOrder extends Sequencer {
  sort(tests) {
    return [...tests].sort((a, b) => rank(a.path) - rank(b.path) || a.path.localeCompare(b.path));
  }
}

module.exports = ProjectOrder;
module.exports.liveRank = liveRank;
