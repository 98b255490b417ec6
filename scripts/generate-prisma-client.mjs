#!/usr/bin/env node
// Generates the Prisma client (server/db/generated) from prisma/schema.prisma; run by `npm ci`.
//
// Generating is pure WebAssembly and needs no native engine, but the Prisma CLI checks for its
// schema engine before every `generate` and downloads it when missing — which fails on machines
// without internet access although generation itself would succeed. Unless an engine is
// configured, we satisfy that check with a placeholder path (the check only tests that the file
// exists; `generate` never runs it), so installing never downloads anything. Commands that do
// need the engine (`npm run db:migrate`) run without the placeholder and fetch it as usual.
//
// Prisma writes every file anew. The files of the previous generation are kept aside, and each
// one whose content comes out the same is put back in place of the new one (the very file, with
// its times), so installing again — the first `npx pipebook` runs the postinstall too — looks to
// every tool like what it is: no change.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { forEachFile } from "./build-fingerprint.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const env = { ...process.env, CHECKPOINT_DISABLE: process.env.CHECKPOINT_DISABLE ?? "1" };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.join(root, "node_modules", "prisma", "package.json");

const output = path.join(root, "server", "db", "generated");
// Outside the sources (tsc and the build read server/), on the same disk (a rename).
const previous = path.join(root, "node_modules", ".cache", "pipebook-prisma-client-previous");

const sameContent = (a, b) => {
  try {
    return fs.readFileSync(a).equals(fs.readFileSync(b));
  } catch {
    return false;
  }
};

fs.rmSync(previous, { recursive: true, force: true });
let kept = false;
if (fs.existsSync(output)) {
  fs.mkdirSync(path.dirname(previous), { recursive: true });
  try {
    fs.renameSync(output, previous);
    kept = true;
  } catch {
    // Another disk (node_modules mounted elsewhere): generate in place, times and all.
  }
}
const result = spawnSync(
  process.execPath,
  [path.join(root, "node_modules", "prisma", "build", "index.js"), "generate"],
  { cwd: root, env, stdio: "inherit" },
);
if (result.status === 0 && kept) {
  forEachFile(output, (file) => {
    const old = path.join(previous, path.relative(output, file));
    if (sameContent(old, file)) fs.renameSync(old, file);
  });
} else if (kept) {
  // Nothing half-generated stays behind: the last good client comes back.
  fs.rmSync(output, { recursive: true, force: true });
  fs.renameSync(previous, output);
}
fs.rmSync(previous, { recursive: true, force: true });
process.exit(result.status ?? 1);
