// /api/auth/setup and /api/auth/invite: making an account from a one-time link (the first admin,
// or an invited person) and signing its browser in. Public: the link's token is the credential.
import { AcceptInviteRequestSchema, SetupRequestSchema } from "../../contract/api-v1/users.ts";
import { acceptInvite } from "../accounts/invites.ts";
import { completeSetup } from "../accounts/setup.ts";
import { createSession } from "../auth/sessions.ts";
import { route } from "./handler.ts";
import { refuseFormPosts, signedIn } from "./session-cookie.ts";

const postSetupEndpoint = route(
  { access: "public", body: SetupRequestSchema },
  async ({ request, db, body }) => {
    refuseFormPosts(request);
    return signedIn(request, await createSession(db, await completeSetup(db, body)), 201);
  },
);

const postAcceptInviteEndpoint = route(
  { access: "public", body: AcceptInviteRequestSchema },
  async ({ request, db, body }) => {
    refuseFormPosts(request);
    return signedIn(request, await createSession(db, await acceptInvite(db, body)), 201);
  },
);

// Next.js route handlers (app/api/auth/…/route.ts): not part of the /api/v1 table.
export const postSetup = postSetupEndpoint.handle;
export const postAcceptInvite = postAcceptInviteEndpoint.handle;
