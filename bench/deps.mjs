// Per-flow dependencies (issue 13): the start of a run whose task declares packages, cold (the
// agent builds the environment: a venv + pip from a local wheel folder, or an npm install of
// is-number from the registry) and warm (the environment is reused), trigger → Completed, next
// to the same task without dependencies. Three distinct sets per language, each run cold once
// and then warm three times; a fresh environment folder, so every first run builds.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ms, now, startAgent, stats } from "./harness.mjs";

// A wheel is a zip of the module and its .dist-info (no Python index is reachable here).
const WHEEL = String.raw`
import sys, zipfile
out = sys.argv[1]
info = "benchdep-0.1.0.dist-info"
with zipfile.ZipFile(f"{out}/benchdep-0.1.0-py3-none-any.whl", "w") as whl:
    whl.writestr("benchdep/__init__.py", "VALUE = 42\n")
    whl.writestr(f"{info}/METADATA", "Metadata-Version: 2.1\nName: benchdep\nVersion: 0.1.0\n")
    whl.writestr(f"{info}/WHEEL", "Wheel-Version: 1.0\nGenerator: bench\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
    whl.writestr(f"{info}/RECORD", "")
`;

const PY = "import benchdep\n\ndef main():\n    return benchdep.VALUE\n";
const PY_BARE = "def main():\n    return 42\n";
const TS =
  'import isNumber from "is-number";\nexport default function main() {\n  return isNumber(42);\n}\n';
const TS_BARE = "export default function main() {\n  return true;\n}\n";
const SETS = {
  python: ["benchdep==0.1.0", "benchdep>=0.1", "benchdep<1"],
  typescript: ["7.0.0", "^7.0.0", "~7.0.0"],
};
const WARM = 3;

export async function benchDeps(url, api) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "pipebook-bench-deps-"));
  const wheels = path.join(root, "wheels");
  fs.mkdirSync(wheels);
  spawnSync("python3", ["-c", WHEEL, wheels], { stdio: "inherit" });
  const agent = await startAgent(url, "deps", {
    env: { PIP_NO_INDEX: "1" },
    args: ["--env-dir", path.join(root, "envs"), "--pip-find-links", wheels],
  });
  const timed = async (deployment) => {
    const t0 = now();
    const run = await api.wait(await api.trigger(deployment));
    if (run.state !== "Completed") throw new Error(`deps bench: run ${run.id} ended ${run.state}`);
    return now() - t0;
  };
  const task = (language, code) => [{ name: "t", language, code }];
  const out = {};
  try {
    for (const language of ["python", "typescript"]) {
      const cold = [];
      const warm = [];
      for (const [i, version] of SETS[language].entries()) {
        const deps =
          language === "python"
            ? { python: { requirements: [version] } }
            : { typescript: { packages: { "is-number": version } } };
        const code = language === "python" ? PY : TS;
        const flow = { name: `bench-deps-${language}-${i}`, ...deps, tasks: task(language, code) };
        const deployment = await api.deploy(flow, "deps");
        cold.push(await timed(deployment));
        for (let k = 0; k < WARM; k++) warm.push(await timed(deployment));
      }
      const bareCode = language === "python" ? PY_BARE : TS_BARE;
      const bare = await api.deploy(
        { name: `bench-deps-${language}-bare`, tasks: task(language, bareCode) },
        "deps",
      );
      const none = [];
      for (let k = 0; k < SETS[language].length * WARM; k++) none.push(await timed(bare));
      out[language] = { cold: stats(cold), warm: stats(warm), none: stats(none) };
    }
  } finally {
    agent.kill("SIGTERM");
    fs.rmSync(root, { recursive: true, force: true });
  }
  return out;
}

/** The figures as `npm run bench` prints them. */
export async function depsRows(url, api) {
  const d = await benchDeps(url, api);
  const s = (x) => `${(x / 1000).toFixed(2)} s`;
  const rows = [];
  for (const [label, r] of [
    ["Python task, 1 requirement (venv + pip from a local wheel folder)", d.python],
    ["TypeScript task, 1 npm package (is-number from the registry)", d.typescript],
  ]) {
    rows.push([
      `dependencies: ${label}, first run, the agent builds the environment (cold; ${r.cold.n} sets)`,
      `median ${s(r.cold.p50)} (min ${s(r.cold.min)}, max ${s(r.cold.max)})`,
      "≤ 30 s",
      r.cold.max <= 30_000,
    ]);
    rows.push([
      `dependencies: ${label}, later runs reuse it (warm; ${r.warm.n} runs) vs the same task without dependencies`,
      `warm p50 ${ms(r.warm.p50)}, p95 ${ms(r.warm.p95)}; without dependencies p50 ${ms(r.none.p50)}`,
      "warm p50 ≤ 1 s",
      r.warm.p50 <= 1_000,
    ]);
  }
  return rows;
}
