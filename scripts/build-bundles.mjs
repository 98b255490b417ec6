// Bundles the programs that run outside the server, each into one dependency-free file:
// the CLI (dist/pipebook-cli.mjs). Run by `npm ci` (postinstall) and `npm run build`; ~1 s.
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

const bundles = [{ entry: "cli/main.ts", out: "dist/pipebook-cli.mjs" }];

for (const { entry, out } of bundles) {
  await esbuild.build({
    entryPoints: [path.join(root, entry)],
    outfile: path.join(root, out),
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    // Node built-ins stay imports; everything else (zod, the contract) is inlined.
    packages: "bundle",
    banner: { js: "// Built by scripts/build-bundles.mjs from the Pipebook sources; do not edit." },
    logLevel: "warning",
  });
}
