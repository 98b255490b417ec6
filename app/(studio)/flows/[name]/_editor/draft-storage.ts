"use client";
// Unsaved changes are never lost silently: the draft is kept in this browser's storage while it
// differs from the saved version (restored when the flow is opened again, even after a crash),
// and leaving the editor with unsaved changes — the page, or through the studio's links — asks
// first.
import { useEffect, useLayoutEffect, useRef } from "react";
import { warnBeforeLeaving } from "@/app/_lib/leave-guard";
import type { Draft } from "./draft";

export type StoredDraft = { baseVersion: number; savedAt: string; draft: Draft };

const keyOf = (flow: string) => `pipebook:draft:${flow}`;

export function readStoredDraft(flow: string): StoredDraft | null {
  try {
    const text = localStorage.getItem(keyOf(flow));
    if (!text) return null;
    const stored = JSON.parse(text) as StoredDraft;
    return stored?.draft?.tasks ? stored : null;
  } catch {
    return null;
  }
}

export function clearStoredDraft(flow: string): void {
  localStorage.removeItem(keyOf(flow));
}

function writeStoredDraft(flow: string, baseVersion: number, draft: Draft): void {
  const stored: StoredDraft = { baseVersion, savedAt: new Date().toISOString(), draft };
  try {
    localStorage.setItem(keyOf(flow), JSON.stringify(stored));
  } catch {
    // Storage full or disabled: the leave warning still guards the changes.
  }
}

/**
 * Keeps `draft` in storage while `dirty`. `current` gives the draft with what was typed in the
 * last moments too, written when the page goes away or the editor closes.
 */
export function useDraftStorage(
  flow: string,
  draft: Draft,
  dirty: boolean,
  baseVersion: number,
  current: () => Draft,
) {
  // Written a moment after typing pauses: serialising 200 cells on every change would show.
  useEffect(() => {
    if (!dirty) return;
    const timer = setTimeout(() => writeStoredDraft(flow, baseVersion, draft), 400);
    return () => clearTimeout(timer);
  }, [flow, draft, dirty, baseVersion]);

  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      event.returnValue = "";
    };
    const keep = () => writeStoredDraft(flow, baseVersion, current());
    window.addEventListener("beforeunload", warn);
    window.addEventListener("pagehide", keep);
    const withdraw = warnBeforeLeaving(
      `${flow} has unsaved changes. Leave the editor? They stay in this browser as a draft, restored when you open the flow again.`,
    );
    return () => {
      window.removeEventListener("beforeunload", warn);
      window.removeEventListener("pagehide", keep);
      withdraw();
    };
  }, [dirty, flow, baseVersion, current]);

  // Leaving the editor inside the studio (the sidebar) keeps the draft as it is at that moment.
  const latest = useRef({ dirty, flow, baseVersion, current });
  useLayoutEffect(() => {
    latest.current = { dirty, flow, baseVersion, current };
  });
  useEffect(
    () => () => {
      const { dirty, flow, baseVersion, current } = latest.current;
      if (dirty) writeStoredDraft(flow, baseVersion, current());
    },
    [],
  );
}
