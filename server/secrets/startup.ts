// At start-up: read (or make) the secret key, and say so when the database holds secrets that
// another key encrypted — which happens when the key file was lost, or when replicas on one
// PostgreSQL were started without sharing PIPEBOOK_SECRET_KEY.
import type { Config } from "../config.ts";
import type { Db } from "../db/client.ts";
import { loadSecretKey } from "./secret-key.ts";

export async function prepareSecretKey(
  db: Db,
  config: Pick<Config, "secretKey">,
  log: { info(line: string): void; warn(line: string): void },
): Promise<void> {
  const loaded = loadSecretKey(config);
  if (loaded.createdFile) {
    log.info(
      `created the secret key in ${loaded.createdFile} (mode 600): keep a copy — secrets cannot be read without it; several servers on one database need the same key (PIPEBOOK_SECRET_KEY)`,
    );
  }
  if (loaded.warning) log.warn(loaded.warning);
  const others = await db.secret.findMany({
    where: { keyId: { not: loaded.key.id } },
    select: { name: true },
    orderBy: { name: "asc" },
    take: 6,
  });
  if (others.length) {
    const names = others
      .slice(0, 5)
      .map((s) => s.name)
      .join(", ");
    log.warn(
      `secrets ${names}${others.length > 5 ? " and more" : ""} were encrypted with another key than this server's: tasks that need them will fail until the server runs with that key (PIPEBOOK_SECRET_KEY or ${config.secretKey.source === "file" ? config.secretKey.path : "the key file"}) or they are set again`,
    );
  }
}
