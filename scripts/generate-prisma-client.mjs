#!/usr/bin/env node
// Generates the Prisma client (server/db/generated) from prisma/schema.prisma; run by `npm ci`.
//
// Generating is pure WebAssembly and needs no native engine, but the Prisma CLI checks for its
// schema engine before every `generate` and downloads it when missing — which fails on machines
// without internet access although generation itself would succeed. Unless an engine is
// configured, we satisfy that check with a placeholder path (the check only tests that the file
// exists; `generate` never runs it), so installing never downloads anything. Commands that do
// need the engine (`npm run db:migrate`) run without the placeholder and fetch it as usual.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const env = { ...process.env, CHECKPOINT_DISABLE: process.env.CHECKPOINT_DISABLE ?? "1" };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.join(root, "node_modules", "prisma", "package.json");

const result = spawnSync(
  process.execPath,
  [path.join(root, "node_modules", "prisma", "build", "index.js"), "generate"],
  { cwd: root, env, stdio: "inherit" },
);
process.exit(result.status ?? 1);
