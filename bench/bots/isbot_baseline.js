#!/usr/bin/env node
// Reference point: the isbot npm package's own regex on the same data sets.
//   node bench/bots/isbot_baseline.js PATH/TO/isbot-X/package [data dir]
// (tools/bots/fetch_sources.sh downloads isbot next to the other sources.)
const fs = require("fs");
const path = require("path");
const { isbot } = require(path.resolve(process.argv[2], "index.js"));
const version = require(path.resolve(process.argv[2], "package.json")).version;
const data = process.argv[3] || path.join(__dirname, "data");
const read = (f, last) => fs.readFileSync(path.join(data, f), "utf8").split("\n")
  .filter(Boolean).map((l) => (last ? l.split("\t").pop() : l));
console.log(`isbot@${version}`);
for (const f of ["browsers.txt", "browsers_crawlerdetect.txt", "browsers_suspect.txt",
                 "crawlers_in_sample.txt", "crawlers_independent.txt",
                 "browsers_uap.txt", "crawlers_uap.txt"]) {
  const uas = read(f, f === "browsers_suspect.txt");
  const n = uas.filter((u) => isbot(u)).length;
  console.log(`${f.padEnd(28)} ${String(uas.length).padStart(6)} UAs  flagged ${String(n).padStart(5)}  (${(100 * n / uas.length).toFixed(3)} %)`);
}
