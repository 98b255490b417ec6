// Where a path of a JSON flow file sits in its text, and where its syntax breaks — found with
// jsonc-parser, not by parsing the file again as YAML. YAML's parser builds a node, a range and
// source tokens per value, all on the server's one thread, just in case an issue needed a line
// number. Measured on this repository's build machine (Node 20, 2 cores), with the storable
// check's fix (storable-json.ts), checkFlowFileText before → after:
//   6.2 MB JSON, a parameter default of 900,000 numbers, valid:         13.6 s → 0.2–0.4 s
//   the same pretty-printed (11.6 MB) with one issue to locate:  18.7–34.6 s → 1.2–1.3 s
//   7.6 MB JSON of 700 code cells, valid or with an issue:          1.3–2.1 s → 0.1–0.3 s
// A valid file pays nothing here: the tree is built only when an issue is to be located.
import { findNodeAtLocation, parseTree, visit, type Node } from "jsonc-parser";
import type { Path, Position } from "./issues.ts";
import type { Locator } from "./parse.ts";

/** 1-based line and column of character offsets in `text` (line starts found once, lazily). */
function positions(text: string): (offset: number) => Position {
  let starts: number[] | undefined;
  return (offset) => {
    if (!starts) {
      starts = [0];
      for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
    }
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - starts[low]! + 1 };
  };
}

/** A locator for JSON text that JSON.parse has accepted; the tree is built on first use. */
export function jsonLocator(text: string): Locator {
  const position = positions(text);
  let root: Node | undefined | null = null;
  const tree = () => {
    if (root === null) root = parseTree(text, [], { disallowComments: true });
    return root;
  };
  /** The node at the path, else at its longest prefix that exists (the root at worst). */
  const nodeAt = (path: Path): Node | undefined => {
    const top = tree();
    for (let length = path.length; top && length > 0; length--) {
      const node = findNodeAtLocation(top, path.slice(0, length));
      if (node) return node;
    }
    return top;
  };
  return {
    at(path) {
      const top = tree();
      const node = top && findNodeAtLocation(top, path);
      // A field points at its key (`"retries":`), where a reader looks first, as in YAML; a
      // missing one at the nearest object that holds it.
      if (node?.parent?.type === "property") return position(node.parent.offset);
      const near = node ?? nodeAt(path);
      return near ? position(near.offset) : undefined;
    },
    inCode(taskIndex) {
      // A JSON string's lines are "\n" escapes on one line of the file: point at the string.
      const top = tree();
      const node = top && findNodeAtLocation(top, ["tasks", taskIndex, "code"]);
      return node ? position(node.offset) : undefined;
    },
  };
}

/** Where the first syntax error of invalid JSON is (one pass of jsonc-parser's scanner). */
export function jsonErrorPosition(text: string): Position | undefined {
  let offset: number | undefined;
  visit(
    text,
    {
      onError: (_error, at) => {
        offset ??= at;
      },
    },
    { disallowComments: true, allowTrailingComma: false },
  );
  return offset === undefined ? undefined : positions(text)(offset);
}
