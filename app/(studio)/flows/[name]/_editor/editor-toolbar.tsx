"use client";
// The editor's top bar (where the flow is, its version and save state, the actions) and the
// banners under it (a restored draft, a refused save).
import { useCan } from "@/app/_lib/viewer";
import {
  Braces,
  Database,
  Download,
  History,
  Package,
  Play,
  Plus,
  Rocket,
  Save,
} from "lucide-react";
import { StudioLink } from "@/app/_components/studio-link";
import { Alert, buttonClass } from "@/app/_components/dialog";
import type { StoredDraft } from "./draft-storage";

export type EditorDialog = "deploy" | "run" | "history" | "parameters" | "dependencies" | "storage";

export function EditorToolbar({
  flow,
  version,
  status,
  dirty,
  saving,
  onAddTask,
  onOpen,
  onExport,
  onSave,
}: {
  flow: string;
  version: number;
  status: string;
  dirty: boolean;
  saving: boolean;
  onAddTask: () => void;
  onOpen: (dialog: EditorDialog) => void;
  onExport: () => void;
  onSave: () => void;
}) {
  const canEdit = useCan("edit");
  const canOperate = useCan("operate");
  return (
    <header className="flex flex-wrap items-center gap-2 border-b border-zinc-200 px-4 py-2 dark:border-zinc-800">
      <StudioLink href="/flows" className="text-sm text-zinc-500 hover:underline">
        Flows
      </StudioLink>
      <span className="text-zinc-400">/</span>
      <h1 className="font-semibold">{flow}</h1>
      <span
        className="rounded bg-zinc-100 px-1.5 text-xs tabular-nums text-zinc-600 dark:bg-zinc-800 dark:text-zinc-300"
        data-testid="version"
      >
        v{version}
      </span>
      <span className="text-xs text-zinc-500" aria-live="polite" data-testid="save-status">
        {status}
      </span>
      {canEdit ? null : (
        <span className="rounded bg-amber-100 px-1.5 text-xs text-amber-800 dark:bg-amber-900/40 dark:text-amber-200">
          Read only
        </span>
      )}
      <div className="ml-auto flex flex-wrap items-center gap-2">
        {canEdit ? (
          <button type="button" className={buttonClass()} onClick={onAddTask}>
            <Plus className="size-4" aria-hidden /> Add task
          </button>
        ) : null}
        <button type="button" className={buttonClass()} onClick={() => onOpen("parameters")}>
          <Braces className="size-4" aria-hidden /> Parameters
        </button>
        <button type="button" className={buttonClass()} onClick={() => onOpen("dependencies")}>
          <Package className="size-4" aria-hidden /> Dependencies
        </button>
        <button
          type="button"
          className={buttonClass()}
          onClick={() => onOpen("storage")}
          title="Where this flow's large results go"
        >
          <Database className="size-4" aria-hidden /> Storage
        </button>
        <button type="button" className={buttonClass()} onClick={() => onOpen("history")}>
          <History className="size-4" aria-hidden /> History
        </button>
        <button
          type="button"
          className={buttonClass()}
          onClick={onExport}
          title="Download the saved version as a YAML flow file"
        >
          <Download className="size-4" aria-hidden /> Export
        </button>
        {canEdit ? (
          <>
            <button
              type="button"
              className={buttonClass("primary")}
              onClick={onSave}
              disabled={saving}
              title="Save a new version (Ctrl+S)"
            >
              <Save className="size-4" aria-hidden /> Save
            </button>
            <button
              type="button"
              className={buttonClass()}
              onClick={() => onOpen("deploy")}
              disabled={dirty}
              title={dirty ? "Save first: a deployment runs a saved version" : undefined}
            >
              <Rocket className="size-4" aria-hidden /> Deploy
            </button>
          </>
        ) : null}
        {canOperate ? (
          <button
            type="button"
            className={buttonClass()}
            onClick={() => onOpen("run")}
            disabled={dirty}
            title={dirty ? "Save first" : undefined}
          >
            <Play className="size-4" aria-hidden /> Run
          </button>
        ) : null}
      </div>
    </header>
  );
}

export function EditorBanners({
  restored,
  onDiscard,
  saveError,
  onCells,
}: {
  restored: StoredDraft | null;
  onDiscard: () => void;
  saveError: string | null;
  /** Whether the refused save's problems are shown on cells. */
  onCells: boolean;
}) {
  return (
    <div className="flex flex-col gap-2 px-4 empty:hidden">
      {restored ? (
        <div
          className="mt-2 flex items-center gap-3 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-900 dark:bg-amber-950 dark:text-amber-200"
          role="status"
        >
          Restored unsaved changes from {new Date(restored.savedAt).toLocaleString()} (based on v
          {restored.baseVersion}).
          <button type="button" className="underline" onClick={onDiscard}>
            Discard them
          </button>
        </div>
      ) : null}
      {saveError ? (
        <div className="mt-2">
          <Alert>
            {saveError.startsWith("Could not") ? saveError : `Not saved. ${saveError}`}
            {onCells ? " — see the cells marked below." : null}
          </Alert>
        </div>
      ) : null}
    </div>
  );
}
