// The first admin of a fresh server: while no admin has a password (and no automation key was
// given), each start makes a one-time setup link — random, stored hashed, valid an hour, used
// once — and prints it. Opening it creates the first admin; the admin key file's user (made at
// first start for the local CLI) becomes that person, so the CLI keeps working as them.
import type * as z from "zod";
import type { SetupRequestSchema } from "../../contract/api-v1/users.ts";
import type { Db } from "../db/client.ts";
import { isUniqueViolation } from "../db/ids.ts";
import { PipebookError } from "../errors.ts";
import { audit } from "../audit/record.ts";
import { hashPassword } from "../auth/passwords.ts";
import { generateToken, hashSecret } from "../auth/secrets.ts";
import { takenMessage } from "./user-view.ts";

export const SETUP_TOKEN_TTL_MS = 3600 * 1000;

/** Whether the server still waits for its first admin (no admin can sign in with a password). */
export async function needsFirstAdmin(db: Pick<Db, "user">): Promise<boolean> {
  const admins = await db.user.count({
    where: { role: "admin", disabledAt: null, passwordHash: { not: null } },
  });
  return admins === 0;
}

/** A new setup token (the link's secret); only its hash is kept. */
export async function issueSetupToken(db: Db): Promise<string> {
  const token = generateToken();
  await db.setupToken.create({
    data: { tokenHash: hashSecret(token), expiresAt: new Date(Date.now() + SETUP_TOKEN_TTL_MS) },
  });
  return token;
}

export async function completeSetup(
  db: Db,
  request: z.output<typeof SetupRequestSchema>,
): Promise<{ id: string; name: string }> {
  const passwordHash = await hashPassword(request.password);
  try {
    return await db.$transaction(async (tx) => {
      // One setup at a time: a second link used at once waits here, then finds its token gone.
      await tx.$queryRaw`SELECT id FROM "SetupToken" FOR UPDATE`;
      const used = await tx.setupToken.updateMany({
        where: {
          tokenHash: hashSecret(request.token),
          usedAt: null,
          expiresAt: { gt: new Date() },
        },
        data: { usedAt: new Date() },
      });
      if (used.count !== 1 || !(await needsFirstAdmin(tx))) {
        throw new PipebookError(
          "forbidden",
          "this setup link was used already or has expired (links last an hour). If no admin exists yet, restart the server: it prints a fresh link; otherwise sign in",
        );
      }
      await tx.setupToken.deleteMany({});
      const data = {
        name: request.name,
        email: request.email,
        passwordHash,
        role: "admin" as const,
      };
      const keyHolder = await tx.user.findFirst({
        where: { role: "admin", passwordHash: null, email: null, disabledAt: null },
        orderBy: { createdAt: "asc" },
        select: { id: true },
      });
      const user = keyHolder
        ? await tx.user.update({
            where: { id: keyHolder.id },
            data,
            select: { id: true, name: true },
          })
        : await tx.user.create({ data, select: { id: true, name: true } });
      // The first admin, from the link the server printed at start.
      const actor = { userId: user.id, userName: user.name, keyId: null, via: "session" } as const;
      await audit(
        tx,
        actor,
        "user.create",
        { type: "user", ...user },
        { role: "admin", setup: true },
      );
      return user;
    });
  } catch (error) {
    const taken = isUniqueViolation(error) && takenMessage(error, request.name, request.email);
    if (taken) throw new PipebookError("conflict", taken);
    throw error;
  }
}
