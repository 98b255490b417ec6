#!/usr/bin/env node
// `npx pipebook …`: the CLI, bundled into dist/ by `npm ci` (scripts/build-bundles.mjs).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const bundle = fileURLToPath(new URL("../dist/pipebook-cli.mjs", import.meta.url));
if (!existsSync(bundle)) {
  console.error(
    "pipebook: the CLI is not built yet: run `npm ci` (or `npm run build`) in the Pipebook folder",
  );
  process.exit(1);
}
await import(bundle);
