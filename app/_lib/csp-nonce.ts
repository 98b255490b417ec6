// The nonce of this response's Content-Security-Policy (server/boot/security-headers.mjs): the
// launcher puts the policy on the request too, and inline scripts we write ourselves carry it.
import { headers } from "next/headers";

export async function cspNonce(): Promise<string | undefined> {
  const policy = (await headers()).get("content-security-policy") ?? "";
  return /'nonce-([^']+)'/.exec(policy)?.[1];
}
