#!/usr/bin/env node
// `npm start`: builds the studio when the build is missing or was made from other sources, then
// serves the studio and the API from one Node process. Start-up of the domain itself (database,
// migrations, background services) runs inside Next.js's instrumentation hook, so the same code
// runs in `npm run dev`; this file only handles flags, the build, the socket and signals.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import v8 from "node:v8";
import semver from "semver";
import { isBuildCurrent, sourceFingerprint, stampFile } from "../scripts/build-fingerprint.mjs";
import { newNonce, securityHeaders } from "../server/boot/security-headers.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

const HELP = `Usage: npm start -- [options]    (or: node bin/pipebook-server.mjs [options])

Starts Pipebook: the studio and the API on one port, with the embedded database.

Options:
  --host HOST   address to listen on (default 127.0.0.1; HOST); 0.0.0.0 to serve the network
  --port PORT   port to listen on (default 4200; PORT); 0 picks a free one
  --dev         development mode (hot reload; slower)
  --build       build the studio now and exit (what \`npm run build\` does)
  --no-build    never build; fail if no build exists
  -h, --help    show this help

Environment (see README "Configuration"): DATABASE_URL, PIPEBOOK_HOME, PIPEBOOK_LOCAL_AGENT,
PIPEBOOK_BOOTSTRAP_API_KEY, PIPEBOOK_LOG_LEVEL.`;

// The supported Node versions are package.json's "engines" (Prisma 7's range): say so at once on
// another Node instead of letting a dependency fail later in a less obvious way.
const { engines } = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
if (!semver.satisfies(process.version, engines.node)) {
  console.warn(
    `pipebook: warning: Node ${process.version} is not supported (supported: ${engines.node}); see README "Node versions"`,
  );
}

function fail(message) {
  console.error(`pipebook: ${message}`);
  process.exit(1);
}

