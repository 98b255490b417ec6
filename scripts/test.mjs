#!/usr/bin/env node
// `npm test`: every tier, in order — unit, integration on PGlite and on PostgreSQL (vitest), and
// end-to-end (Playwright: real servers, the CLI, Chromium). Each tier prints its closing line
// "N passed, N failed, N skipped"; this exits non-zero when any tier failed.
// Needs: a PostgreSQL server (PIPEBOOK_TEST_POSTGRES_URL, default postgres@127.0.0.1:5432) and
// Chromium (CHROMIUM_PATH, default /usr/bin/chromium).
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name) => path.join(root, "node_modules", ".bin", name);

function step(title, command, args) {
  console.log(`\n=== ${title}\n`);
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit" });
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  const ok = result.status === 0;
  console.log(
    `\n=== ${title}: ${ok ? "ok" : `FAILED (exit ${result.status ?? result.signal})`} in ${seconds} s`,
  );
  return ok;
}

const results = [];
// The end-to-end tier serves the built studio: bring the build up to date first.
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

const failed = results.filter((ok) => !ok).length;
console.log(failed ? `\n${failed} test step(s) failed` : "\nall test tiers passed");
process.exit(failed ? 1 : 0);
