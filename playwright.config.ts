// End-to-end tests: real servers (one on the embedded PGlite, one on PostgreSQL), the real CLI,
// and Debian's Chromium (Playwright cannot download browsers on these machines).
import { defineConfig } from "@playwright/test";
import { E2E_API_KEY, PGLITE_PORT, POSTGRES_PORT } from "./e2e/support/constants.ts";

const server = (kind: "pglite" | "postgres", port: number) => ({
  command: `node e2e/support/serve.mjs ${kind} ${port}`,
  url: `http://127.0.0.1:${port}/api/health`,
  env: { E2E_API_KEY },
  timeout: 120_000,
  reuseExistingServer: false,
  stdout: "pipe" as const,
  stderr: "pipe" as const,
  gracefulShutdown: { signal: "SIGTERM" as const, timeout: 10_000 },
});

// The API, CLI and agent specs run once against each database.
const API_SPECS = [
  "api.spec.ts",
  "api-bad-input.spec.ts",
  "cli.spec.ts",
  "cli-admin.spec.ts",
  "agent-*.spec.ts",
  "replay.spec.ts",
  "queues-agents.spec.ts",
  "logs.spec.ts",
  "flow-runs-list.spec.ts",
  "audit.spec.ts",
  "schedules.spec.ts",
  "concurrency-limits.spec.ts",
  "triggers.spec.ts",
  "notifications.spec.ts",
  "backfills.spec.ts",
  "cache-retention-cli.spec.ts",
];

export default defineConfig({
  testDir: "e2e",
  // Two cores: one test at a time keeps timings honest and servers responsive.
  workers: 1,
  fullyParallel: false,
  forbidOnly: true,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"], ["./e2e/support/summary-reporter.ts"]],
  outputDir: "test-results",
  use: {
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
    viewport: { width: 1280, height: 800 },
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  webServer: [server("pglite", PGLITE_PORT), server("postgres", POSTGRES_PORT)],
  projects: [
    // A spec with parts for both kinds of project tags them: @studio tests run only in the
    // studio project, @api tests only in the api-* ones.
    {
      name: "api-pglite",
      testMatch: API_SPECS,
      grepInvert: /@studio/,
      use: { baseURL: `http://127.0.0.1:${PGLITE_PORT}` },
    },
    {
      name: "api-postgres",
      testMatch: API_SPECS,
      grepInvert: /@studio/,
      use: { baseURL: `http://127.0.0.1:${POSTGRES_PORT}` },
    },
    {
      name: "studio",
      testMatch: [
        "studio.spec.ts",
        "editor.spec.ts",
        "editor-ergonomics.spec.ts",
        "run-page.spec.ts",
        "navigation.spec.ts",
        "queues-agents-studio.spec.ts",
        "runs-page.spec.ts",
        "dashboard.spec.ts",
        "security.spec.ts",
        "xss.spec.ts",
        "accounts.spec.ts",
        "audit.spec.ts",
        "schedules-studio.spec.ts",
        "concurrency-limits-studio.spec.ts",
        "triggers-studio.spec.ts",
        "notifications-studio.spec.ts",
        "backfills-studio.spec.ts",
        "mapped-tasks.spec.ts",
        "storage.spec.ts",
        "dask-runner-studio.spec.ts",
        "cache-retention.spec.ts",
        "artifacts.spec.ts",
        "flow-dependencies.spec.ts",
      ],
      grepInvert: /@api/,
      use: { baseURL: `http://127.0.0.1:${PGLITE_PORT}` },
    },
    {
      name: "server",
      testMatch: [
        "server.spec.ts",
        "local-agent.spec.ts",
        "resilience.spec.ts",
        "replicas.spec.ts",
        "leadership.spec.ts",
        "secrets.spec.ts",
        "secrets-managed.spec.ts",
        "isolation.spec.ts",
      ],
    },
  ],
});
