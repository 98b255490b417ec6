// The local agent's API key: an agent-only key (it can claim and report, not manage flows),
// made anew at every start and handed to the child process; the previous one is revoked.
import type { Db } from "../db/client.ts";
import { generateApiKey, hashSecret, keyPrefix } from "./secrets.ts";

const NAME = "local agent (started by the server)";

/** The local agent serves the default queue (server/services/local-agent.ts); its key no more. */
export async function issueLocalAgentKey(db: Db, queues = ["default"]): Promise<string> {
  const admin = await db.user.findFirstOrThrow({
    where: { role: "admin" },
    orderBy: { createdAt: "asc" },
    select: { id: true },
  });
  const key = generateApiKey();
  await db.$transaction([
    db.apiKey.updateMany({
      where: { name: NAME, revokedAt: null },
      data: { revokedAt: new Date() },
    }),
    db.apiKey.create({
      data: {
        name: NAME,
        kind: "agent",
        queues,
        prefix: keyPrefix(key),
        hash: hashSecret(key),
        userId: admin.id,
      },
    }),
  ]);
  return key;
}
