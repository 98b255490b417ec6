// What PostgreSQL can store of a JSON document — checked where documents come in, so that a
// bad one is a clear 400 rather than a database error. Iterative, so hostile nesting cannot
// overflow the stack.

export type JsonPath = (string | number)[];

/** Deeper than any real flow file or parameter set; deep enough to stop stack-overflow tricks. */
export const MAX_JSON_DEPTH = 64;

export type StorableProblem = { path: JsonPath; message: string };

/** A quick look for either kind of character below (both are rare: most strings pass here). */
const SUSPECT = /[\u0000\ud800-\udfff]/;
/** Half of a UTF-16 pair without its other half: JSON can spell one ("\ud800"), no text holds it. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** What is wrong with a string PostgreSQL would refuse: a NUL character or a lone surrogate. */
function stringProblem(text: string): string | undefined {
  if (!SUSPECT.test(text)) return undefined;
  if (text.includes("\u0000")) return "holds a NUL character (\\u0000), which cannot be stored";
  if (LONE_SURROGATE.test(text)) {
    return "holds half of a UTF-16 surrogate pair (such as \\ud800) alone, which is no character and cannot be stored";
  }
  return undefined;
}

/**
 * The first character PostgreSQL text cannot hold (NUL, a lone surrogate) or excess nesting.
 */
export function storableProblem(value: unknown): StorableProblem | undefined {
  if (typeof value === "string") {
    const message = stringProblem(value);
    return message ? { path: [], message } : undefined;
  }
  if (value === null || typeof value !== "object") return undefined;
  // Only objects and arrays go on the stack, each with its path: strings and numbers are checked
  // where they are met. (A path per value made 900,000 short-lived arrays for a parameter default
  // of 900,000 numbers, and the garbage collector took most of a second.)
  const stack: { value: object; path: JsonPath }[] = [{ value, path: [] }];
  while (stack.length) {
    const { value: node, path } = stack.pop()!;
    if (path.length >= MAX_JSON_DEPTH) {
      return { path, message: `is nested more than ${MAX_JSON_DEPTH} levels deep` };
    }
    const entries: Iterable<[string | number, unknown]> = Array.isArray(node)
      ? node.entries()
      : Object.entries(node);
    for (const [key, item] of entries) {
      const keyProblem = typeof key === "string" ? stringProblem(key) : undefined;
      if (keyProblem) return { path: [...path, key], message: `has a name that ${keyProblem}` };
      if (typeof item === "string") {
        const message = stringProblem(item);
        if (message) return { path: [...path, key], message };
      } else if (item !== null && typeof item === "object") {
        stack.push({ value: item, path: [...path, key] });
      }
    }
  }
  return undefined;
}

/** What a NUL character becomes in what an agent reports: U+FFFD, the replacement character. */
export const NUL_REPLACEMENT = "\uFFFD";
const UNSTORABLE = new RegExp(`\\u0000|${LONE_SURROGATE.source}`, "g");
const storableText = (text: string) => text.replace(UNSTORABLE, NUL_REPLACEMENT);

/**
 * `value` made storable: NUL characters and lone surrogates (in strings and names) replaced by U+FFFD, and anything
 * nested deeper than MAX_JSON_DEPTH replaced by a note. For what tasks produce — their results,
 * errors and log lines — which must be kept, not refused: a refused report once left its run
 * Running for good. Returns `value` itself when it is storable already (the usual case).
 */
export function storableCopy<T>(value: T): T {
  if (!storableProblem(value)) return value;
  const copy = (item: unknown, depth: number): unknown => {
    if (typeof item === "string") return storableText(item);
    if (item === null || typeof item !== "object") return item;
    if (depth >= MAX_JSON_DEPTH) return `[nested more than ${MAX_JSON_DEPTH} levels deep]`;
    if (Array.isArray(item)) return item.map((v) => copy(v, depth + 1));
    return Object.fromEntries(
      Object.entries(item).map(([k, v]) => [storableText(k), copy(v, depth + 1)]),
    );
  };
  return copy(value, 0) as T;
}
