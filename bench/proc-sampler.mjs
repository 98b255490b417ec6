// CPU time and resident memory of the bench's processes, read from /proc (Linux): what a user's
// `top` shows, without an agent inside the measured processes. A process's CPU is its
// utime+stime; a tree's also counts what its exited children used (cutime+cstime, added to the
// parent when it reaps them), so a task process that ended between two samples is not lost.
import { spawnSync } from "node:child_process";
import fs from "node:fs";

const getconf = (name, fallback) =>
  Number(spawnSync("getconf", [name], { encoding: "utf8" }).stdout) || fallback;
const TICKS_PER_S = getconf("CLK_TCK", 100);
const PAGE_MB = getconf("PAGESIZE", 4096) / 1024 / 1024;

/**
 * One read of /proc/PID/stat: CPU seconds { self: utime+stime, reaped: cutime+cstime } and the
 * resident set in MB (the same counter as VmRSS), or null when the process is gone. One file per
 * process per sample: 20 agents with their kernels are ~200 processes to read every 250 ms.
 */
function stat(pid) {
  let text;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  // The command name (field 2) may hold spaces and parentheses: count fields after its ")".
  const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return {
    self: (Number(f[11]) + Number(f[12])) / TICKS_PER_S,
    reaped: (Number(f[13]) + Number(f[14])) / TICKS_PER_S,
    rss: Number(f[21]) * PAGE_MB,
  };
}

/** VmRSS in MB (0 when the process is gone). */
export const rss = (pid) => stat(pid)?.rss ?? 0;

/**
 * A process's children. Only those of its main thread: Node (libuv), bwrap, Python kernels and
 * PostgreSQL start their children from it, and reading every thread's list (~11 threads per
 * Node process) tripled the reads.
 */
function children(pid) {
  try {
    return fs
      .readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8")
      .split(" ")
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/** The process and all its descendants. */
export function tree(pid) {
  const all = [pid];
  for (let i = 0; i < all.length; i++) all.push(...children(all[i]));
  return all;
}

/** The RSS of a process and all its descendants, in MB (a re-executed server is its launcher's child). */
export const treeRss = (pid) => tree(pid).reduce((sum, p) => sum + rss(p), 0);

/** One reading of a process: its own CPU and RSS, and its tree's; null once it is gone. */
function read(pid) {
  const own = stat(pid);
  if (!own) return null;
  const reading = { cpu: own.self, treeCpu: own.self + own.reaped, rss: own.rss, treeRss: own.rss };
  for (const p of tree(pid).slice(1)) {
    const c = stat(p);
    if (!c) continue;
    reading.treeCpu += c.self + c.reaped;
    reading.treeRss += c.rss;
  }
  return reading;
}

/** The whole machine: busy and total CPU seconds over all cores (/proc/stat). */
function machine() {
  const f = fs.readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1);
  const v = f.map(Number);
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: (total - v[3] - v[4]) / TICKS_PER_S, total: total / TICKS_PER_S };
}

/** The PostgreSQL server's processes on this machine (postmaster, backends, background workers). */
export function postgresPids() {
  const pids = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/comm`, "utf8").trim() === "postgres") pids.push(+entry);
    } catch {
      // Gone meanwhile.
    }
  }
  return pids;
}

/**
 * Samples named groups of processes every `intervalMs` (groups: { name: () => pids }, read
 * again at every sample so that agents started later are included). `mark()` takes a sample
 * now and returns its index; `between(a, b)` summarises the samples from mark a to mark b.
 */
export function startSampler(groups, intervalMs = 250) {
  const samples = [];
  const sample = () => {
    const s = { t: performance.now(), machine: machine(), groups: {} };
    for (const [name, pids] of Object.entries(groups)) {
      // A process gone since its group was listed (a PostgreSQL backend whose pooled
      // connection closed) is left out, not read as 0: its CPU would count negative.
      const readings = pids().map((pid) => [pid, read(pid)]);
      s.groups[name] = new Map(readings.filter(([, reading]) => reading));
    }
    samples.push(s);
    return samples.length - 1;
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    mark: sample,
    stop: () => clearInterval(timer),
    /**
     * For each group and each of its processes present at both marks: CPU % of one core (own
     * and tree), mean and peak RSS (own and tree) over the samples in between.
     */
    between(a, b) {
      const [from, to] = [samples[a], samples[b]];
      const seconds = (to.t - from.t) / 1000;
      const out = {
        seconds,
        // All cores together, in % of one core (200 % = both cores of this machine busy).
        machineCpu: ((to.machine.busy - from.machine.busy) / seconds) * 100,
        cores: Math.round((to.machine.total - from.machine.total) / seconds),
      };
      for (const name of Object.keys(groups)) {
        out[name] = [...to.groups[name].keys()]
          .filter((pid) => from.groups[name].has(pid))
          .map((pid) => {
            const [x, y] = [from.groups[name].get(pid), to.groups[name].get(pid)];
            const window = samples.slice(a, b + 1).map((s) => s.groups[name].get(pid));
            const held = window.filter(Boolean);
            const peak = (key) => Math.max(...held.map((r) => r[key]));
            const mean = (key) => held.reduce((sum, r) => sum + r[key], 0) / held.length;
            return {
              pid,
              cpu: ((y.cpu - x.cpu) / seconds) * 100,
              treeCpu: ((y.treeCpu - x.treeCpu) / seconds) * 100,
              rss: mean("rss"),
              peakRss: peak("rss"),
              treeRss: mean("treeRss"),
              peakTreeRss: peak("treeRss"),
            };
          });
      }
      return out;
    },
  };
}
