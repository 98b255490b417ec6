// `pipebook user ls|invite|role|disable|enable` (admins): the people of a server. An invitation
// prints its one-time link, to send to the person.
import {
  CreateInviteResponseSchema,
  ListUsersResponseSchema,
  MAX_INVITE_DAYS,
  RoleSchema,
  UserSchema,
} from "../../contract/api-v1.ts";
import type { ApiClient } from "../api-client.ts";
import { defineCommand } from "../command.ts";
import { CliError, clock, say, sayJson, warn } from "../output.ts";
import { table } from "../table.ts";

function role(value: string | undefined, what: string) {
  const parsed = RoleSchema.safeParse(value);
  if (!parsed.success) {
    throw new CliError(`${what} must be one of viewer, operator, editor, admin (got "${value}")`);
  }
  return parsed.data;
}

export const userLsCommand = defineCommand({
  name: "user ls",
  aliases: ["users", "user list"],
  operands: "",
  arity: { min: 0, max: 0 },
  summary: "list the users: email, name, role, last sign-in (admins)",
  help: `Lists the server's users with their email, name, role, last sign-in and whether they are
disabled. Users without an email sign in with API keys only.`,
  options: {},
  async run({ api, values }) {
    const result = await api().request("/api/v1/users", ListUsersResponseSchema);
    if (!result.ok) throw new CliError(`could not list the users: ${result.error}`);
    if (values.json) return sayJson(result.data);
    say(
      table(
        ["EMAIL", "NAME", "ROLE", "LAST SIGN-IN", "STATE", "ID"],
        result.data.users.map((u) => [
          u.email ?? "(API keys only)",
          u.name,
          u.role,
          u.lastSignInAt ? clock(u.lastSignInAt) : "never",
          u.disabled ? "disabled" : "active",
          u.id,
        ]),
      ),
    );
  },
});

export const userInviteCommand = defineCommand({
  name: "user invite",
  operands: "EMAIL",
  arity: { min: 1, max: 1 },
  summary: "invite a person: prints a one-time link to send them (admins)",
  help: `Invites EMAIL with a role and prints the one-time link that lets them choose a name and password.
The link is shown only now, works once, and expires (default 7 days); revoke it in the studio's
Users page.

Options:
  --role ROLE          viewer (default) | operator | editor | admin
  --expires-in DAYS    the link stops working after DAYS days (1 to ${MAX_INVITE_DAYS}; default 7)`,
  options: { role: { type: "string", default: "viewer" }, "expires-in": { type: "string" } },
  async run({ api, values, positionals }) {
    const days = values["expires-in"];
    if (days !== undefined && !/^\d{1,2}$/.test(days)) {
      throw new CliError(
        `--expires-in must be a whole number of days, 1 to ${MAX_INVITE_DAYS} (got "${days}")`,
      );
    }
    const result = await api().post("/api/v1/invites", CreateInviteResponseSchema, {
      email: positionals[0]!,
      role: role(values.role, "--role"),
      ...(days ? { expiresInDays: Number(days) } : {}),
    });
    if (!result.ok) throw new CliError(`could not invite ${positionals[0]}: ${result.error}`);
    if (values.json) return sayJson(result.data);
    say(result.data.link);
    const { invite } = result.data;
    warn(
      `Invited ${invite.email} as ${invite.role}; the link works once, until ${clock(invite.expiresAt)}. Send it to them privately: it is shown only now.`,
    );
  },
});

async function updateUser(api: ApiClient, who: string, change: Record<string, unknown>) {
  const result = await api.request(`/api/v1/users/${encodeURIComponent(who)}`, UserSchema, {
    method: "PATCH",
    body: JSON.stringify(change),
  });
  if (!result.ok) throw new CliError(`could not change ${who}: ${result.error}`);
  return result.data;
}

export const userRoleCommand = defineCommand({
  name: "user role",
  operands: "USER ROLE",
  arity: { min: 2, max: 2 },
  summary: "change a user's role (by email or id; admins)",
  help: `Gives USER (an email or an id from pipebook user ls) the role ROLE: viewer, operator, editor or
admin. The last admin cannot be demoted.`,
  options: {},
  async run({ api, values, positionals }) {
    const user = await updateUser(api(), positionals[0]!, { role: role(positionals[1], "ROLE") });
    if (values.json) return sayJson(user);
    say(`${user.name} is now ${user.role}`);
  },
});

export const userDisableCommand = defineCommand({
  name: "user disable",
  operands: "USER",
  arity: { min: 1, max: 1 },
  summary: "disable a user: their keys stop and their sessions end (admins)",
  help: `Disables USER (an email or an id): their API keys are revoked and their browser sessions end at
once; they cannot sign in. Their flows and runs stay. \`pipebook user enable USER\` lets them sign
in again (with new keys).`,
  options: {},
  async run({ api, values, positionals }) {
    const user = await updateUser(api(), positionals[0]!, { disabled: true });
    if (values.json) return sayJson(user);
    say(`Disabled ${user.name}`);
  },
});

export const userEnableCommand = defineCommand({
  name: "user enable",
  operands: "USER",
  arity: { min: 1, max: 1 },
  summary: "enable a disabled user again (admins)",
  help: `Lets USER (an email or an id) sign in again. Their old API keys stay revoked.`,
  options: {},
  async run({ api, values, positionals }) {
    const user = await updateUser(api(), positionals[0]!, { disabled: false });
    if (values.json) return sayJson(user);
    say(`Enabled ${user.name}`);
  },
});
