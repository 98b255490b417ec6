// Who is signed in to the studio, for server components: the session cookie checked against the
// database (server/auth does the checking; this only reads the cookie).
import { cookies } from "next/headers";
import { authenticateSession, SESSION_COOKIE, type Principal } from "@/server/auth/principal";
import { getDb } from "@/server/db/client";

export async function currentPrincipal(): Promise<Principal | null> {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  if (!token) return null;
  return authenticateSession(await getDb(), token);
}
