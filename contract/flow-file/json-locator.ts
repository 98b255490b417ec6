// Where a path of a JSON flow file sits in its text, and where its syntax breaks — found with
// jsonc-parser's scanner, not by parsing the file again as YAML. YAML's parser builds a node,
// a range and a source token per value: on a 6 MB JSON flow with 900,000 numbers it took 13.6 s
// (7.6 MB of code cells: 1.3–2.1 s), all of it on the server's one thread, just in case an issue
// needed a line number. jsonc-parser's tree of the same 6 MB file takes ~0.6 s, and it is built
// only when an issue is to be located (a valid file pays nothing). Measured with yaml 2.9 and
// jsonc-parser 3.3 on Node 20 (this repository's build machine, 2 cores).
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
