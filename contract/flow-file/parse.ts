// Reading a flow file (JSON or YAML text, or an object from the studio) into a validated,
// normalised FlowFile — or a FlowFileError listing every problem with its task, field and line.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from "yaml";
import { checkParameterSchema } from "../parameters.ts";
import { storableProblem } from "../storable-json.ts";
import { jsonErrorPosition, jsonLocator } from "./json-locator.ts";
import { validateDag } from "./dag.ts";
import { validateMapping } from "./mapping.ts";
import { validateDependencies } from "./dependencies.ts";
import { declaredNameIssues } from "./declared-names.ts";
import {
  FlowFileError,
  formatPath,
  fromZodIssues,
  type FlowIssue,
  type Path,
  type Position,
} from "./issues.ts";
import { FlowFileSchema, type FlowFile } from "./schema.ts";

export type FlowFileFormat = "json" | "yaml";

/** Finds where a path of the flow file sits in its text. */
export type Locator = {
  at(path: Path): Position | undefined;
  /** Where line/column of a task's code sit in the file (exact for YAML block scalars). */
  inCode(taskIndex: number, code: Position): Position | undefined;
};

/** The outcome of checking a flow file: the flow when its structure is sound, and every problem. */
export type FlowCheck = {
  /** Set when the structure is valid (other problems, like a cycle, may still be listed). */
  flow?: FlowFile;
  issues: FlowIssue[];
  locator?: Locator;
};

// YAML aliases can expand exponentially ("billion laughs"); a flow file never needs many.
const MAX_ALIASES = 100;

/** A file's text read into a value, with where each path sits in it — or why it cannot be read. */
export type ReadText = { raw: unknown; locator: Locator } | { issues: FlowIssue[] };

/**
 * Reads JSON or YAML text (a flow file, a deployment file) with the guards every file needs:
 * nesting depth, alias expansion, and syntax errors as issues with their line. Never throws.
 */
export function readStructuredText(text: string, format: FlowFileFormat): ReadText {
  const tooDeep = nestingProblem(text);
  if (tooDeep) return { issues: [tooDeep] };
  // JSON is never parsed as YAML (see json-locator.ts for what that cost).
  if (format === "json") {
    try {
      return { raw: JSON.parse(text), locator: jsonLocator(text) };
    } catch (error) {
      return {
        issues: [
          {
            path: [],
            message: `invalid JSON: ${(error as Error).message}`,
            location: jsonErrorPosition(text),
          },
        ],
      };
    }
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: true });
  const error = doc.errors[0];
  if (error) {
    const pos = error.linePos?.[0];
    return {
      issues: [
        {
          path: [],
          message: `invalid YAML: ${error.message.split("\n")[0]}`,
          location: pos ? { line: pos.line, column: pos.col } : undefined,
        },
      ],
    };
  }
  try {
    return {
      raw: doc.toJS({ maxAliasCount: MAX_ALIASES }),
      locator: yamlLocator(doc, lineCounter, text),
    };
  } catch (error) {
    return { issues: [{ path: [], message: `invalid YAML: ${(error as Error).message}` }] };
  }
}

/** Checks a flow file's text. Never throws: syntax errors are issues too. */
export function checkFlowFileText(text: string, format: FlowFileFormat): FlowCheck {
  const read = readStructuredText(text, format);
  if ("issues" in read) return read;
  return checkFlowFile(read.raw, read.locator);
}

/** Checks an already-parsed flow file (e.g. from the studio). Never throws. */
export function checkFlowFile(raw: unknown, locator?: Locator): FlowCheck {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    const got = raw === null ? "null" : Array.isArray(raw) ? "an array" : typeof raw;
    return {
      locator,
      issues: [
        { path: [], message: `a flow file must be an object with "name" and "tasks" (got ${got})` },
      ],
    };
  }
  const unstorable = storableProblem(raw);
  if (unstorable) {
    const issue = {
      path: unstorable.path,
      message: `${formatPath(unstorable.path) || "the file"} ${unstorable.message}`,
    };
    return { locator, issues: locateIssues([issue], locator) };
  }
  const parsed = FlowFileSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    return { locator, issues: locateIssues(fromZodIssues(parsed.error.issues, raw), locator) };
  }
  const flow = parsed.data;
  const issues = [
    ...validateDag(flow.tasks),
    ...validateMapping(flow.tasks, Object.keys(flow.parameters.properties ?? {})),
    ...declaredNameIssues(flow.tasks),
    ...validateDependencies(flow, flow.tasks),
    ...checkParameterSchema(flow.parameters),
  ];
  return { flow, locator, issues: locateIssues(issues, locator) };
}

/** Parses and validates a flow file's text. Throws FlowFileError listing every problem. */
export function parseFlowFile(text: string, format: FlowFileFormat): FlowFile {
  return orThrow(checkFlowFileText(text, format));
}

