// The one-time links that make accounts: the first admin's setup link and invitations. Each
// works once, expires, and (invitations) can be revoked; using one signs the browser in.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CreateInviteRequestSchema } from "../../contract/api-v1/users.ts";
import { authRequest, PASSWORD, seedPerson, sessionOf } from "../../test/support/accounts.ts";
import { freshDatabase, serveFrom } from "../../test/support/database.ts";
import { postAcceptInvite, postSetup } from "../api/auth-accounts.ts";
import { bootstrapAuth } from "../auth/bootstrap.ts";
import { authenticateApiKey, authenticateSession } from "../auth/principal.ts";
import { hashSecret } from "../auth/secrets.ts";
import { createInvite, listInvites, revokeInvite } from "./invites.ts";
import { principalOf } from "../../test/support/seed.ts";

const home = () => fs.mkdtempSync(path.join(os.tmpdir(), "pipebook-home-"));
const setup = (body: Record<string, unknown>) => postSetup(...authRequest("/api/auth/setup", body));
const accept = (body: Record<string, unknown>) =>
  postAcceptInvite(...authRequest("/api/auth/invite", body));
const errorOf = async (r: Response) =>
  ((await r.json()) as { error: { message: string } }).error.message;

describe("the first admin, from the setup link", () => {
  const test = freshDatabase();
  serveFrom(test);

  it("works once, makes the admin key file's user that person, and signs them in", async () => {
    const dir = home();
    const first = await bootstrapAuth(test.handle, { home: dir });
    const key = fs.readFileSync(first.createdKeyFile!, "utf8").trim();
    const person = { email: " Ann@Example.ORG ", name: "Ann", password: PASSWORD };
    const short = await setup({ token: first.setupToken, ...person, password: "too short" });
    expect(short.status).toBe(400);
    expect(await errorOf(short)).toContain("the password must be at least 12 characters");

    const made = await setup({ token: first.setupToken, ...person });
    expect(made.status).toBe(201);
    const principal = await authenticateSession(test.db, sessionOf(made)!);
    expect(principal).toMatchObject({ userName: "Ann", role: "admin", via: "session" });
    // The CLI's key on this machine now acts as Ann: one admin, not an anonymous "admin" too.
    expect(await authenticateApiKey(test.db, key)).toMatchObject({ userName: "Ann" });
    expect(await test.db.user.findUnique({ where: { email: "ann@example.org" } })).toMatchObject({
      role: "admin",
    });
    // The audit log names Ann as the one who made her account, from the setup link.
    expect(
      await test.db.auditEvent.findMany({
        where: { action: "user.create", targetName: "Ann" },
        select: { actorName: true, via: true, details: true },
      }),
    ).toEqual([{ actorName: "Ann", via: "session", details: { role: "admin", setup: true } }]);

    const again = await setup({ token: first.setupToken, ...person, email: "bob@example.org" });
    expect(again.status).toBe(403);
    expect(await errorOf(again)).toContain("this setup link was used already or has expired");
    // Once an admin has a password, starts print no link.
    expect((await bootstrapAuth(test.handle, { home: dir })).setupToken).toBeUndefined();
  });
});

describe("an expired setup link", () => {
  const test = freshDatabase();
  serveFrom(test);

  it("is refused, and a restart makes a fresh one that works", async () => {
    const dir = home();
    const { setupToken } = await bootstrapAuth(test.handle, { home: dir });
    await test.db.setupToken.update({
      where: { tokenHash: hashSecret(setupToken!) },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const person = { email: "cy@example.org", name: "Cy", password: PASSWORD };
    const late = await setup({ token: setupToken, ...person });
    expect(late.status).toBe(403);
    expect(await errorOf(late)).toContain("restart the server: it prints a fresh link");
    const fresh = await bootstrapAuth(test.handle, { home: dir });
    expect((await setup({ token: fresh.setupToken, ...person })).status).toBe(201);
  });
});

describe("invitations", () => {
  const test = freshDatabase();
  serveFrom(test);
  const invite = async (email: string, role: "viewer" | "editor" = "viewer") => {
    const admin = await seedPerson(test.db, "admin");
    const made = await createInvite(
      test.db,
      principalOf("admin", admin),
      CreateInviteRequestSchema.parse({ email, role }),
      "http://studio.example:4200",
    );
    return { ...made, token: made.link.split("#token=")[1]! };
  };

  it("a link makes the account with the invited role, signs it in, and works once", async () => {
    const { link, token, invite: made } = await invite("dee@example.org", "editor");
    expect(link).toMatch(/^http:\/\/studio\.example:4200\/invite#token=[A-Za-z0-9_-]{43}$/);
    expect(made).toMatchObject({ email: "dee@example.org", role: "editor", state: "pending" });
    const joined = await accept({ token, name: "Dee", password: PASSWORD });
    expect(joined.status).toBe(201);
    expect(await authenticateSession(test.db, sessionOf(joined)!)).toMatchObject({
      userName: "Dee",
      role: "editor",
    });
    const events = await test.db.auditEvent.findMany({
      where: { targetName: { in: ["dee@example.org", "Dee"] } },
      orderBy: { id: "asc" },
      select: { action: true, actorName: true },
    });
    expect(events.map((e) => e.action)).toEqual(["user.invite", "user.create"]);
    expect(events[1]!.actorName).toBe("Dee");
    const twice = await accept({ token, name: "Dee 2", password: PASSWORD });
    expect(twice.status).toBe(403);
    expect(await errorOf(twice)).toBe(
      "this invitation was used already: sign in with your email and password",
    );
    expect((await listInvites(test.db)).find((i) => i.id === made.id)?.state).toBe("accepted");
  });

  it("an expired or revoked link is refused, saying so; a bad one too", async () => {
    const expired = await invite("eve@example.org");
    await test.db.invite.update({
      where: { id: expired.invite.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const late = await accept({ token: expired.token, name: "Eve", password: PASSWORD });
    expect(late.status).toBe(403);
    expect(await errorOf(late)).toMatch(
      /^this invitation expired on \d{4}-\d\d-\d\d: ask an admin/,
    );

    const revoked = await invite("fay@example.org");
    expect(
      (
        await revokeInvite(
          test.db,
          principalOf("admin", await seedPerson(test.db, "admin")),
          revoked.invite.id,
        )
      ).state,
    ).toBe("revoked");
    const refused = await accept({ token: revoked.token, name: "Fay", password: PASSWORD });
    expect(await errorOf(refused)).toBe("this invitation was revoked: ask an admin for a new one");
    expect(await test.db.user.count({ where: { email: "fay@example.org" } })).toBe(0);

    const bad = await accept({ token: "nonsense", name: "X", password: PASSWORD });
    expect(await errorOf(bad)).toContain("this invitation link is not valid");
  });

  it("refuses a second pending invitation or one for an existing account, and a taken name", async () => {
    const first = await invite("gus@example.org");
    await expect(invite("GUS@example.org")).rejects.toThrow(
      `gus@example.org has a pending invitation (${first.invite.id}): revoke it first`,
    );
    const taken = await seedPerson(test.db);
    const clash = await accept({ token: first.token, name: taken.name, password: PASSWORD });
    expect(clash.status).toBe(409);
    expect(await errorOf(clash)).toBe(`the name "${taken.name}" is taken: choose another`);
    // The failed attempt did not use the link up.
    expect((await accept({ token: first.token, name: "Gus", password: PASSWORD })).status).toBe(
      201,
    );
    await expect(invite("gus@example.org")).rejects.toThrow(
      "gus@example.org already has an account",
    );
  });
});
