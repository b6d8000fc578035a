// Prints the plain closing line CI reads, "N passed, N failed[, N skipped]", from jest's JSON results.
const fs = require("fs");
const file = process.argv[2];
if (!fs.existsSync(file)) {
  console.log("jest wrote no results: the type-check or lint step failed, or jest did not start (see above).");
  console.log("0 passed, 0 failed");
  process.exit(1);
}
const r = JSON.parse(fs.readFileSync(file, "utf8"));
const skipped = r.numPendingTests + r.numTodoTests;
if (r.numTotalTests === 0) console.log("jest ran no test.");
console.log(`${r.numPassedTests} passed, ${r.numFailedTests + r.numRuntimeErrorTestSuites} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(r.success && r.numTotalTests > 0 ? 0 : 1);
