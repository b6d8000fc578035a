// The order in which jest starts the test files. The live files that use the cluster share one
// Docker engine, fixed container names and host ports, so they hold the run's live lock
// (tests/support/environment.js) in the order of CHAIN: first the files that only use the cluster
// (gateway, livy, ownjobs, notebooks, wordcount, faults reuse the one gateway brings up), then
// those that tear it down or bring up their own (local, demo, pulumi). The SHARING files start only
// their own jobs, on their own topics, and stop no node or daemon: they hold the cluster together
// (the machine was 30-55 % idle while one of them ran alone, waiting on JVMs and micro-batches).
// Two live files use Docker and Maven but no cluster, no fixed name or port and no shared build
// directory (BESIDE): they hold no lock and run beside the chain.
// jest starts files in this order on three workers: the chain's first file (it brings the cluster
// up), the unit and program tests beside it, the SHARING files, the BESIDE files, then the rest of
// the chain. A file only begins when a worker is free. Plain JavaScript: jest loads it before any
// transform.
const Sequencer = require("@jest/test-sequencer").default;

const CHAIN = ["gateway", "livy", "ownjobs", "notebooks", "wordcount", "faults", "twin", "local", "demo", "pulumi", "pulumi.twin"];
const SHARING = ["livy", "ownjobs", "notebooks"];
const BESIDE = ["image", "wordcount.jar"];

const liveName = (path) => /([\w.]+)\.live\.test\.ts$/.exec(path)?.[1];

/** A chain file's place in CHAIN (an unknown live file goes last); undefined for the other files, which take no lock. */
function liveRank(path) {
  const name = liveName(path);
  if (name === undefined || BESIDE.includes(name)) return undefined;
  const i = CHAIN.indexOf(name);
  return i === -1 ? CHAIN.length : i;
}

/** True when the chain file of this rank may hold the cluster together with the other SHARING files. */
const sharesCluster = (rank) => SHARING.includes(CHAIN[rank]);

/** Where a file starts: the chain's first file, the unit files, the SHARING files, the BESIDE files, the rest of the chain. */
function rank(path) {
  const name = liveName(path);
  if (name === undefined) return 1;
  if (BESIDE.includes(name)) return 3;
  const live = liveRank(path);
  return live === 0 ? 0 : sharesCluster(live) ? 2 : live + 3;
}

class ProjectOrder extends Sequencer {
  sort(tests) {
    return [...tests].sort((a, b) => rank(a.path) - rank(b.path) || (liveRank(a.path) ?? 0) - (liveRank(b.path) ?? 0) || a.path.localeCompare(b.path));
  }
}

module.exports = ProjectOrder;
module.exports.liveRank = liveRank;
module.exports.sharesCluster = sharesCluster;
