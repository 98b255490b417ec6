// Bundles the programs that run outside the server, each into one dependency-free file:
// the CLI (dist/pipebook-cli.mjs) and the agent (dist/pipebook-agent.mjs, served to remote VMs
// at /agent/pipebook-agent.mjs). Run by `npm ci` (postinstall) and `npm run build`; ~1 s.
// A bundle is written only when its content changed, so installing again (the first `npx
// pipebook` runs the postinstall too) leaves unchanged files and their times alone.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

// `import text from "./kernel.py?raw"`: the kernels' sources travel inside the agent as text.
const rawText = {
  name: "raw-text",
  setup(build) {
    build.onResolve({ filter: /\?raw$/ }, (args) => ({
      path: path.resolve(args.resolveDir, args.path.slice(0, -"?raw".length)),
      namespace: "raw-text",
    }));
    build.onLoad({ filter: /.*/, namespace: "raw-text" }, (args) => ({
      contents: fs.readFileSync(args.path, "utf8"),
      loader: "text",
    }));
  },
};

const bundles = [
  { entry: "cli/main.ts", out: "dist/pipebook-cli.mjs" },
  { entry: "agent/main.ts", out: "dist/pipebook-agent.mjs" },
  // The embedded database's first start, run by the server in a child process
  // (server/db/pglite-init-main.ts). PGlite loads its wasm next to its module: not inlined.
  {
    entry: "server/db/pglite-init-main.ts",
    out: "dist/pipebook-pglite-init.mjs",
    external: ["@electric-sql/pglite"],
  },
];

for (const { entry, out, external = [] } of bundles) {
  const result = await esbuild.build({
    entryPoints: [path.join(root, entry)],
    outfile: path.join(root, out),
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    // Node built-ins stay imports; everything else (zod, the contract) is inlined.
    packages: "bundle",
    external,
    // ES module builds first: a UMD build (jsonc-parser's, which the flow-file reader uses)
    // loads its parts with a run-time require() that a bundle cannot satisfy.
    mainFields: ["module", "main"],
    plugins: [rawText],
    banner: {
      js: "// Built by scripts/build-bundles.mjs from the Pipebook sources; do not edit.\nimport { createRequire as __pipebookRequire } from 'node:module'; const require = __pipebookRequire(import.meta.url);",
    },
    logLevel: "warning",
    write: false,
  });
  const file = path.join(root, out);
  const contents = result.outputFiles[0].contents;
  let current;
  try {
    current = fs.readFileSync(file);
  } catch {
    current = undefined;
  }
  if (current && Buffer.compare(current, contents) === 0) continue;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, contents);
}
