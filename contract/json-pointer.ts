// JSON Pointer (RFC 6901) of a value inside a JSON document: how a result preview names where it
// cut a value, and how the studio's JSON viewer finds that place.

/** The pointer of `key` inside the value at `path` ("" is the whole document). */
export function childPointer(path: string, key: string | number): string {
  return `${path}/${String(key).replace(/~/g, "~0").replace(/\//g, "~1")}`;
}

/** The unescaped reference tokens of a pointer, or null when it is not one ("" or "/…"). */
export function pointerTokens(pointer: string): string[] | null {
  if (pointer === "") return [];
  if (!pointer.startsWith("/")) return null;
  return pointer
    .slice(1)
    .split("/")
    .map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"));
}

export type Resolved = { found: true; value: unknown } | { found: false; missing: string };

/**
 * The value at `pointer` inside `document`, or where the path stopped finding one (`missing`:
 * the pointer up to the first token that is not there). Array indexes are decimal, no "-".
 */
export function resolvePointer(document: unknown, pointer: string): Resolved {
  const tokens = pointerTokens(pointer);
  if (tokens === null) return { found: false, missing: pointer };
  let at: unknown = document;
  let path = "";
  for (const token of tokens) {
    path = childPointer(path, token);
    if (Array.isArray(at)) {
      if (!/^(0|[1-9]\d*)$/.test(token) || Number(token) >= at.length) {
        return { found: false, missing: path };
      }
      at = at[Number(token)];
    } else if (at !== null && typeof at === "object" && Object.hasOwn(at, token)) {
      at = (at as Record<string, unknown>)[token];
    } else {
      return { found: false, missing: path };
    }
  }
  return { found: true, value: at };
}
