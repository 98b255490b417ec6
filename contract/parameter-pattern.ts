// The `pattern` of a parameter schema is written by whoever saves the flow and matched against
// every run's values, on the server and in the studio's run form: untrusted on both counts. A
// backtracking engine (JavaScript's RegExp) takes exponential time on patterns such as
// `^(a+)+$` — 30 characters of "a" and a "!" froze the server for seconds, 40 for hours. So
// patterns run on RE2 (re2js: a pure-JavaScript port, the same code in Node and the browser),
// which matches in time linear in the value: measured here, `^(a+)+$` against 40 "a" and a "!"
// in ~2 ms, against 1 MB in ~60 ms and 10 MB in ~0.4 s (as long as parsing such a body).
//
// RE2 has no look-around and no back-references (they are what needs backtracking): a pattern
// using them is refused when the flow is saved, with RE2's reason. Its other syntax is
// JavaScript's (named groups, \d, \w, \s, \u escapes are translated).
import type { CodeOptions } from "ajv";
import { RE2JS } from "re2js";

/** Longest pattern taken: compiling one of 1,000 characters takes ~1–15 ms here. */
export const MAX_PATTERN_LENGTH = 1_000;
/** Longest all of a schema's patterns together, so a save compiles for ~150 ms at most. */
export const MAX_PATTERNS_LENGTH = 10_000;

export const PATTERN_SYNTAX_HINT =
  "patterns run on RE2, which matches in linear time: no look-ahead, look-behind or back-references";

type Compiled = { test(value: string): boolean };
type RegExpEngine = NonNullable<CodeOptions["regExp"]>;

// Schemas are compiled again for defaults and enums, and per cached validator: keep the last few.
const cache = new Map<string, Compiled | Error>();

function compile(pattern: string): Compiled | Error {
  let compiled = cache.get(pattern);
  if (compiled) return compiled;
  if (pattern.length > MAX_PATTERN_LENGTH) {
    compiled = new Error(`is longer than ${MAX_PATTERN_LENGTH} characters`);
  } else {
    try {
      const re = RE2JS.compile(RE2JS.translateRegExp(pattern));
      compiled = { test: (value) => re.test(value) };
    } catch (error) {
      compiled = new Error(`cannot be used: ${(error as Error).message}; ${PATTERN_SYNTAX_HINT}`);
    }
  }
  if (cache.size >= 500) cache.delete(cache.keys().next().value!);
  cache.set(pattern, compiled);
  return compiled;
}

/** Why `pattern` cannot be used (to follow "the pattern …"), or null when it can. */
export function patternProblem(pattern: string): string | null {
  const compiled = compile(pattern);
  return compiled instanceof Error ? compiled.message : null;
}

/**
 * Ajv's `code.regExp`: every `pattern` Ajv checks goes through RE2. A pattern that does not
 * compile throws, as RegExp would (checkParameterSchema refuses such flows before Ajv sees them).
 */
export const linearRegExp: RegExpEngine = Object.assign(
  (pattern: string) => {
    const compiled = compile(pattern);
    if (compiled instanceof Error) {
      throw new Error(`pattern ${JSON.stringify(pattern)} ${compiled.message}`);
    }
    // Ajv keys its compiled patterns by toString(): one per pattern, or they would be mixed up.
    return { test: compiled.test, toString: () => `re2:${pattern}` };
  },
  // Only used by Ajv's standalone code generation, which Pipebook does not use.
  { code: "linearRegExp" },
);
