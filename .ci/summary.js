// Prints where the test time went (the slowest files, from jest's JSON results), then the plain
// closing line CI reads, "N passed, N failed[, N skipped]".
const fs = require("fs");
const file = process.argv[2];
if (!fs.existsSync(file)) {
  console.log("jest wrote no results: the type-check or lint step failed, or jest did not start (see above).");
  console.log("0 passed, 0 failed");
  process.exit(1);
}
const r = JSON.parse(fs.readFileSync(file, "utf8"));
// Where the time went, in wall-clock time: the chain's live files run one after another
// (tests/support/environment.js), so a chain file's own time starts when the one before it ended
// (jest's start time includes waiting for its turn); the unit and program files, and the live
// files that hold no lock (tests/support/sequencer.js), run beside them.
// The SHARING files hold the cluster together: one row for them, from the end of the file before
// them to the end of the last of them.
const { liveRank, sharesCluster } = require("../tests/support/sequencer");
const all = r.testResults.map((t) => ({ name: t.name.split("/tests/").pop(), start: t.startTime, end: t.endTime, live: /\.live\.test\.ts$/.test(t.name), rank: liveRank(t.name) }));
const units = all.filter((f) => !f.live);
const sharing = all.filter((f) => f.rank !== undefined && sharesCluster(f.rank)).sort((a, b) => a.rank - b.rank);
const chain = all.filter((f) => f.rank !== undefined && !sharesCluster(f.rank));
if (sharing.length) chain.push({ name: `${sharing.map((f) => f.name).join(" + ")} (together)`, start: Math.min(...sharing.map((f) => f.start)), end: Math.max(...sharing.map((f) => f.end)) });
chain.sort((a, b) => a.end - b.end);
let previousEnd = 0;
for (const f of chain) {
  f.seconds = (f.end - Math.max(f.start, previousEnd)) / 1000;
  previousEnd = f.end;
}
const rows = chain.sort((a, b) => b.seconds - a.seconds).map((f) => [f.name, f.seconds]);
for (const f of all.filter((f) => f.live && f.rank === undefined)) rows.push([`${f.name} (beside the chain)`, (f.end - f.start) / 1000]);
if (units.length) rows.push([`the ${units.length} unit and program files (beside the chain)`, (Math.max(...units.map((f) => f.end)) - Math.min(...units.map((f) => f.start))) / 1000]);
const wall = all.length ? (Math.max(...all.map((f) => f.end)) - r.startTime) / 1000 : 0;
console.log(`\nWhere the test time went (${all.length} files, ${Math.round(wall)} s of jest):`);
console.log("| files | seconds |\n|---|---:|");
for (const [name, seconds] of rows) console.log(`| ${name} | ${seconds.toFixed(0)} |`);
const skipped = r.numPendingTests + r.numTodoTests;
// The same, for docs/tests.md (npm run docs renders it): .ci/run passes its own phase times. A run
// on a machine that had the node image (imageCached) and one that built it (imageBuilt) are kept
// apart: each replaces only the last run of its own kind.
if (process.env.CI_PHASES) {
  const os = require("os");
  const out = require("path").join(__dirname, "..", "tests", "results", "ci-time.json");
  fs.mkdirSync(require("path").dirname(out), { recursive: true });
  const { nodeImageCached = true, ...phases } = JSON.parse(process.env.CI_PHASES);
  const earlier = fs.existsSync(out) ? JSON.parse(fs.readFileSync(out, "utf8")) : {};
  const run = {
    date: new Date().toISOString().slice(0, 10),
    machine: { cpus: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
    ...phases,
    jestSeconds: Math.round(wall),
    files: rows.map(([name, seconds]) => ({ name, seconds: Math.round(seconds) })),
    passed: r.numPassedTests,
    failed: r.numFailedTests + r.numRuntimeErrorTestSuites,
  };
  const runs = { imageCached: earlier.imageCached, imageBuilt: earlier.imageBuilt, [nodeImageCached ? "imageCached" : "imageBuilt"]: run };
  fs.writeFileSync(out, `${JSON.stringify(runs, null, 2)}\n`);
}
if (r.numTotalTests === 0) console.log("jest ran no test.");
console.log(`${r.numPassedTests} passed, ${r.numFailedTests + r.numRuntimeErrorTestSuites} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(r.success && r.numTotalTests > 0 ? 0 : 1);
