// Invitations: an admin invites a person by email with a role; the one-time link (shown once,
// stored hashed) lets them choose a name and password. A link expires, works once, and can be
// revoked while pending.
import type * as z from "zod";
import type {
  AcceptInviteRequestSchema,
  CreateInviteRequestSchema,
  CreateInviteResponse,
  InviteView,
} from "../../contract/api-v1/users.ts";
import type { Role } from "../auth/permissions.ts";
import type { Db } from "../db/client.ts";
import { isUniqueViolation, isUuid } from "../db/ids.ts";
import { NotFoundError, PipebookError } from "../errors.ts";
import { hashPassword } from "../auth/passwords.ts";
import { actorOf } from "../audit/actor.ts";
import { audit } from "../audit/record.ts";
import type { Principal } from "../auth/principal.ts";
import { generateToken, hashSecret } from "../auth/secrets.ts";
import { takenMessage } from "./user-view.ts";

const DAY_MS = 24 * 3600 * 1000;

const SELECT = {
  id: true,
  email: true,
  role: true,
  createdAt: true,
  expiresAt: true,
  acceptedAt: true,
  revokedAt: true,
  createdBy: { select: { name: true } },
} as const;

type Row = {
  id: string;
  email: string;
  role: Role;
  createdAt: Date;
  expiresAt: Date;
  acceptedAt: Date | null;
  revokedAt: Date | null;
  createdBy: { name: string } | null;
};

function stateOf(row: Row, now = new Date()): InviteView["state"] {
  if (row.acceptedAt) return "accepted";
  if (row.revokedAt) return "revoked";
  return row.expiresAt <= now ? "expired" : "pending";
}

function view(row: Row): InviteView {
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    createdBy: row.createdBy?.name ?? null,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    acceptedAt: row.acceptedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
    state: stateOf(row),
  };
}

/** `origin` is where the invitee opens the studio (the request's own origin). */
export async function createInvite(
  db: Db,
  principal: Principal,
  request: z.output<typeof CreateInviteRequestSchema>,
  origin: string,
): Promise<CreateInviteResponse> {
  const { email } = request;
  if (await db.user.findUnique({ where: { email }, select: { id: true } })) {
    throw new PipebookError("conflict", `${email} already has an account`);
  }
  const pending = await db.invite.findFirst({
    where: { email, acceptedAt: null, revokedAt: null, expiresAt: { gt: new Date() } },
    select: { id: true },
  });
  if (pending) {
    throw new PipebookError(
      "conflict",
      `${email} has a pending invitation (${pending.id}): revoke it first to send a new link`,
    );
  }
  const token = generateToken();
  const row = await db.$transaction(async (tx) => {
    const created = await tx.invite.create({
      data: {
        email,
        role: request.role,
        tokenHash: hashSecret(token),
        createdById: principal.userId || null,
        expiresAt: new Date(Date.now() + request.expiresInDays * DAY_MS),
      },
      select: SELECT,
    });
    await audit(
      tx,
      actorOf(principal),
      "user.invite",
      { type: "user", id: created.id, name: email },
      {
        role: request.role,
      },
    );
    return created;
  });
  // The token rides in the fragment, which browsers never send to servers or their logs.
  return { invite: view(row), link: `${origin}/invite#token=${token}` };
}

/** Pending invitations first, then the rest, newest first. */
export async function listInvites(db: Db): Promise<InviteView[]> {
  const rows = await db.invite.findMany({
    orderBy: { createdAt: "desc" },
    take: 200,
    select: SELECT,
  });
  const views = rows.map(view);
  return [
    ...views.filter((v) => v.state === "pending"),
    ...views.filter((v) => v.state !== "pending"),
  ];
}

export async function revokeInvite(db: Db, principal: Principal, id: string): Promise<InviteView> {
  if (!isUuid(id)) throw new NotFoundError("invitation", id);
  const revoked = await db.$transaction(async (tx) => {
    const done = await tx.invite.updateMany({
      where: { id, acceptedAt: null, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    if (done.count) {
      const invite = await tx.invite.findUniqueOrThrow({ where: { id }, select: { email: true } });
      await audit(tx, actorOf(principal), "user.inviteRevoke", {
        type: "user",
        id,
        name: invite.email,
      });
    }
    return done;
  });
  const row = await db.invite.findUnique({ where: { id }, select: SELECT });
  if (!row) throw new NotFoundError("invitation", id);
  if (revoked.count === 0 && row.acceptedAt) {
    throw new PipebookError(
      "invalid_state",
      `the invitation of ${row.email} was accepted already: disable the user instead`,
    );
  }
  return view(row);
}

/** Makes the invited account and uses up the link. */
export async function acceptInvite(
  db: Db,
  request: z.output<typeof AcceptInviteRequestSchema>,
): Promise<{ id: string; name: string }> {
  const passwordHash = await hashPassword(request.password);
  const tokenHash = hashSecret(request.token);
  try {
    return await db.$transaction(async (tx) => {
      const now = new Date();
      const used = await tx.invite.updateMany({
        where: { tokenHash, acceptedAt: null, revokedAt: null, expiresAt: { gt: now } },
        data: { acceptedAt: now },
      });
      const invite = await tx.invite.findUnique({ where: { tokenHash }, select: SELECT });
      if (used.count !== 1 || !invite) throw new PipebookError("forbidden", unusable(invite));
      const user = await tx.user.create({
        data: { email: invite.email, name: request.name, role: invite.role, passwordHash },
        select: { id: true, name: true },
      });
      // The new person made their own account, through the link an admin sent (the invite event).
      await audit(
        tx,
        { userId: user.id, userName: user.name, keyId: null, via: "session" },
        "user.create",
        { type: "user", ...user },
        { role: invite.role, invite: invite.id },
      );
      return user;
    });
  } catch (error) {
    const taken = isUniqueViolation(error) && takenMessage(error, request.name, "this email");
    if (taken) throw new PipebookError("conflict", taken);
    throw error;
  }
}

function unusable(invite: Row | null): string {
  switch (invite ? stateOf(invite) : "unknown") {
    case "accepted":
      return "this invitation was used already: sign in with your email and password";
    case "revoked":
      return "this invitation was revoked: ask an admin for a new one";
    case "expired":
      return `this invitation expired on ${invite!.expiresAt.toISOString().slice(0, 10)}: ask an admin for a new one`;
    default:
      return "this invitation link is not valid (mistyped or cut short): open the whole link you were sent";
  }
}
