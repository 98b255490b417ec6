"use client";
// The editor's draft as state: the reducer, whether it differs from the saved version, and the
// code typed into cells. Typing reaches the draft in batches, not per keystroke — rendering the
// whole editor for every key was a good part of a keystroke's cost in a large flow (Monaco
// shows the text meanwhile). Whatever reads or changes the draft first takes the typed code in,
// in order, so nothing ever works from stale code.
import { flushSync } from "react-dom";
import {
  startTransition,
  useCallback,
  useEffect,
  useLayoutEffect,
  useReducer,
  useRef,
  useState,
} from "react";
import type { FlowVersionView } from "@/server/flows/get-flow";
import { draftReducer, fromFlowFile, sameFlow, type Draft, type DraftAction } from "./draft";
import {
  clearStoredDraft,
  readStoredDraft,
  useDraftStorage,
  type StoredDraft,
} from "./draft-storage";

/** How long typed code may wait before it reaches the draft. */
const CODE_BATCH_MS = 300;

export function useDraft(view: FlowVersionView) {
  // A draft left from an earlier visit (or a crash) comes back, with a way to drop it. (The
  // editor renders only in the browser, so storage can be read while rendering.)
  const [stored] = useState(() => {
    const found = readStoredDraft(view.name);
    if (found && sameFlow(found.draft, fromFlowFile(view.spec))) clearStoredDraft(view.name);
    else if (found) return found;
    return null;
  });
  const [draft, dispatchDraft] = useReducer(
    draftReducer,
    view.spec,
    (spec) => stored?.draft ?? fromFlowFile(spec),
  );
  const [baseVersion, setBaseVersion] = useState(view.version);
  const [dirty, setDirty] = useState(stored !== null);
  const [restored, setRestored] = useState<StoredDraft | null>(stored);
  // Counts changes, so a save knows whether edits arrived while it was in flight.
  const revision = useRef(0);
  // The latest draft and dirty flag for callbacks that must not change identity per keystroke.
  const draftRef = useRef<Draft>(draft);
  const dirtyRef = useRef(dirty);
  useLayoutEffect(() => {
    draftRef.current = draft;
    dirtyRef.current = dirty;
  });

  const typedCode = useRef(new Map<string, string>());
  const batchTimer = useRef<number | null>(null);
  const takeTypedCode = useCallback((): DraftAction | null => {
    if (batchTimer.current !== null) window.clearTimeout(batchTimer.current);
    batchTimer.current = null;
    if (typedCode.current.size === 0) return null;
    const code = Object.fromEntries(typedCode.current);
    typedCode.current.clear();
    return { type: "set-code", code };
  }, []);

  /** Code typed in the cell of `key` (called by Monaco on every change). */
  const onCodeChange = useCallback(
    (key: string, code: string) => {
      typedCode.current.set(key, code);
      revision.current += 1;
      if (!dirtyRef.current) {
        dirtyRef.current = true;
        // The status line can wait for the frame that shows the first keystroke.
        startTransition(() => setDirty(true));
      }
      batchTimer.current ??= window.setTimeout(() => {
        const typed = takeTypedCode();
        // Rendered at once, so a typed batch is never a pending update that a later, more
        // urgent one (a language change) could be rendered without.
        if (typed) flushSync(() => dispatchDraft(typed));
      }, CODE_BATCH_MS);
    },
    [takeTypedCode],
  );

  /** The draft as it is now, with the code typed since the last batch. */
  const current = useCallback((): Draft => {
    const typed = typedCode.current;
    if (typed.size === 0) return draftRef.current;
    return draftReducer(draftRef.current, { type: "set-code", code: Object.fromEntries(typed) });
  }, []);

  const dispatch = useCallback(
    (action: DraftAction) => {
      // In the same batch of updates as the action, before it.
      const typed = takeTypedCode();
      if (typed) dispatchDraft(typed);
      dispatchDraft(action);
      revision.current += 1;
      setDirty(true);
    },
    [takeTypedCode],
  );

  /** The draft to save now, and the revision to hand back to `savedAs`. */
  const snapshot = useCallback(() => {
    const typed = takeTypedCode();
    if (!typed) return { draft: draftRef.current, revision: revision.current };
    dispatchDraft(typed);
    return { draft: draftReducer(draftRef.current, typed), revision: revision.current };
  }, [takeTypedCode]);

  /** A save of the snapshot taken at `at` made `version`; later edits stay unsaved. */
  const savedAs = useCallback(
    (version: number, at: number) => {
      setBaseVersion(version);
      setRestored(null);
      if (revision.current === at) {
        setDirty(false);
        clearStoredDraft(view.name);
      }
    },
    [view.name],
  );

  /** Replaces the draft with a saved flow (`version`, or the one opened): nothing unsaved. */
  const replace = useCallback(
    (next: Draft, version?: number) => {
      takeTypedCode();
      dispatchDraft({ type: "load", draft: next });
      revision.current += 1;
      setDirty(false);
      setRestored(null);
      if (version !== undefined) setBaseVersion(version);
      clearStoredDraft(view.name);
    },
    [takeTypedCode, view.name],
  );

  const latestDraft = useCallback(() => draftRef.current, []);
  const isDirty = useCallback(() => dirtyRef.current, []);

  useDraftStorage(view.name, draft, dirty, baseVersion, current);
  // After the storage's own clean-up, which keeps what was typed last.
  useEffect(() => () => void takeTypedCode(), [takeTypedCode]);

  return {
    draft,
    dirty,
    baseVersion,
    restored,
    /** The committed draft, for handlers that need names and shape (not code). */
    latestDraft,
    isDirty,
    dispatch,
    onCodeChange,
    snapshot,
    savedAs,
    replace,
  };
}
