// Test tiers (see README "Tests"): unit tests of pure logic, and integration tests that run
// against a fresh database of each kind — the embedded PGlite and the local PostgreSQL.
import path from "node:path";
import { defineConfig } from "vitest/config";

const root = import.meta.dirname;
const postgresUrl =
  process.env.PIPEBOOK_TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

const integration = (database: "pglite" | "postgres") => ({
  extends: true as const,
  test: {
    name: `int-${database}`,
    include: ["**/*.int.test.ts"],
    exclude: ["agent/**", "**/node_modules/**"],
    globalSetup: ["test/setup/database.ts"],
    setupFiles: ["test/setup/secret-key.ts"],
    provide: { testDatabase: { kind: database, adminUrl: postgresUrl } },
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});

export default defineConfig({
  resolve: { alias: { "@": root } },
  test: {
    // rrule's CommonJS build has no named exports for Node; its ES build is what Next.js and
    // esbuild bundle, so tests load that one too.
    server: { deps: { inline: ["rrule"] } },
    exclude: ["**/node_modules/**", ".next/**", "dist/**", "e2e/**", ".pipebook/**"],
    reporters: ["default", path.join(root, "test/support/tier-summary-reporter.ts")],
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["**/*.test.ts"],
          exclude: ["**/*.int.test.ts", "**/node_modules/**"],
        },
      },
      {
        // The agent with real child processes (python3, node, bash); no database.
        extends: true,
        test: { name: "agent", include: ["agent/**/*.int.test.ts"], testTimeout: 60_000 },
      },
      integration("pglite"),
      integration("postgres"),
    ],
  },
});
