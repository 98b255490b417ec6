// /api/v1/users, /api/v1/invites, /api/v1/account/password: admins manage people and
// invitations; everyone changes their own password.
import * as z from "zod";
import {
  ChangePasswordRequestSchema,
  ChangePasswordResponseSchema,
  CreateInviteRequestSchema,
  CreateInviteResponseSchema,
  InviteSchema,
  ListInvitesResponseSchema,
  ListUsersResponseSchema,
  UpdateUserRequestSchema,
  UserSchema,
} from "../../../contract/api-v1.ts";
import { changePassword } from "../../accounts/change-password.ts";
import { createInvite, listInvites, revokeInvite } from "../../accounts/invites.ts";
import { listUsers, updateUser } from "../../accounts/users.ts";
import { route } from "../handler.ts";
import { json } from "../respond.ts";

export const getUsers = route(
  {
    access: "admin",
    docs: {
      operationId: "listUsers",
      summary: "List the users: email, name, role, last sign-in, whether disabled",
      tag: "Users",
      responses: { 200: { description: "The users", schema: ListUsersResponseSchema } },
      errors: [],
    },
  },
  async ({ db }) => json(200, { users: await listUsers(db) }),
);

export const patchUser = route(
  {
    access: "admin",
    params: z.object({ id: z.string().describe("The user's id, or email") }),
    body: UpdateUserRequestSchema,
    docs: {
      operationId: "updateUser",
      summary: "Change a user's role, or disable (enable) them",
      description:
        "Disabling revokes the user's API keys and ends their sessions at once. The last admin can be neither demoted nor disabled (409).",
      tag: "Users",
      responses: { 200: { description: "The user", schema: UserSchema } },
      errors: [404, 409],
    },
  },
  async ({ db, principal, params, body }) =>
    json(200, await updateUser(db, principal, params.id, body)),
);

export const getInvites = route(
  {
    access: "admin",
    docs: {
      operationId: "listInvites",
      summary: "List invitations, pending first (never their links)",
      tag: "Users",
      responses: { 200: { description: "The invitations", schema: ListInvitesResponseSchema } },
      errors: [],
    },
  },
  async ({ db }) => json(200, { invites: await listInvites(db) }),
);

export const postInvite = route(
  {
    access: "admin",
    body: CreateInviteRequestSchema,
    docs: {
      operationId: "createInvite",
      summary: "Invite a person by email with a role: answers the one-time link to send them",
      description:
        "The link is in this answer only (stored as a hash); it works once and expires (default 7 days).",
      tag: "Users",
      responses: {
        201: { description: "The invitation and its link", schema: CreateInviteResponseSchema },
      },
      errors: [409],
    },
  },
  async ({ request, db, principal, body }) =>
    json(201, await createInvite(db, principal, body, new URL(request.url).origin)),
);

export const postRevokeInvite = route(
  {
    access: "admin",
    params: z.object({ id: z.string().describe("The invitation's id (from the list)") }),
    docs: {
      operationId: "revokeInvite",
      summary: "Revoke a pending invitation: its link stops working",
      tag: "Users",
      responses: { 200: { description: "The invitation", schema: InviteSchema } },
      errors: [404, 409],
    },
  },
  async ({ db, principal, params }) => json(200, await revokeInvite(db, principal, params.id)),
);

export const postChangePassword = route(
  {
    access: "read",
    body: ChangePasswordRequestSchema,
    docs: {
      operationId: "changePassword",
      summary: "Change your password (needs the current one); signs out your browser sessions",
      tag: "Users",
      responses: { 200: { description: "Changed", schema: ChangePasswordResponseSchema } },
      errors: [],
    },
  },
  async ({ db, principal, body }) => json(200, await changePassword(db, principal, body)),
);
