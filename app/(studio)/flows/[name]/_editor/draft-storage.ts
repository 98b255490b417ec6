"use client";
// Unsaved changes are never lost silently: the draft is kept in this browser's storage while it
// differs from the saved version (restored when the flow is opened again, even after a crash),
// and leaving the page with unsaved changes asks first.
import { useEffect } from "react";
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

export function useDraftStorage(flow: string, draft: Draft, dirty: boolean, baseVersion: number) {
  // Written a moment after typing pauses: serialising 200 cells on every keystroke would show.
  useEffect(() => {
    if (!dirty) return;
    const timer = setTimeout(() => {
      const stored: StoredDraft = { baseVersion, savedAt: new Date().toISOString(), draft };
      try {
        localStorage.setItem(keyOf(flow), JSON.stringify(stored));
      } catch {
        // Storage full or disabled: the leave warning still guards the changes.
      }
    }, 400);
    return () => clearTimeout(timer);
  }, [flow, draft, dirty, baseVersion]);

  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      event.returnValue = "";
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty]);
}
