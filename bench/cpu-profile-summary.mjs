#!/usr/bin/env node
// Sums V8 CPU profiles (`.cpuprofile`, as BENCH_CPU_PROF writes them: bench/harness.mjs) into
// where the time went: self time by function and by source (a package under node_modules, or a
// file of ours), over every profile of a folder — 20 agents' profiles read as one agent.
//
//   node bench/cpu-profile-summary.mjs /tmp/prof/agents [--top 25]
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";

const { values: opt, positionals } = parseArgs({
  options: { top: { type: "string", default: "25" } },
  allowPositionals: true,
  strict: true,
});
const dir = positionals[0];
if (!dir) {
  console.error(
    "usage: node bench/cpu-profile-summary.mjs <folder of .cpuprofile files> [--top N]",
  );
  process.exit(2);
}
const files = fs.readdirSync(dir).filter((f) => f.endsWith(".cpuprofile"));
if (!files.length) {
  console.error(`no .cpuprofile in ${dir}: run the bench with BENCH_CPU_PROF=<folder>`);
  process.exit(1);
}

/** A profile's source: the npm package of a node_modules path, else the file's last two parts. */
function sourceOf(url) {
  if (!url) return "(native, GC, idle)";
  const modules = url.lastIndexOf("node_modules/");
  if (modules >= 0) {
    const rest = url.slice(modules + "node_modules/".length).split("/");
    return rest[0].startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith("node:")) return url;
  return url.split("/").slice(-2).join("/");
}

const byFunction = new Map();
const bySource = new Map();
let total = 0;
const add = (map, key, us) => map.set(key, (map.get(key) ?? 0) + us);
for (const file of files) {
  const profile = JSON.parse(fs.readFileSync(path.join(dir, file), "utf8"));
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  // Self time: each sample's time goes to the node it was taken in.
  for (let i = 0; i < profile.samples.length; i++) {
    const node = nodes.get(profile.samples[i]);
    const us = profile.timeDeltas[i + 1] ?? 0;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === "(idle)" || functionName === "(program)") continue;
    total += us;
    const name = `${functionName || "(anonymous)"}  ${sourceOf(url)}:${lineNumber + 1}`;
    add(byFunction, name, us);
    add(bySource, functionName === "(garbage collector)" ? "(garbage collector)" : sourceOf(url), us); // prettier-ignore
  }
}
const top = Number(opt.top);
const print = (title, map) => {
  console.log(`\n${title}`);
  for (const [key, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(
      `${(us / 1e6).toFixed(2).padStart(8)} s ${((100 * us) / total).toFixed(1).padStart(5)} %  ${key}`,
    );
  }
};
console.log(
  `${files.length} profile(s) in ${dir}: ${(total / 1e6).toFixed(1)} s busy (idle excluded)`,
);
print("by source", bySource);
print("by function (self time)", byFunction);
