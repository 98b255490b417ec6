// Who may do what: four roles, each including the ones below it, and what each call needs. The
// server enforces it (server/auth/permissions.ts); the studio reads the same table to hide the
// controls a person may not use.

/** Lowest first: a role may do everything the roles before it may. */
export const ROLES = ["viewer", "operator", "editor", "admin"] as const;
export type Role = (typeof ROLES)[number];

/**
 * What a call needs:
 * - `read`: see flows, runs, logs, queues, agents; manage one's own API keys (viewer and up);
 * - `operate`: trigger, cancel and replay runs, pause and resume queues (operator and up);
 * - `edit`: change flows and deployments, run cells in the editor (editor and up);
 * - `admin`: users, agent keys, everyone's keys, settings (admin).
 */
export const PERMISSIONS = ["read", "operate", "edit", "admin"] as const;
export type Permission = (typeof PERMISSIONS)[number];

const LEAST_ROLE: Record<Permission, Role> = {
  read: "viewer",
  operate: "operator",
  edit: "editor",
  admin: "admin",
};

export function roleRank(role: Role): number {
  return ROLES.indexOf(role);
}

/** The lower of two roles: a key acts with its user's role or its own, whichever is less. */
export function lesserRole(a: Role, b: Role | null | undefined): Role {
  return b && roleRank(b) < roleRank(a) ? b : a;
}

export function hasPermission(role: Role, permission: Permission): boolean {
  return roleRank(role) >= roleRank(LEAST_ROLE[permission]);
}

/** The least role that has a permission (for messages and the studio's hints). */
export function leastRoleFor(permission: Permission): Role {
  return LEAST_ROLE[permission];
}