/** Validates an already-parsed flow file. Throws FlowFileError listing every problem. */
export function validateFlowFile(raw: unknown): FlowFile {
  return orThrow(checkFlowFile(raw));
}

function orThrow(check: FlowCheck): FlowFile {
  if (!check.flow || check.issues.length) throw new FlowFileError(check.issues);
  return check.flow;
}

/** Adds file positions to issues, and orders them as they appear in the file. */
export function locateIssues(issues: FlowIssue[], locator?: Locator): FlowIssue[] {
  if (!locator) return issues;
  const located = issues.map((issue) => {
    if (issue.location) return issue;
    const taskIndex = issue.path[0] === "tasks" ? issue.path[1] : undefined;
    const location =
      issue.codeLocation && typeof taskIndex === "number"
        ? locator.inCode(taskIndex, issue.codeLocation)
        : locator.at(issue.path);
    return location ? { ...issue, location } : issue;
  });
  return sortByLocation(located);
}

/** Issues in the order they appear in the file (those without a place last, in their order). */
export function sortByLocation(issues: FlowIssue[]): FlowIssue[] {
  return [...issues].sort(
    (a, b) =>
      (a.location?.line ?? Number.MAX_SAFE_INTEGER) -
        (b.location?.line ?? Number.MAX_SAFE_INTEGER) ||
      (a.location?.column ?? 0) - (b.location?.column ?? 0),
  );
}

// The YAML parser recurses once per level of nesting. Near ~780 levels it runs out of stack, and
// when that happens inside V8's regular-expression compiler the whole process aborts (measured
// with yaml 2.9 on Node 20) — so a 40 kB request could kill the server. Real flow files nest a
// handful of levels; these limits refuse hostile ones before the parser sees them.
const MAX_BRACKET_DEPTH = 100;
const MAX_LINE_NESTING = 300;

/** A cheap, conservative scan of the text for nesting the parser could not survive. */
function nestingProblem(text: string): FlowIssue | undefined {
  let depth = 0;
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      line++;
      lineStart = i + 1;
    } else if (c === 91 || c === 123) {
      // [ {
      if (++depth > MAX_BRACKET_DEPTH) return tooDeep(line, i - lineStart + 1, "brackets");
    } else if ((c === 93 || c === 125) && depth > 0) {
      depth--;
    }
    if (i === lineStart) {
      // Block nesting: indentation plus leading "- " / "? " indicators.
      const match = /^[ ]*(?:[-?][ ]+)*/.exec(text.slice(i, i + MAX_LINE_NESTING * 3));
      if (match && match[0].length > MAX_LINE_NESTING) return tooDeep(line, 1, "indentation");
    }
  }
  return undefined;
}

function tooDeep(line: number, column: number, what: string): FlowIssue {
  return {
    path: [],
    message: `the file is nested too deeply (${what}); a flow file needs only a few levels`,
    location: { line, column },
  };
}

function yamlLocator(doc: Document, lines: LineCounter, text: string): Locator {
  const position = (offset: number): Position => {
    const { line, col } = lines.linePos(offset);
    return { line, column: col };
  };
  /** The deepest node along the path; for a map key that names no value, the key itself. */
  const nodeAt = (path: Path): Node | undefined => {
    let node: unknown = doc.contents;
    let found: Node | undefined = node as Node | undefined;
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && p.key.value === segment);
        if (!pair) break;
        node = pair.value ?? pair.key;
        found = (pair.value ?? pair.key) as Node;
        if (!pair.value && isScalar(pair.key)) break;
      } else if (isSeq(node) && typeof segment === "number") {
        node = node.items[segment];
        if (!node) break;
        found = node as Node;
      } else break;
    }
    return found;
  };
  return {
    at(path) {
      // A field points at its key ("retries:"), where a reader looks first; an item at itself.
      const parent = nodeAt(path.slice(0, -1));
      const last = path[path.length - 1];
      if (isMap(parent) && typeof last === "string") {
        const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === last);
        const key = pair?.key as Node | undefined;
        if (key?.range) return position(key.range[0]);
      }
      const node = nodeAt(path);
      return node?.range ? position(node.range[0]) : undefined;
    },
    inCode(taskIndex, code) {
      const node = nodeAt(["tasks", taskIndex, "code"]);
      if (!node?.range) return undefined;
      const start = position(node.range[0]);
      if (isScalar(node) && (node.type === "BLOCK_LITERAL" || node.type === "BLOCK_FOLDED")) {
        // The block's text starts on the line after its "|" header.
        const firstLine = position(node.range[0]).line + 1;
        const indent = blockIndent(text, node.range[0]);
        return { line: firstLine + code.line - 1, column: indent + code.column };
      }
      return start;
    },
  };
}

/** The indentation of a block scalar's first content line. */
function blockIndent(text: string, headerOffset: number): number {
  const nextLine = text.indexOf("\n", headerOffset);
  if (nextLine < 0) return 0;
  return /^[ ]*/.exec(text.slice(nextLine + 1))![0].length;
}
