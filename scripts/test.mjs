#!/usr/bin/env node
// `npm test`: every tier, in order — unit, integration on PGlite and on PostgreSQL (vitest), and
// end-to-end (Playwright: real servers, the CLI, Chromium) and the chaos test (e2e/chaos/) on the
// Node that runs this script; then the same vitest tiers and one end-to-end smoke test on Node 24
// (installed from the npm registry by scripts/node24.mjs when missing), so that both ends of the
// supported range are tested.
// Each tier prints its closing line "N passed, N failed, N skipped"; this exits non-zero when any
// tier failed.
// Needs: a PostgreSQL server (PIPEBOOK_TEST_POSTGRES_URL, default postgres@127.0.0.1:5432) and
// Chromium (CHROMIUM_PATH, default /usr/bin/chromium). PIPEBOOK_TEST_NODE24=0 skips the Node 24
// tiers (they are counted as skipped, not passed).
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ensureNode24 } from "./node24.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name) => path.join(root, "node_modules", ".bin", name);

function step(title, command, args, env = process.env) {
  console.log(`\n=== ${title}\n`);
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", env });
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  const ok = result.status === 0;
  console.log(
    `\n=== ${title}: ${ok ? "ok" : `FAILED (exit ${result.status ?? result.signal})`} in ${seconds} s`,
  );
  return ok;
}

const results = [];
// The end-to-end tiers serve the built studio: bring the build up to date first.
if (
  !step("build", process.execPath, [path.join(root, "scripts/build-bundles.mjs")]) ||
  !step("build the studio", process.execPath, [
    path.join(root, "bin/pipebook-server.mjs"),
    "--build",
  ])
) {
  process.exit(1);
}
results.push(step("unit and integration tests (vitest)", bin("vitest"), ["run"]));
results.push(step("end-to-end tests (Playwright)", bin("playwright"), ["test"]));
// Two replicas, ten agents and two network namespaces under kills, restarts and cuts (~3 min).
results.push(
  step(
    "chaos test (Playwright)",
    bin("playwright"),
    ["test", "--config", path.join(root, "playwright.chaos.config.ts")],
    { ...process.env, PIPEBOOK_TEST_TIER_LABEL: "chaos" },
  ),
);

// Node 24, one tier after another: each vitest and Playwright run already keeps both of CI's two
// cores busy, so running them beside the tiers above would only stretch both.
if (process.env.PIPEBOOK_TEST_NODE24 === "0") {
  console.log("\n=== Node 24 tiers skipped (PIPEBOOK_TEST_NODE24=0)");
  console.log("node24: 0 passed, 0 failed, 1 skipped");
} else {
  let node24;
  try {
    node24 = ensureNode24({ log: (line) => console.log(line) });
  } catch (error) {
    console.log(`\n=== Node 24: ${error.message}`);
    console.log("node24: 0 passed, 1 failed, 0 skipped");
    results.push(false);
  }
  if (node24) {
    // Node 24 first on PATH too: what the tests spawn as `node` (or through npm's and npx's
    // `#!/usr/bin/env node`) runs on it as well as what they spawn as process.execPath.
    const env = {
      ...process.env,
      PATH: `${path.dirname(node24)}${path.delimiter}${process.env.PATH ?? ""}`,
      PIPEBOOK_TEST_TIER_LABEL: "node24",
      PIPEBOOK_TEST_NODE_MAJOR: "24",
    };
    const version = spawnSync(node24, ["--version"], { encoding: "utf8" }).stdout.trim();
    results.push(
      step(
        `unit and integration tests (vitest) on Node ${version}`,
        node24,
        // Unit, agent and the integration tier on PostgreSQL: on PGlite the same code runs in
        // the same WebAssembly on either Node, and CI's 90 minutes on 2 cores do not hold both
        // integration tiers twice (measured: vitest 20 min, Playwright 36 min on Node 20).
        [
          path.join(root, "node_modules/vitest/vitest.mjs"),
          "run",
          "--project",
          "unit",
          "--project",
          "agent",
          "--project",
          "int-postgres",
        ],
        env,
      ),
    );
    results.push(
      step(
        `end-to-end smoke test (Playwright) on Node ${version}`,
        node24,
        [
          path.join(root, "node_modules/@playwright/test/cli.js"),
          "test",
          "--config",
          path.join(root, "playwright.smoke.config.ts"),
        ],
        env,
      ),
    );
  }
}

const failed = results.filter((ok) => !ok).length;
console.log(failed ? `\n${failed} test step(s) failed` : "\nall test tiers passed");
process.exit(failed ? 1 : 0);