let args;
try {
  args = parseArgs({
    options: {
      host: { type: "string" },
      port: { type: "string" },
      dev: { type: "boolean", default: false },
      build: { type: "boolean", default: false },
      "no-build": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  }).values;
} catch (error) {
  fail(`${error.message}\n\n${HELP}`);
}
if (args.help) {
  console.log(HELP);
  process.exit(0);
}

// Flags win over the environment; the server's config module reads the result.
if (args.host) process.env.HOST = args.host;
if (args.port !== undefined) {
  if (!/^\d+$/.test(args.port) || Number(args.port) > 65535) {
    fail(`--port must be a number from 0 to 65535 (got "${args.port}")`);
  }
  process.env.PORT = args.port;
}
const host = process.env.HOST || "127.0.0.1";
const port = Number(process.env.PORT ?? 4200);
process.env.NODE_ENV = args.dev ? "development" : "production";

// The embedded PGlite is PostgreSQL compiled to an 8.7 MB WebAssembly module. V8 first compiles
// wasm with its baseline compiler (Liftoff), then recompiles hot functions with its optimising
// one (TurboFan), whose code and compile-time memory stay resident: PGlite alone held 171 MB
// with tier-up and 129 MB with Liftoff only (measured, Node 20). The cost is speed on CPU-bound
// SQL (docs/benchmarks.md, "Memory"). PostgreSQL users run no large wasm, so this applies to
// PGlite only; PIPEBOOK_WASM_TIER_UP=1 turns it off. Node accepts no wasm flags in
// NODE_OPTIONS, and re-executing would keep a second Node process (~40 MB) alive: the flag is
// set here, before any WebAssembly is compiled, which V8 honours for later compilations.
if (!process.env.DATABASE_URL && process.env.PIPEBOOK_WASM_TIER_UP !== "1") {
  v8.setFlagsFromString("--liftoff-only");
}
process.env.NEXT_TELEMETRY_DISABLED = "1";
process.chdir(root);

// ---------------------------------------------------------------- build when needed

function ensureBuilt({ force }) {
  const built = fs.existsSync(path.join(root, ".next", "BUILD_ID"));
  if (isBuildCurrent(root) && !force) return;
  if (args["no-build"]) fail("no current build: run `npm run build` first");
  console.log(
    force
      ? "Building the studio…"
      : built
        ? "Sources changed: rebuilding the studio…"
        : "Building the studio (first start, about a minute)…",
  );
  const started = Date.now();
  const result = spawnSync(
    process.execPath,
    [path.join(root, "node_modules/next/dist/bin/next"), "build"],
    {
      stdio: "inherit",
      cwd: root,
    },
  );
  if (result.status !== 0) fail("the build failed (see above)");
  fs.writeFileSync(stampFile(root), sourceFingerprint(root));
  console.log(`Built in ${((Date.now() - started) / 1000).toFixed(0)} s.`);
}

if (args.build) {
  ensureBuilt({ force: true });
  process.exit(0);
}
if (!args.dev) ensureBuilt({ force: false });

// ---------------------------------------------------------------- serve

const { default: next } = await import("next");
const app = next({ dev: args.dev, dir: root, hostname: host, port });
const runtime = () => globalThis[Symbol.for("pipebook.runtime")];
try {
  await app.prepare();
  // In production Next.js runs instrumentation.ts (our start-up: database, migrations) lazily,
  // on the first request. Run it now instead, so that nothing listens before the database is
  // ready and a bad configuration stops the process with its message. Next.js is pinned to an
  // exact version; the check below turns any change of these internals into a clear failure.
  if (!args.dev) {
    const nodeServer = await app.server?.getServer?.();
    if (typeof nodeServer?.prepare !== "function") {
      fail("this Next.js version does not expose the server start-up Pipebook relies on");
    }
    await nodeServer.prepare();
    if (!runtime()) fail("the server's start-up (instrumentation.ts) did not run");
  }
} catch (error) {
  const cause = error?.cause ?? error;
  fail(`could not start: ${cause?.message ?? cause}`);
}

const handle = app.getRequestHandler();
const server = http.createServer((req, res) => {
  const headers = securityHeaders({ nonce: newNonce(), dev: args.dev });
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  // Next.js takes the nonce for its inline scripts from the request's policy.
  req.headers["content-security-policy"] = headers["Content-Security-Policy"];
  // Who is calling, for the per-address limits on sign-in and API keys
  // (server/auth/rate-limit.ts); this replaces any copy of the header a client sent.
  req.headers["x-pipebook-client-address"] = req.socket.remoteAddress ?? "unknown";
  // The API (/api/v1, agents) is served straight from the server's route table; Next.js serves
  // the studio. In development Next.js serves both (same table, through its catch-all routes).
  const hooks = runtime();
  if (hooks && !args.dev && hooks.isApiPath((req.url ?? "/").split("?")[0])) {
    hooks.serveApi(req, res).catch((error) => {
      console.error("request failed", error);
      if (!res.headersSent) res.writeHead(500).end();
    });
    return;
  }
  handle(req, res).catch((error) => {
    console.error("request failed", error);
    if (!res.headersSent) res.writeHead(500).end();
  });
});
// Long-polling agents hold requests ~25 s; keep idle sockets longer than any client's timeout.
server.keepAliveTimeout = 65_000;

server.on("error", async (error) => {
  if (error.code === "EADDRINUSE") {
    console.error(
      `pipebook: port ${port} on ${host} is already in use; stop the other server or pick another with --port`,
    );
  } else if (error.code === "EACCES") {
    console.error(`pipebook: not allowed to listen on ${host}:${port}; pick a port above 1023`);
  } else {
    console.error(`pipebook: could not listen on ${host}:${port}: ${error.message}`);
  }
  await runtime()
    ?.shutdown()
    .catch(() => undefined);
  process.exit(1);
});

server.listen(port, host, () => {
  const address = server.address();
  // On a wildcard address, the local address: the banner lists the network ones as well.
  const shownHost =
    host === "0.0.0.0"
      ? "127.0.0.1"
      : host === "::" || host === "[::]"
        ? "[::1]"
        : host.includes(":") && !host.startsWith("[")
          ? `[${host}]`
          : host;
  const url = `http://${shownHost}:${address.port}`;
  const hooks = runtime();
  if (hooks) {
    hooks.onListening(url).catch((error) => {
      console.error("pipebook: start-up after listening failed:", error);
      void stop("start-up failure", 1);
    });
  } else console.log(`Pipebook is ready: ${url}`);
});

// ---------------------------------------------------------------- stop

let stopping = false;
async function stop(reason, code = 0) {
  if (stopping) {
    console.error(`${reason} again: exiting now`);
    process.exit(1);
  }
  stopping = true;
  console.log(`${reason}: stopping (send it again to exit at once)`);
  try {
    // First the local agent finishes and reports while requests are still served; then the
    // socket closes; the database closes last.
    await runtime()?.drain();
    server.close();
    server.closeAllConnections?.();
    await runtime()?.shutdown();
    await app.close?.();
  } catch (error) {
    console.error("error while stopping", error);
    process.exit(1);
  }
  process.exit(code);
}
process.on("SIGINT", () => void stop("SIGINT"));
process.on("SIGTERM", () => void stop("SIGTERM"));
