"use client";
// A JSON value as a collapsible tree: objects and arrays open and close, long arrays show 100
// items at a time, long strings fold, and where the server cut a large value (a result preview)
// the tree says what is missing right there ("… 9,950 more items").
import { ChevronDown, ChevronRight } from "lucide-react";
import { useState } from "react";
import { childPointer } from "@/contract/json-pointer";

export type JsonCut = { path: string; missing: string };

const CHUNK = 100;
const LONG_STRING = 300;

export function JsonViewer({
  value,
  cuts = [],
  openDepth = 1,
}: {
  value: unknown;
  cuts?: readonly JsonCut[];
  /** Levels open at first. */
  openDepth?: number;
}) {
  const missing = new Map(cuts.map((c) => [c.path, c.missing]));
  return (
    <div className="font-mono text-xs leading-5" role="tree" aria-label="JSON value">
      <Node value={value} path="" depth={0} openDepth={openDepth} missing={missing} />
    </div>
  );
}

type NodeProps = {
  value: unknown;
  path: string;
  depth: number;
  openDepth: number;
  missing: ReadonlyMap<string, string>;
  name?: string;
};

function Node({ value, path, depth, openDepth, missing, name }: NodeProps) {
  const [open, setOpen] = useState(depth < openDepth);
  const [shown, setShown] = useState(CHUNK);
  const label =
    name === undefined ? null : (
      <span className="text-indigo-700 dark:text-indigo-300">{name}: </span>
    );
  const cut = missing.get(path);
  const note = cut ? <span className="ml-1 text-amber-600">… {cut} (cut)</span> : null;

  if (value === null || typeof value !== "object") {
    return (
      <div role="treeitem" aria-selected={false} className="pl-4">
        {label}
        <Scalar value={value} />
        {note}
      </div>
    );
  }
  const entries: [string | number, unknown][] = Array.isArray(value)
    ? value.map((v, i) => [i, v])
    : Object.entries(value);
  const [openMark, closeMark] = Array.isArray(value) ? ["[", "]"] : ["{", "}"];
  const summary = Array.isArray(value)
    ? `${entries.length} item${entries.length === 1 ? "" : "s"}`
    : `${entries.length} key${entries.length === 1 ? "" : "s"}`;
  return (
    <div role="treeitem" aria-expanded={open} aria-selected={false}>
      <button
        type="button"
        onClick={() => setOpen(!open)}
        className="flex items-center rounded text-left hover:bg-zinc-100 dark:hover:bg-zinc-800"
      >
        {open ? (
          <ChevronDown className="size-4" aria-hidden />
        ) : (
          <ChevronRight className="size-4" aria-hidden />
        )}
        {label}
        <span className="text-zinc-500">
          {openMark}
          {open ? "" : ` ${summary} ${closeMark}`}
        </span>
        {note}
      </button>
      {open ? (
        <div role="group" className="ml-2 border-l border-zinc-200 pl-2 dark:border-zinc-800">
          {entries.slice(0, shown).map(([key, child]) => (
            <Node
              key={key}
              value={child}
              name={String(key)}
              path={childPointer(path, key)}
              depth={depth + 1}
              openDepth={openDepth}
              missing={missing}
            />
          ))}
          {entries.length > shown ? (
            <button
              type="button"
              onClick={() => setShown(shown + CHUNK)}
              className="pl-4 text-indigo-600 hover:underline dark:text-indigo-400"
            >
              show {Math.min(CHUNK, entries.length - shown)} more of {entries.length - shown}
            </button>
          ) : null}
          <span className="text-zinc-500">{closeMark}</span>
        </div>
      ) : null}
    </div>
  );
}

function Scalar({ value }: { value: unknown }) {
  const [whole, setWhole] = useState(false);
  if (typeof value === "string") {
    const long = value.length > LONG_STRING && !whole;
    return (
      <span className="whitespace-pre-wrap break-all text-emerald-700 dark:text-emerald-400">
        {JSON.stringify(long ? value.slice(0, LONG_STRING) : value)}
        {long ? (
          <button
            type="button"
            onClick={() => setWhole(true)}
            className="ml-1 text-indigo-600 hover:underline dark:text-indigo-400"
          >
            … {value.length - LONG_STRING} more characters
          </button>
        ) : null}
      </span>
    );
  }
  const color =
    typeof value === "number"
      ? "text-blue-700 dark:text-blue-400"
      : typeof value === "boolean"
        ? "text-purple-700 dark:text-purple-400"
        : "text-zinc-500";
  return <span className={color}>{value === undefined ? "undefined" : JSON.stringify(value)}</span>;
}
