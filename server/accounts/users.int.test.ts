// Admins changing people (roles, disabling) and people changing their password: the rules that
// keep a server reachable (its last admin) and end what a change should end.
import { describe, expect, it } from "vitest";
import { authRequest, PASSWORD, seedPerson, sessionOf } from "../../test/support/accounts.ts";
import { freshDatabase, serveFrom } from "../../test/support/database.ts";
import { principalOf } from "../../test/support/seed.ts";
import { postSession } from "../api/auth-session.ts";
import { authenticateApiKey, authenticateSession } from "../auth/principal.ts";
import { resetRateLimits } from "../auth/rate-limit.ts";
import { generateApiKey, hashSecret, keyPrefix } from "../auth/secrets.ts";
import { changePassword } from "./change-password.ts";
import { listUsers, updateUser } from "./users.ts";

const test = freshDatabase();
serveFrom(test);

async function signIn(email: string, password = PASSWORD) {
  const response = await postSession(...authRequest("/api/auth/session", { email, password }));
  return { status: response.status, token: sessionOf(response) };
}

describe("roles and disabling", () => {
  it("the last admin can be neither demoted nor disabled; with a second admin, yes", async () => {
    // Earlier tests' admins would count: this file's database starts with none of its own.
    await test.db.user.updateMany({ where: { role: "admin" }, data: { role: "viewer" } });
    const ann = await seedPerson(test.db, "admin");
    const asAnn = principalOf("admin", ann);
    await expect(updateUser(test.db, asAnn, ann.id, { role: "editor" })).rejects.toThrow(
      `${ann.name} is the last admin: make someone else admin first`,
    );
    const bob = await seedPerson(test.db, "viewer");
    await expect(
      updateUser(test.db, principalOf("admin", bob), ann.id, { disabled: true }),
    ).rejects.toThrow("is the last admin");
    await expect(updateUser(test.db, asAnn, ann.id, { disabled: true })).rejects.toThrow(
      "you cannot disable yourself",
    );
    expect(await updateUser(test.db, asAnn, bob.email!, { role: "admin" })).toMatchObject({
      role: "admin",
    });
    expect(await updateUser(test.db, asAnn, ann.id, { role: "editor" })).toMatchObject({
      role: "editor",
    });
    await expect(
      updateUser(test.db, asAnn, "nobody@example.org", { role: "viewer" }),
    ).rejects.toThrow('user "nobody@example.org" was not found');
  });

  it("a role change applies to the user's open sessions at once", async () => {
    const admin = await seedPerson(test.db, "admin");
    const cy = await seedPerson(test.db, "editor");
    const { token } = await signIn(cy.email!);
    expect((await authenticateSession(test.db, token!))?.role).toBe("editor");
    await updateUser(test.db, principalOf("admin", admin), cy.id, { role: "viewer" });
    expect((await authenticateSession(test.db, token!))?.role).toBe("viewer");
  });

  it("disabling ends the user's sessions and keys, and they cannot sign in", async () => {
    const admin = await seedPerson(test.db, "admin");
    const dee = await seedPerson(test.db, "editor");
    const { token } = await signIn(dee.email!);
    const key = generateApiKey();
    await test.db.apiKey.create({
      data: { name: "dee", prefix: keyPrefix(key), hash: hashSecret(key), userId: dee.id },
    });
    expect(await authenticateApiKey(test.db, key)).not.toBeNull();
    const view = await updateUser(test.db, principalOf("admin", admin), dee.id, { disabled: true });
    expect(view).toMatchObject({ disabled: true, email: dee.email, hasPassword: true });
    expect(await authenticateSession(test.db, token!)).toBeNull();
    expect(await authenticateApiKey(test.db, key)).toBeNull();
    expect((await signIn(dee.email!)).status).toBe(403);
    expect((await listUsers(test.db)).find((u) => u.id === dee.id)?.disabled).toBe(true);
  });
});

describe("changing one's password", () => {
  it("needs the current password, ends the other sessions and keeps this one", async () => {
    resetRateLimits();
    const eve = await seedPerson(test.db, "viewer");
    const here = await signIn(eve.email!);
    const elsewhere = await signIn(eve.email!);
    const session = (await authenticateSession(test.db, here.token!))!;
    const newPassword = "another long password";
    await expect(
      changePassword(test.db, session, { currentPassword: "not the password", newPassword }),
    ).rejects.toThrow("the current password is wrong");
    expect(
      await changePassword(test.db, session, { currentPassword: PASSWORD, newPassword }),
    ).toEqual({ changed: true, endedSessions: 1 });
    expect(await authenticateSession(test.db, here.token!)).not.toBeNull();
    expect(await authenticateSession(test.db, elsewhere.token!)).toBeNull();
    expect((await signIn(eve.email!)).status).toBe(401);
    expect((await signIn(eve.email!, newPassword)).status).toBe(200);
  });
});
