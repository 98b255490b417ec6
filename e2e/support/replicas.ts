// Two Pipebook server replicas on a PostgreSQL database of their own, as behind a load balancer,
// and which of them leads the background services (GET /api/health).
import pg from "pg";
import { freePort } from "./remote-host.ts";
import { startServer, tempHome, type ServerProcess } from "./server-process.ts";

export const REPLICAS_KEY = "replicas-spec-bootstrap-key-0123456789";
const adminUrl =
  process.env.PIPEBOOK_TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

/**
 * Two replicas on a fresh database; the first applies the migrations, the second finds them.
 * Each keeps its address (`host`, default loopback; a fixed port) across `restart(i)`, as a
 * replica behind a load balancer does.
 */
export async function twoReplicas(
  name: string,
  extraEnv: Record<string, string> = {},
  options: { host?: string } = {},
) {
  const database = `pipebook_${name}_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${database}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  const host = options.host ?? "127.0.0.1";
  const launches: { args: string[]; env: Record<string, string> }[] = [];
  for (let i = 0; i < 2; i++) {
    launches.push({
      args: ["--host", host, "--port", String(await freePort(host))],
      env: {
        DATABASE_URL: url.toString(),
        PIPEBOOK_BOOTSTRAP_API_KEY: REPLICAS_KEY,
        PIPEBOOK_HOME: tempHome(),
        ...extraEnv,
      },
    });
  }
  const servers: ServerProcess[] = [];
  const stop = async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await admin.end();
  };
  try {
    for (const launch of launches) servers.push(await startServer(launch.args, launch.env));
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    servers: servers as [ServerProcess, ServerProcess],
    databaseUrl: url.toString(),
    /** Stops replica `i` (SIGTERM, or `signal`) and starts it again on the same address. */
    restart: async (i: 0 | 1, signal: NodeJS.Signals = "SIGTERM") => {
      await servers[i]!.stop(signal);
      servers[i] = await startServer(launches[i]!.args, launches[i]!.env);
      return servers[i]!;
    },
    stop,
  };
}

export type Health = { replica: { id: string; leader: boolean; since: string } };

/** The replica's health, or null when it does not answer. */
export async function health(server: ServerProcess): Promise<Health | null> {
  try {
    const response = await fetch(`${server.url}/api/health`, {
      signal: AbortSignal.timeout(2_000),
    });
    return response.ok ? ((await response.json()) as Health) : null;
  } catch {
    return null;
  }
}

/** Waits until exactly one of the servers says it leads; returns [leader, the other]. */
export async function leaderAndFollower(
  servers: [ServerProcess, ServerProcess],
  timeoutMs = 20_000,
): Promise<[ServerProcess, ServerProcess]> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const [a, b] = await Promise.all(servers.map(health));
    if (a?.replica.leader && b && !b.replica.leader) return [servers[0], servers[1]];
    if (b?.replica.leader && a && !a.replica.leader) return [servers[1], servers[0]];
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no single leader within ${timeoutMs} ms`);
}

/** Polls the server's health every 50 ms until it leads; resolves with the time that took. */
export async function timeUntilLeader(server: ServerProcess, timeoutMs = 30_000): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if ((await health(server))?.replica.leader) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the replica did not lead within ${timeoutMs} ms:\n${server.output()}`);
}
