// Server start-up, run once per process from instrumentation.ts before any request is served:
// open the database, apply pending migrations, make sure someone can sign in, start the
// background services (on the elected replica); once listening, start the local agent.
import os from "node:os";
import path from "node:path";
import { serveApiRequest } from "../api/node-adapter.ts";
import { isApiPath } from "../api/routes.ts";
import { bootstrapAuth } from "../auth/bootstrap.ts";
import { issueLocalAgentKey } from "../auth/local-agent-key.ts";
import { getConfig } from "../config.ts";
import { closeDatabase, getDatabase, redact } from "../db/client.ts";
import { applyMigrations, readMigrations } from "../db/migrate.ts";
import { log } from "../log.ts";
import { startLeaseReaper } from "../services/lease-reaper.ts";
import { startScheduler } from "../services/scheduler.ts";
import { startTriggerFiring } from "../services/trigger-firing.ts";
import { startNotifier } from "../services/notifier.ts";
import { publicUrl, setListeningUrl } from "../notifications/public-url.ts";
import { startBackfillController } from "../services/backfill-controller.ts";
import { startRetention } from "../services/retention.ts";
import { startLocalAgent } from "../services/local-agent.ts";
import { startReplicaEvents } from "../services/replica-events.ts";
import { startLeadership } from "../leadership/leadership.ts";
import { leadershipStatus, setLeader } from "../leadership/status.ts";
import { prepareSecretKey } from "../secrets/startup.ts";
import { VERSION } from "../version.ts";
import { networkUrls, plainHttpWarning } from "./addresses.ts";
import { secureDataFolder } from "./data-folder.ts";
import { createPgliteInChild } from "./pglite-first-start.ts";
import { registerRuntime } from "./runtime.ts";
import { markStopping } from "../stopping.ts";

// A stopping server gives its local agent this long to finish the runs it is executing.
const LOCAL_AGENT_GRACE_MS = 20_000;

export async function startServer(): Promise<void> {
  const config = getConfig();
  // First: everything written from here on (the database's files included) is private.
  const folder = secureDataFolder(config.home);
  for (const line of folder.changed) log.info(`made private: ${line}`);
  for (const line of folder.problems) log.warn(line);
  const where =
    config.database.kind === "pglite"
      ? `embedded PGlite in ${config.database.dataDir}`
      : `PostgreSQL at ${redact(config.database.url)}`;
  log.info(`Pipebook ${VERSION} starting; database: ${where}`);

  if (config.database.kind === "pglite" && !config.database.dataDir.startsWith("memory://")) {
    const created = await createPgliteInChild({
      dataDir: config.database.dataDir,
      migrationsDir: config.migrationsDir,
      bundle: path.resolve("dist/pipebook-pglite-init.mjs"),
      log: log.info,
    });
    if (created === "created") log.info("created the embedded database");
    if (created === "no-bundle") {
      log.warn(
        "dist/pipebook-pglite-init.mjs is missing (run `npm run build`): creating the embedded database in the server, which keeps ~600 MB more memory",
      );
    }
  }
  const handle = await getDatabase();
  const applied = await applyMigrations(handle, readMigrations(config.migrationsDir), log.info);
  log.info(
    applied.length ? `applied ${applied.length} migration(s)` : "database schema is up to date",
  );

  await prepareSecretKey(handle.prisma, config, log);

  const auth = await bootstrapAuth(handle, {
    home: config.home,
    bootstrapApiKey: config.bootstrapApiKey,
  });
  // Every replica hears the others' events; one elected replica runs the background services.
  const replicaEvents = startReplicaEvents(handle);
  const leadership = startLeadership(handle, {
    ...config.leadership,
    replicaId: leadershipStatus().replicaId,
    onChange: setLeader,
    takeOver: handle.kind === "pglite",
    services: () => [
      startLeaseReaper(handle, config.agents),
      startScheduler(handle),
      startTriggerFiring(handle),
      startNotifier(handle, { baseUrl: publicUrl }),
      startBackfillController(handle),
      startRetention(handle),
    ],
  });
  let localAgent: ReturnType<typeof startLocalAgent> | undefined;
  process.once("exit", () => localAgent?.kill());

  registerRuntime({
    isApiPath,
    serveApi: serveApiRequest,
    async onListening(url) {
      // Run links in notifications name this address unless PIPEBOOK_PUBLIC_URL says otherwise.
      setListeningUrl(url);
      // `url` is the local address (127.0.0.1 for 0.0.0.0); on a wildcard address the server
      // is also reached from other machines, at each address of this host.
      const network = networkUrls(config.host, Number(new URL(url).port), os.networkInterfaces());
      const lines = [`Pipebook is ready: ${url}`];
      for (const n of network) lines.push(`On the network (${n.interface}): ${n.url}`);
      if (auth.createdKeyFile) {
        lines.push(`Created the admin API key (for the CLI and scripts) in ${auth.createdKeyFile}`);
      }
      // Never the admin key: the output goes to logs and terminals others may read. The setup
      // link is one-time, expires within the hour and rides in the fragment, which browsers never
      // send to a server or its logs.
      if (auth.setupToken) {
        lines.push(`Create the first admin: ${url}/setup#token=${auth.setupToken}`);
        for (const n of network) {
          lines.push(
            `Create the first admin from the network: ${n.url}/setup#token=${auth.setupToken}`,
          );
        }
      } else {
        lines.push(`Sign in to the studio: ${url}/login`);
      }
      lines.push(`API: ${url}/api/v1 (OpenAPI at ${url}/api/v1/openapi.json)`);
      lines.push(
        config.localAgent
          ? `Local agent: serving work queue "default" (PIPEBOOK_LOCAL_AGENT=0 turns it off)`
          : "Local agent: off (PIPEBOOK_LOCAL_AGENT=0); runs wait for an agent to claim them",
      );
      // One write, so that whoever reads the output gets the banner whole.
      console.log(lines.join("\n"));
      const warning = plainHttpWarning(config.host);
      if (warning) log.warn(warning);
      if (config.localAgent) {
        localAgent = startLocalAgent({
          bundle: config.agentBundle,
          apiUrl: url,
          apiKey: await issueLocalAgentKey(handle.prisma),
          home: config.home,
          graceMs: LOCAL_AGENT_GRACE_MS,
        });
      }
    },
    async drain() {
      // From now on a held heartbeat that breaks off is this server closing it, not its agent
      // dying: its leases stay whole.
      markStopping();
      // The agent reports its last states over HTTP, so it stops while the server still serves.
      await localAgent?.stop();
      // Services stopped first, then the lease given back: the next leader starts at once.
      await leadership.stop();
      await replicaEvents.stop();
    },
    async shutdown() {
      log.info("shutting down");
      await closeDatabase();
    },
  });
}
