// JSON Pointer (RFC 6901) of a value inside a JSON document: how a result preview names where it
// cut a value, and how the studio's JSON viewer finds that place.

/** The pointer of `key` inside the value at `path` ("" is the whole document). */
export function childPointer(path: string, key: string | number): string {
  return `${path}/${String(key).replace(/~/g, "~0").replace(/\//g, "~1")}`;
}
