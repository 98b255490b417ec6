// What PostgreSQL can store of a JSON document — checked where documents come in, so that a
// bad one is a clear 400 rather than a database error. Iterative, so hostile nesting cannot
// overflow the stack.

export type JsonPath = (string | number)[];

/** Deeper than any real flow file or parameter set; deep enough to stop stack-overflow tricks. */
export const MAX_JSON_DEPTH = 64;

export type StorableProblem = { path: JsonPath; message: string };

/** The first NUL character (\u0000, which PostgreSQL text cannot hold) or excess nesting. */
export function storableProblem(value: unknown): StorableProblem | undefined {
  const stack: { value: unknown; path: JsonPath }[] = [{ value, path: [] }];
  while (stack.length) {
    const { value: node, path } = stack.pop()!;
    if (typeof node === "string") {
      if (node.includes("\u0000")) {
        return { path, message: "holds a NUL character (\\u0000), which cannot be stored" };
      }
      continue;
    }
    if (node === null || typeof node !== "object") continue;
    if (path.length >= MAX_JSON_DEPTH) {
      return { path, message: `is nested more than ${MAX_JSON_DEPTH} levels deep` };
    }
    if (Array.isArray(node)) {
      node.forEach((item, i) => stack.push({ value: item, path: [...path, i] }));
      continue;
    }
    for (const [key, item] of Object.entries(node)) {
      if (key.includes("\u0000")) {
        return { path: [...path, key], message: "has a name with a NUL character (\\u0000)" };
      }
      stack.push({ value: item, path: [...path, key] });
    }
  }
  return undefined;
}
