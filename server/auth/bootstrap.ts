// Making a fresh server usable: PIPEBOOK_BOOTSTRAP_API_KEY becomes an admin key (for scripts and
// tests); without it, the first admin's key is written, readable only by its owner, to
// <PIPEBOOK_HOME>/admin-api-key for the CLI on this machine — never printed — and while no admin
// has a password each start makes a one-time setup link (server/accounts/setup.ts) for the
// browser.
import fs from "node:fs";
import path from "node:path";
import type { DatabaseHandle } from "../db/client.ts";
import { isUniqueViolation } from "../db/ids.ts";
import { issueSetupToken, needsFirstAdmin } from "../accounts/setup.ts";
import { generateApiKey, hashSecret, keyPrefix } from "./secrets.ts";

const BOOTSTRAP_LOCK_KEY = 72_707_371;
const ADMIN_NAME = "admin";

export type BootstrapResult = {
  /** Set when this start created the admin key file (first start). */
  createdKeyFile?: string;
  /** The secret of the one-time link that creates the first admin (while none has a password). */
  setupToken?: string;
};

export function adminKeyFile(home: string): string {
  return path.join(home, "admin-api-key");
}

export async function bootstrapAuth(
  handle: DatabaseHandle,
  options: { home: string; bootstrapApiKey?: string },
): Promise<BootstrapResult> {
  const db = handle.prisma;
  return handle.withLock(BOOTSTRAP_LOCK_KEY, async () => {
    const admin = await ensureAdmin(handle);
    if (options.bootstrapApiKey) {
      const hash = hashSecret(options.bootstrapApiKey);
      const exists = await db.apiKey.findUnique({ where: { hash }, select: { id: true } });
      if (!exists) {
        await db.apiKey.create({
          data: {
            name: "bootstrap (PIPEBOOK_BOOTSTRAP_API_KEY)",
            prefix: keyPrefix(options.bootstrapApiKey),
            hash,
            userId: admin.id,
          },
        });
      }
      return {};
    }
    const result: BootstrapResult = {};
    if (await needsFirstAdmin(db)) result.setupToken = await issueSetupToken(db);
    const keys = await db.apiKey.count({ where: { userId: admin.id, revokedAt: null } });
    if (keys > 0) return result;
    const key = generateApiKey();
    await db.apiKey.create({
      data: {
        name: "admin (first start)",
        prefix: keyPrefix(key),
        hash: hashSecret(key),
        userId: admin.id,
      },
    });
    const file = adminKeyFile(options.home);
    fs.mkdirSync(options.home, { recursive: true });
    fs.writeFileSync(file, `${key}\n`, { mode: 0o600 });
    return { ...result, createdKeyFile: file };
  });
}

async function ensureAdmin(handle: DatabaseHandle): Promise<{ id: string }> {
  const db = handle.prisma;
  const existing = await db.user.findFirst({
    where: { role: "admin" },
    orderBy: { createdAt: "asc" },
    select: { id: true },
  });
  if (existing) return existing;
  try {
    return await db.user.create({
      data: { name: ADMIN_NAME, role: "admin" },
      select: { id: true },
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    return db.user.findUniqueOrThrow({ where: { name: ADMIN_NAME }, select: { id: true } });
  }
}
