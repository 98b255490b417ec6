// Server start-up, run once per process from instrumentation.ts before any request is served:
// open the database, apply pending migrations, make sure someone can sign in.
import { bootstrapAuth, readAdminKey } from "../auth/bootstrap.ts";
import { getConfig } from "../config.ts";
import { closeDatabase, getDatabase, redact } from "../db/client.ts";
import { applyMigrations, readMigrations } from "../db/migrate.ts";
import { log } from "../log.ts";
import { VERSION } from "../version.ts";
import { registerRuntime } from "./runtime.ts";

export async function startServer(): Promise<void> {
  const config = getConfig();
  const where =
    config.database.kind === "pglite"
      ? `embedded PGlite in ${config.database.dataDir}`
      : `PostgreSQL at ${redact(config.database.url)}`;
  log.info(`Pipebook ${VERSION} starting; database: ${where}`);

  const handle = await getDatabase();
  const applied = await applyMigrations(handle, readMigrations(config.migrationsDir), log.info);
  log.info(
    applied.length ? `applied ${applied.length} migration(s)` : "database schema is up to date",
  );

  const auth = await bootstrapAuth(handle, {
    home: config.home,
    bootstrapApiKey: config.bootstrapApiKey,
  });

  registerRuntime({
    onListening(url) {
      const lines = [`Pipebook is ready: ${url}`];
      const key = readAdminKey(config.home);
      if (auth.createdKeyFile) {
        lines.push(`Created the admin API key (for the CLI and scripts) in ${auth.createdKeyFile}`);
      }
      if (key) {
        // The key rides in the fragment, which browsers never send to the server or its logs.
        lines.push(`Sign in to the studio: ${url}/login#key=${key}`);
      } else {
        lines.push(`Sign in to the studio at ${url}/login with an API key`);
      }
      lines.push(`API: ${url}/api/v1 (OpenAPI at ${url}/api/v1/openapi.json)`);
      // One write, so that whoever reads the output gets the banner whole.
      console.log(lines.join("\n"));
    },
    async shutdown() {
      log.info("shutting down");
      await closeDatabase();
    },
  });
}
