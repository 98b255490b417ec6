// How a user is shown by the API and the studio (never the password's hash).
import type { UserView } from "../../contract/api-v1/users.ts";
import type { Role } from "../auth/permissions.ts";

export const USER_SELECT = {
  id: true,
  name: true,
  email: true,
  role: true,
  passwordHash: true,
  disabledAt: true,
  createdAt: true,
  lastSignInAt: true,
} as const;

export type UserRow = {
  id: string;
  name: string;
  email: string | null;
  role: Role;
  passwordHash: string | null;
  disabledAt: Date | null;
  createdAt: Date;
  lastSignInAt: Date | null;
};

export function userView(row: UserRow): UserView {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    role: row.role,
    hasPassword: row.passwordHash !== null,
    disabled: row.disabledAt !== null,
    createdAt: row.createdAt.toISOString(),
    lastSignInAt: row.lastSignInAt?.toISOString() ?? null,
  };
}

/** The clear message for a new account whose name or email is taken (a unique violation). */
export function takenMessage(error: unknown, name: string, email: string): string | null {
  const target = (error as { meta?: { target?: unknown; driverAdapterError?: unknown } }).meta;
  const text = JSON.stringify(target ?? "");
  if (text.includes("email")) return `${email} already has an account: sign in instead`;
  if (text.includes("name")) return `the name "${name}" is taken: choose another`;
  return null;
}
