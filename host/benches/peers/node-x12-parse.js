// The node-x12 peer of the benchmark suite (host/benches/suite.rs): parses each X12 file named
// on the command line into node-x12's interchange → group → transaction → segment tree (no
// mapping to a business model), and prints one JSON object per file: documents parsed per
// second and the median time per document. The suite installs node-x12 and names its folder
// in NODE_X12 (node_modules/node-x12 of an npm prefix).
//
// Usage: node node-x12-parse.js <iterations> <file>...
'use strict';
const fs = require('fs');
const { X12Parser } = require(process.env.NODE_X12 || 'node-x12');

const iterations = Number(process.argv[2]);
const files = process.argv.slice(3);
for (const file of files) {
  const text = fs.readFileSync(file, 'utf8');
  // Strict: a malformed file fails here, so what is timed is a real parse of valid X12.
  const parser = new X12Parser(true);
  const check = parser.parse(text);
  const sets = check.functionalGroups[0].transactions.length;
  if (sets !== 1) throw new Error(`${file}: ${sets} transaction sets, expected 1`);
  for (let i = 0; i < Math.min(iterations, 200); i++) parser.parse(text); // warm the JIT
  const samples = [];
  const started = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) {
    const t = process.hrtime.bigint();
    parser.parse(text);
    samples.push(Number(process.hrtime.bigint() - t));
  }
  const total = Number(process.hrtime.bigint() - started) / 1e9;
  samples.sort((a, b) => a - b);
  console.log(JSON.stringify({
    file,
    docs_per_s: iterations / total,
    median_us: samples[Math.floor(samples.length / 2)] / 1e3,
  }));
}
