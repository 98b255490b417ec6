// The studio's account forms post to /api/auth/… (sign-in, setup, invitation), which answer with
// a session cookie; this returns the server's message when they refuse.
export async function postAuth(path: string, body: unknown): Promise<string | null> {
  const response = await fetch(path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (response.ok) return null;
  const answer = (await response.json().catch(() => null)) as {
    error?: { message?: string };
  } | null;
  return answer?.error?.message ?? `the server refused (HTTP ${response.status})`;
}

/** The secret of a one-time link (#token=…): in the fragment, which never reaches a server log. */
export function tokenFromFragment(): string {
  return new URLSearchParams(window.location.hash.slice(1)).get("token") ?? "";
}
