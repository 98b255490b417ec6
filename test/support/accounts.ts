// People with passwords for tests of accounts, made as the services would store them.
import crypto from "node:crypto";
import type { Role } from "../../server/auth/permissions.ts";
import { hashPassword } from "../../server/auth/passwords.ts";
import type { Db } from "../../server/db/client.ts";

export const PASSWORD = "a long enough password";

export async function seedPerson(db: Db, role: Role = "viewer", password = PASSWORD) {
  const tag = crypto.randomBytes(4).toString("hex");
  return db.user.create({
    data: {
      name: `${role}-${tag}`,
      email: `${role}-${tag}@example.org`,
      role,
      passwordHash: await hashPassword(password),
    },
    select: { id: true, name: true, email: true, role: true },
  });
}

/** The pipebook_session cookie of a sign-in answer. */
export function sessionOf(response: Response): string | undefined {
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith("pipebook_session="));
  return cookie ? decodeURIComponent(cookie.split(";")[0]!.split("=")[1]!) : undefined;
}

/** A POST to one of the studio's /api/auth route handlers, from a client address. */
export function authRequest(
  path: string,
  body: unknown,
  options: { address?: string; url?: string; headers?: Record<string, string> } = {},
): [Request, { params: Promise<Record<string, string>> }] {
  return [
    new Request(`${options.url ?? "http://127.0.0.1"}${path}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-pipebook-client-address": options.address ?? "10.9.9.9",
        ...options.headers,
      },
      body: JSON.stringify(body),
    }),
    { params: Promise.resolve({}) },
  ];
}
