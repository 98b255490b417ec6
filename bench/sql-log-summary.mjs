#!/usr/bin/env node
// Which statements a workload ran, how often and for how long: reads a PostgreSQL log written
// with `log_min_duration_statement = 0` (a bench run with BENCH_LOG_SQL=1) and prints the
// statements by count, with their summed execution time. Only the log's part written during the
// run is wanted:
//
//   LOG=/var/log/postgresql/postgresql-15-main.log; FROM=$(stat -c %s $LOG)
//   BENCH_LOG_SQL=1 npm run bench:load -- --db postgres …
//   tail -c +$FROM $LOG | node bench/sql-log-summary.mjs
import fs from "node:fs";

const text = fs.readFileSync(0, "utf8");
const byStatement = new Map();
const byPhase = new Map();
// One entry per log record: records start with a timestamp, continuation lines do not.
for (const entry of text.split(/\n(?=\d{4}-\d\d-\d\d )/)) {
  const match =
    /LOG: {2}duration: ([\d.]+) ms {2}(parse|bind|execute|statement)[^:]*: ([\s\S]*)/.exec(entry);
  if (!match) continue;
  const [, ms, phase, rest] = match;
  const phaseTotal = byPhase.get(phase) ?? { count: 0, ms: 0 };
  byPhase.set(phase, { count: phaseTotal.count + 1, ms: phaseTotal.ms + Number(ms) });
  if (phase === "parse" || phase === "bind") continue;
  const sql = rest
    .replace(/DETAIL:[\s\S]*/, "")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 140);
  const total = byStatement.get(sql) ?? { count: 0, ms: 0 };
  byStatement.set(sql, { count: total.count + 1, ms: total.ms + Number(ms) });
}
for (const [phase, { count, ms }] of byPhase) {
  console.log(`${phase.padEnd(9)} ${String(count).padStart(7)} × ${ms.toFixed(0).padStart(7)} ms`);
}
console.log("\n  count  exec ms  statement");
for (const [sql, { count, ms }] of [...byStatement].sort((a, b) => b[1].count - a[1].count)) {
  console.log(`${String(count).padStart(7)} ${ms.toFixed(0).padStart(8)}  ${sql}`);
}
