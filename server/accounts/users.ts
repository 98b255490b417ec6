// Admins managing people: list them, change a role, disable or enable an account. The last
// admin who can act may be neither demoted nor disabled, so a server never locks itself out.
import type * as z from "zod";
import type { UpdateUserRequestSchema, UserView } from "../../contract/api-v1/users.ts";
import type { Db, Tx } from "../db/client.ts";
import { isUuid } from "../db/ids.ts";
import { NotFoundError, PipebookError } from "../errors.ts";
import { publish } from "../events/bus.ts";
import { actorOf } from "../audit/actor.ts";
import { audit } from "../audit/record.ts";
import { forgetApiKeys, type Principal } from "../auth/principal.ts";
import { USER_SELECT, userView } from "./user-view.ts";

export async function listUsers(db: Db): Promise<UserView[]> {
  const rows = await db.user.findMany({
    orderBy: [{ disabledAt: { sort: "asc", nulls: "first" } }, { createdAt: "asc" }],
    select: USER_SELECT,
  });
  return rows.map(userView);
}

/** A user by id or by email (the CLI names people by email). */
async function findUser(
  db: Tx,
  ref: string,
): Promise<{ id: string; role: string; name: string; disabledAt: Date | null }> {
  const where = ref.includes("@")
    ? { email: ref.trim().toLowerCase() }
    : isUuid(ref)
      ? { id: ref }
      : null;
  const user = where
    ? await db.user.findUnique({
        where,
        select: { id: true, role: true, name: true, disabledAt: true },
      })
    : null;
  if (!user) throw new NotFoundError("user", ref);
  return user;
}

export async function updateUser(
  db: Db,
  principal: Principal,
  ref: string,
  change: z.output<typeof UpdateUserRequestSchema>,
): Promise<UserView> {
  const row = await db.$transaction(async (tx) => {
    // Locks the admins, so two admins demoting each other at once cannot both succeed.
    const admins = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM "User" WHERE role = 'admin' AND "disabledAt" IS NULL FOR UPDATE`;
    const user = await findUser(tx, ref);
    if (change.disabled && user.id === principal.userId) {
      throw new PipebookError("forbidden", "you cannot disable yourself: ask another admin");
    }
    const losesAdmin =
      user.role === "admin" && (change.disabled || (change.role && change.role !== "admin"));
    if (losesAdmin && admins.every((a) => a.id === user.id)) {
      throw new PipebookError(
        "conflict",
        `${user.name} is the last admin: make someone else admin first`,
      );
    }
    const now = new Date();
    if (change.disabled) {
      // A disabled account can do nothing: its keys stop and its browsers are signed out.
      await tx.apiKey.updateMany({
        where: { userId: user.id, revokedAt: null },
        data: { revokedAt: now },
      });
      await tx.session.deleteMany({ where: { userId: user.id } });
    }
    const target = { type: "user", id: user.id, name: user.name } as const;
    const actor = actorOf(principal);
    if (change.role && change.role !== user.role) {
      await audit(tx, actor, "user.role", target, { from: user.role, to: change.role });
    }
    if (change.disabled !== undefined && change.disabled !== (user.disabledAt !== null)) {
      await audit(tx, actor, change.disabled ? "user.disable" : "user.enable", target);
    }
    return tx.user.update({
      where: { id: user.id },
      data: {
        ...(change.role ? { role: change.role } : {}),
        ...(change.disabled !== undefined ? { disabledAt: change.disabled ? now : null } : {}),
      },
      select: USER_SELECT,
    });
  });
  // Verified keys are remembered for a few seconds with their role: forget them everywhere.
  forgetApiKeys();
  publish("key-revoked", row.id);
  return userView(row);
}
