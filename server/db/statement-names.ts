// Named (prepared) statements on PostgreSQL. Prisma's pg adapter sends every statement unnamed,
// so PostgreSQL parses and plans each one anew: in the load bench's statement log, parsing
// (0.6 ms) and binding (0.8 ms) took more than executing (0.6 ms) — docs/benchmarks.md. A
// named statement is parsed once per connection and its plan can be reused. The name is a hash of
// the SQL text: node-postgres refuses a name reused for another text, and the same text on
// every replica gets the same name. The embedded PGlite prepares statements by the same rule
// (pglite-prepared.ts).
//
// Not named, so they stay as today: statements without parameters (node-postgres then uses the
// simple protocol, which also runs several statements in one text), and statements with many
// parameters — Prisma writes a list filter as one placeholder per value, and each length would be
// another statement kept by every connection for its whole life.
import crypto from "node:crypto";

export const MAX_NAMED_STATEMENT_PARAMETERS = 32;

// Every statement is named on every call: the hash is kept per text rather than computed each
// time (SHA-1 was 1.1 % of the PGlite server's busy time under the load bench). Bounded like the
// texts themselves: cleared when full.
const names = new Map<string, string>();
const MAX_KEPT_NAMES = 2_000;

/** The name to prepare `query` under, or "" (unnamed) — see above. */
export function statementName(query: { sql: string; args: readonly unknown[] }): string {
  if (query.args.length === 0 || query.args.length > MAX_NAMED_STATEMENT_PARAMETERS) return "";
  let name = names.get(query.sql);
  if (name === undefined) {
    if (names.size >= MAX_KEPT_NAMES) names.clear();
    name = `pb_${crypto.createHash("sha1").update(query.sql).digest("base64url")}`;
    names.set(query.sql, name);
  }
  return name;
}
