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
// Prisma writes every file anew. A file whose content did not change gets its old modification
// time back, so installing again (the first `npx pipebook` runs the postinstall too) looks to
// every tool like what it is: no change.
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const env = { ...process.env, CHECKPOINT_DISABLE: process.env.CHECKPOINT_DISABLE ?? "1" };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.join(root, "node_modules", "prisma", "package.json");

const output = path.join(root, "server", "db", "generated");

/** Every file under `dir`: its content's hash and its times. */
function snapshot(dir) {
  const files = new Map();
  const visit = (p) => {
    let stat;
    try {
      stat = fs.statSync(p);
    } catch {
      return;
    }
    if (stat.isDirectory()) for (const name of fs.readdirSync(p)) visit(path.join(p, name));
    else {
      const hash = crypto.createHash("sha256").update(fs.readFileSync(p)).digest("hex");
      files.set(p, { hash, atime: stat.atime, mtime: stat.mtime });
    }
  };
  visit(dir);
  return files;
}

const before = snapshot(output);
const result = spawnSync(
  process.execPath,
  [path.join(root, "node_modules", "prisma", "build", "index.js"), "generate"],
  { cwd: root, env, stdio: "inherit" },
);
if (result.status === 0) {
  for (const [file, { hash }] of snapshot(output)) {
    const old = before.get(file);
    if (old?.hash === hash) fs.utimesSync(file, old.atime, old.mtime);
  }
}
process.exit(result.status ?? 1);
