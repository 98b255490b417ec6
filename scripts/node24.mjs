#!/usr/bin/env node
// Node 24 for the tests that check Pipebook on the newest supported Node (see README "Tests"),
// installed from the npm registry — the package `node-<platform>-<arch>@24` holds the official
// binary, so nothing but the registry is needed. Idempotent: a cached binary that answers v24 is
// used as it is (installing took 9–25 s here). PIPEBOOK_NODE24 points at a binary to use instead.
// Usage: node scripts/node24.mjs   (prints the binary's path)
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const MAJOR = 24;
const packageName = `node-${process.platform}-${process.arch}`;

export const node24Folder = () =>
  process.env.PIPEBOOK_NODE24_DIR ??
  path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"), "pipebook", "node-24");

/** The binary's version ("v24.22.3"), or null when it is missing or not Node `MAJOR`. */
function versionOf(binary) {
  if (!fs.existsSync(binary)) return null;
  const result = spawnSync(binary, ["--version"], { encoding: "utf8" });
  const version = result.status === 0 ? result.stdout.trim() : "";
  return version.startsWith(`v${MAJOR}.`) ? version : null;
}

/** The path of a Node 24 binary, installed into the cache folder when missing. Throws with a
 * message that says what to do when the registry cannot be reached. */
export function ensureNode24({ log = (line) => console.error(line) } = {}) {
  const override = process.env.PIPEBOOK_NODE24;
  if (override) {
    if (!versionOf(override))
      throw new Error(`PIPEBOOK_NODE24=${override} is not a Node ${MAJOR} binary`);
    return override;
  }
  const folder = node24Folder();
  const binary = path.join(folder, "node_modules", packageName, "bin", "node");
  if (versionOf(binary)) return binary;

  log(
    `--- installing Node ${MAJOR} from the npm registry (${packageName}@${MAJOR}) into ${folder}`,
  );
  fs.mkdirSync(folder, { recursive: true });
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const started = Date.now();
  const result = spawnSync(
    npm,
    [
      "install",
      "--prefix",
      folder,
      "--no-audit",
      "--no-fund",
      "--no-save",
      `${packageName}@${MAJOR}`,
    ],
    { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
  );
  const version = versionOf(binary);
  if (result.status !== 0 || !version) {
    const output = `${result.stdout ?? ""}${result.stderr ?? ""}`
      .trim()
      .split("\n")
      .slice(-8)
      .join("\n");
    throw new Error(
      `could not install Node ${MAJOR}: \`npm install ${packageName}@${MAJOR}\` ` +
        `${result.error ? `did not run (${result.error.message})` : `exited ${result.status}`}. ` +
        `Is the npm registry reachable (npm config get registry)? Or set PIPEBOOK_NODE24 to a Node ${MAJOR} binary.\n${output}`,
    );
  }
  log(
    `--- Node ${version} installed in ${((Date.now() - started) / 1000).toFixed(0)} s: ${binary}`,
  );
  return binary;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    console.log(ensureNode24());
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
