// Passwords: hashed with scrypt (memory-hard, in Node itself), a random salt per user, and the
// cost parameters stored in the hash so that they can be raised later without breaking old ones.
import crypto from "node:crypto";
import { promisify } from "node:util";
import { MAX_PASSWORD_LENGTH } from "../../contract/api-v1/users.ts";

const scrypt = promisify(crypto.scrypt) as (
  password: string,
  salt: Buffer,
  length: number,
  options: crypto.ScryptOptions,
) => Promise<Buffer>;

// N=2^15, r=8, p=1: 32 MiB of memory per hash (twice Node's default N), ~100 ms on the 2-core
// build machine when idle (236 ms measured under a load of 5). Sign-in is rate-limited
// (./rate-limit.ts), so an attacker cannot make the server hash without end.
const COST = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_BYTES = 32;
const SALT_BYTES = 16;

function maxmem(cost: { N: number; r: number }): number {
  return 128 * cost.N * cost.r * 2;
}

/** `scrypt$N$r$p$salt$hash` (salt and hash base64url). */
export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.randomBytes(SALT_BYTES);
  const hash = await scrypt(password, salt, KEY_BYTES, { ...COST, maxmem: maxmem(COST) });
  return [
    "scrypt",
    COST.N,
    COST.r,
    COST.p,
    salt.toString("base64url"),
    hash.toString("base64url"),
  ].join("$");
}

/** Whether the password matches the stored hash (compared in constant time). */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split("$");
  if (scheme !== "scrypt" || !salt || !hash) return false;
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  if (![cost.N, cost.r, cost.p].every((v) => Number.isSafeInteger(v) && v > 0)) return false;
  const expected = Buffer.from(hash, "base64url");
  const actual = await scrypt(
    password.slice(0, MAX_PASSWORD_LENGTH),
    Buffer.from(salt, "base64url"),
    expected.length,
    {
      ...cost,
      maxmem: maxmem(cost),
    },
  );
  return crypto.timingSafeEqual(actual, expected);
}

// A sign-in for an unknown email verifies against this, so that it takes as long as a real one
// and the time of the answer does not tell which emails have accounts.
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(crypto.randomBytes(16).toString("hex"));
  return decoy;
}
