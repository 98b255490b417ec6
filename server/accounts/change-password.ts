// Changing one's password: the current one is needed (and wrong guesses count against the
// account's sign-in limit); every other session of the user ends, the one in use stays.
import type * as z from "zod";
import type { ChangePasswordRequestSchema } from "../../contract/api-v1/users.ts";
import type { Db } from "../db/client.ts";
import { PipebookError } from "../errors.ts";
import { hashPassword, verifyPassword } from "../auth/passwords.ts";
import { actorOf } from "../audit/actor.ts";
import { audit } from "../audit/record.ts";
import type { Principal } from "../auth/principal.ts";
import { rateLimits } from "../auth/rate-limit.ts";

export async function changePassword(
  db: Db,
  principal: Principal,
  request: z.output<typeof ChangePasswordRequestSchema>,
): Promise<{ changed: true; endedSessions: number }> {
  const user = await db.user.findUnique({
    where: { id: principal.userId },
    select: { email: true, passwordHash: true },
  });
  if (!user?.passwordHash || !user.email) {
    throw new PipebookError(
      "bad_request",
      "your account has no password (it signs in with API keys): an admin can invite your email to make one",
    );
  }
  const account = `email:${user.email}`;
  const limit = rateLimits().account;
  limit.check(account);
  if (!(await verifyPassword(request.currentPassword, user.passwordHash))) {
    limit.fail(account);
    throw new PipebookError("bad_request", "the current password is wrong");
  }
  const passwordHash = await hashPassword(request.newPassword);
  const ended = await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: principal.userId }, data: { passwordHash } });
    const sessions = await tx.session.deleteMany({
      where: {
        userId: principal.userId,
        ...(principal.sessionId ? { id: { not: principal.sessionId } } : {}),
      },
    });
    const target = { type: "user", id: principal.userId, name: principal.userName } as const;
    await audit(tx, actorOf(principal), "user.password", target, { endedSessions: sessions.count });
    return sessions;
  });
  return { changed: true, endedSessions: ended.count };
}
