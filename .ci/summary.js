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
const files = r.testResults.map((t) => ({ name: t.name.split("/tests/").pop(), seconds: (t.endTime - t.startTime) / 1000 })).sort((a, b) => b.seconds - a.seconds);
const total = files.reduce((n, f) => n + f.seconds, 0);
console.log(`\nWhere the test time went (${files.length} files, ${Math.round(total)} s):`);
console.log("| file | seconds |\n|---|---:|");
for (const f of files.slice(0, 12)) console.log(`| ${f.name} | ${f.seconds.toFixed(0)} |`);
const rest = files.slice(12).reduce((n, f) => n + f.seconds, 0);
if (files.length > 12) console.log(`| the other ${files.length - 12} files | ${rest.toFixed(0)} |`);
const skipped = r.numPendingTests + r.numTodoTests;
if (r.numTotalTests === 0) console.log("jest ran no test.");
console.log(`${r.numPassedTests} passed, ${r.numFailedTests + r.numRuntimeErrorTestSuites} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(r.success && r.numTotalTests > 0 ? 0 : 1);
