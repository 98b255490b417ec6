// /api/v1 shapes of accounts: users, invitations, passwords. The studio's forms validate with the
// same schemas, so a rule (the password's length, an email's shape) is written once.
import * as z from "zod";
import { RoleSchema } from "./api-keys.ts";
import { isoTime } from "./common.ts";

export const MIN_PASSWORD_LENGTH = 12;
// scrypt takes any length; a cap keeps a megabyte "password" from being a cheap way to make the
// server work.
export const MAX_PASSWORD_LENGTH = 256;

/** Compared and stored lower-cased and trimmed: "Ann@Example.org " is ann@example.org. */
export const EmailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, "an email address has at most 254 characters")
  .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, "an email address looks like name@example.org");

export const PasswordSchema = z
  .string()
  .min(
    MIN_PASSWORD_LENGTH,
    `the password must be at least ${MIN_PASSWORD_LENGTH} characters; a few unrelated words make a good one`,
  )
  .max(MAX_PASSWORD_LENGTH, `the password may have at most ${MAX_PASSWORD_LENGTH} characters`);

export const PersonNameSchema = z
  .string()
  .trim()
  .min(1, "give your name (how others see you in histories)")
  .max(100, "a name has at most 100 characters");

export const UserSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    /** null for users made before accounts (and the automation admin): they use API keys. */
    email: z.string().nullable(),
    role: RoleSchema,
    hasPassword: z.boolean(),
    disabled: z.boolean(),
    createdAt: isoTime,
    lastSignInAt: isoTime.nullable(),
  })
  .meta({ id: "User" });
export type UserView = z.infer<typeof UserSchema>;

export const ListUsersResponseSchema = z.object({ users: z.array(UserSchema) });

export const UpdateUserRequestSchema = z
  .strictObject({
    role: RoleSchema.optional(),
    disabled: z
      .boolean()
      .optional()
      .describe("true: the user can do nothing more (keys revoked, sessions ended)"),
  })
  .refine((v) => v.role !== undefined || v.disabled !== undefined, {
    message: "give a role or disabled",
  });

export const InviteSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    role: RoleSchema,
    createdBy: z.string().nullable(),
    createdAt: isoTime,
    expiresAt: isoTime,
    acceptedAt: isoTime.nullable(),
    revokedAt: isoTime.nullable(),
    state: z.enum(["pending", "accepted", "expired", "revoked"]),
  })
  .meta({ id: "Invite" });
export type InviteView = z.infer<typeof InviteSchema>;

export const ListInvitesResponseSchema = z.object({ invites: z.array(InviteSchema) });

export const MAX_INVITE_DAYS = 30;

export const CreateInviteRequestSchema = z.strictObject({
  email: EmailSchema,
  role: RoleSchema.default("viewer"),
  expiresInDays: z
    .int()
    .min(1)
    .max(MAX_INVITE_DAYS)
    .default(7)
    .describe("the link stops working after this many days (default 7)"),
});

export const CreateInviteResponseSchema = z.object({
  invite: InviteSchema,
  /** The one-time link to send the person: shown only in this answer. */
  link: z.string(),
});
export type CreateInviteResponse = z.infer<typeof CreateInviteResponseSchema>;

export const ChangePasswordRequestSchema = z.strictObject({
  currentPassword: z.string().min(1, "give your current password").max(MAX_PASSWORD_LENGTH),
  newPassword: PasswordSchema,
});

export const ChangePasswordResponseSchema = z.object({
  changed: z.literal(true),
  /** How many of your other browser sessions were signed out. */
  endedSessions: z.number(),
});

/** The studio's forms that make an account: first admin (setup) and invitation. */
export const SetupRequestSchema = z.strictObject({
  token: z
    .string()
    .min(1, "the setup link is incomplete: open the whole link the server printed")
    .max(200),
  email: EmailSchema,
  name: PersonNameSchema,
  password: PasswordSchema,
});
export const AcceptInviteRequestSchema = z.strictObject({
  token: z.string().min(1, "the invitation link is incomplete: open the whole link").max(200),
  name: PersonNameSchema,
  password: PasswordSchema,
});
export const PasswordSignInRequestSchema = z.strictObject({
  email: EmailSchema,
  password: z.string().min(1, "give your password").max(MAX_PASSWORD_LENGTH),
});
