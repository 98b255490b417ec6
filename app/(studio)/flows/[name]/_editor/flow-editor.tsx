"use client";
// The flow editor: notebook cells on the left, the graph on the right, one draft behind both.
// Saving makes a new immutable version; problems come back located on their cell and line.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useVirtualizer } from "@tanstack/react-virtual";
import { TRPCClientError } from "@trpc/client";
import { Braces, Download, History, Plus, Rocket, Play, Save } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from "react";
import { Alert, buttonClass } from "@/app/_components/dialog";
import { ErrorState } from "@/app/_components/page-header";
import { useDarkMode } from "@/app/_lib/use-dark-mode";
import { useTRPC } from "@/app/_lib/trpc";
import type { FlowIssue } from "@/contract/flow-file/issues";
import { Cell } from "./cell";
import { DeployDialog } from "./dialogs/deploy-dialog";
import { HistoryDialog } from "./dialogs/history-dialog";
import { ParametersDialog } from "./dialogs/parameters-dialog";
import { RunDialog } from "./dialogs/run-dialog";
import {
  checkConnection,
  draftReducer,
  fromFlowFile,
  newKey,
  sameFlow,
  toFlowFile,
  type Draft,
  type DraftAction,
} from "./draft";
import {
  clearStoredDraft,
  readStoredDraft,
  useDraftStorage,
  type StoredDraft,
} from "./draft-storage";
import { FlowGraph, type GraphTask } from "./graph";
import { syncMonacoModels } from "./monaco/models";
import type { FlowVersionView } from "@/server/flows/get-flow";

const NO_ISSUES: readonly FlowIssue[] = [];
type DialogName = "deploy" | "run" | "history" | "parameters" | null;

export function FlowEditor({ name }: { name: string }) {
  const trpc = useTRPC();
  const flow = useQuery({
    ...trpc.flows.get.queryOptions({ name }),
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  });
  if (flow.isPending) return <p className="px-6 py-4 text-sm text-zinc-500">Loading {name}…</p>;
  if (flow.isError)
    return <ErrorState message={`Could not open flow "${name}": ${flow.error.message}`} />;
  return <Workspace view={flow.data} />;
}

function Workspace({ view }: { view: FlowVersionView }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const dark = useDarkMode();
  const [draft, dispatchDraft] = useReducer(draftReducer, view.spec, fromFlowFile);
  const [baseVersion, setBaseVersion] = useState(view.version);
  const [dirty, setDirty] = useState(false);
  const [restored, setRestored] = useState<StoredDraft | null>(null);
  const [issues, setIssues] = useState<FlowIssue[]>([]);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [refusal, setRefusal] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [dialog, setDialog] = useState<DialogName>(null);
  const [cellRuns, setCellRuns] = useState<Record<string, string>>({});
  const [startingCells, setStartingCells] = useState<ReadonlySet<string>>(new Set());
  const revision = useRef(0);
  const draftRef = useRef<Draft>(draft);
  draftRef.current = draft;
  const dirtyRef = useRef(dirty);
  dirtyRef.current = dirty;

  const dispatch = useCallback((action: DraftAction) => {
    dispatchDraft(action);
    if (action.type !== "load") {
      revision.current += 1;
      setDirty(true);
    }
  }, []);

  // A draft left from an earlier visit (or a crash) comes back, with a way to drop it.
  useEffect(() => {
    const stored = readStoredDraft(view.name);
    if (!stored) return;
    if (sameFlow(stored.draft, fromFlowFile(view.spec))) {
      clearStoredDraft(view.name);
      return;
    }
    dispatchDraft({ type: "load", draft: stored.draft });
    setDirty(true);
    setRestored(stored);
  }, [view.name, view.spec]);

  useDraftStorage(view.name, draft, dirty, baseVersion);

  // The graph and the TypeScript types change with the flow's shape, not with its code.
  const shapeKey = draft.tasks
    .map((t) => `${t.key}\u0001${t.name}\u0001${t.language}\u0001${t.dependsOn.join(",")}`)
    .join("\u0002");
  const parametersKey = JSON.stringify(draft.parameters);
  const graphTasks = useMemo<GraphTask[]>(
    () =>
      draftRef.current.tasks.map(({ name, language, dependsOn }) => ({
        name,
        language,
        dependsOn,
      })),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- recomputed when the shape changes
    [shapeKey],
  );
  useEffect(() => {
    syncMonacoModels(draftRef.current);
  }, [shapeKey, parametersKey]);

  const issuesByTask = useMemo(() => {
    const map = new Map<string, FlowIssue[]>();
    for (const issue of issues) {
      if (issue.task) map.set(issue.task, [...(map.get(issue.task) ?? []), issue]);
    }
    return map;
  }, [issues]);
  const flowIssues = issues.filter((i) => !i.task);

  const saveMutation = useMutation(trpc.flows.save.mutationOptions());
  const runCellMutation = useMutation(trpc.runs.runCell.mutationOptions());

  const save = useCallback(async () => {
    const at = revision.current;
    setSaveError(null);
    try {
      const saved = await saveMutation.mutateAsync({ flow: toFlowFile(draftRef.current) });
      setIssues([]);
      setBaseVersion(saved.version);
      if (revision.current === at) {
        setDirty(false);
        clearStoredDraft(view.name);
      }
      setRestored(null);
      setNotice(
        saved.created
          ? `Saved as version ${saved.version}`
          : `No changes: version ${saved.version} is current`,
      );
      void queryClient.invalidateQueries({
        queryKey: trpc.flows.versions.queryKey({ name: view.name }),
      });
      void queryClient.invalidateQueries({ queryKey: trpc.flows.list.queryKey() });
      return saved;
    } catch (error) {
      const data =
        error instanceof TRPCClientError
          ? (error.data as { issues?: FlowIssue[] } | undefined)
          : undefined;
      setIssues(data?.issues ?? []);
      setSaveError((error as Error).message);
      setNotice(null);
      return null;
    }
  }, [saveMutation, queryClient, trpc, view.name]);

  const runCell = useCallback(
    async (key: string) => {
      const task = draftRef.current.tasks.find((t) => t.key === key);
      if (!task) return;
      setStartingCells((s) => new Set(s).add(key));
      try {
        // The cell runs what is in the editor: unsaved changes are saved first.
        let version = baseVersion;
        if (dirtyRef.current) {
          const saved = await save();
          if (!saved) return;
          version = saved.version;
        }
        const run = await runCellMutation.mutateAsync({
          flow: view.name,
          version,
          task: task.name,
        });
        setCellRuns((r) => ({ ...r, [key]: run.id }));
      } catch (error) {
        setSaveError(`Could not run ${task.name}: ${(error as Error).message}`);
      } finally {
        setStartingCells((s) => {
          const next = new Set(s);
          next.delete(key);
          return next;
        });
      }
    },
    [baseVersion, save, runCellMutation, view.name],
  );

  // Ctrl/Cmd+S saves, wherever the focus is.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "s") {
        e.preventDefault();
        void save();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [save]);

  const scrollRef = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualiser is read each render
  const virtualizer = useVirtualizer({
    count: draft.tasks.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) =>
      60 + Math.min(640, (draft.tasks[i]?.code.split("\n").length ?? 3) * 19 + 12),
    getItemKey: (i) => draft.tasks[i]?.key ?? i,
    overscan: 3,
    gap: 12,
  });

  const [scrollTo, setScrollTo] = useState<string | null>(null);
  useEffect(() => {
    if (!scrollTo) return;
    const index = draft.tasks.findIndex((t) => t.key === scrollTo || t.name === scrollTo);
    if (index >= 0) virtualizer.scrollToIndex(index, { align: "start" });
    setScrollTo(null);
  }, [scrollTo, draft.tasks, virtualizer]);

  const addTask = () => {
    const key = newKey();
    const after = draftRef.current.tasks.find((t) => t.name === selected)?.key;
    dispatch({ type: "add-task", key, language: "python", after });
    setScrollTo(key);
  };

  const onConnect = useCallback(
    (source: string, target: string) => {
      const check = checkConnection(draftRef.current.tasks, source, target);
      if (!check.ok) {
        setRefusal(check.message);
        return;
      }
      setRefusal(null);
      dispatch({ type: "connect", source, target });
    },
    [dispatch],
  );
  const onDisconnect = useCallback(
    (edges: { source: string; target: string }[]) => {
      for (const e of edges) dispatch({ type: "disconnect", ...e });
    },
    [dispatch],
  );
  const onSelectTask = useCallback((name: string) => {
    setSelected(name);
    setScrollTo(name);
  }, []);
  const nameTaken = useCallback(
    (name: string, key: string) =>
      draftRef.current.tasks.some((t) => t.name === name && t.key !== key),
    [],
  );
  const onDelete = useCallback(
    (key: string) => {
      const task = draftRef.current.tasks.find((t) => t.key === key);
      if (
        task &&
        window.confirm(`Delete task ${task.name}? Its dependents lose this dependency.`)
      ) {
        dispatch({ type: "remove-task", key });
      }
    },
    [dispatch],
  );

  const exportFlow = async () => {
    const file = await queryClient.fetchQuery(
      trpc.flows.export.queryOptions({ name: view.name, format: "yaml" }),
    );
    const url = URL.createObjectURL(new Blob([file.text], { type: "application/yaml" }));
    const a = Object.assign(document.createElement("a"), { href: url, download: file.fileName });
    a.click();
    URL.revokeObjectURL(url);
  };

  // An older version restored becomes the newest: saved again as a new version.
  const restoreVersion = async (spec: FlowVersionView["spec"]) => {
    const saved = await saveMutation.mutateAsync({ flow: { ...spec, name: view.name } });
    dispatchDraft({ type: "load", draft: fromFlowFile({ ...spec, name: view.name }) });
    revision.current += 1;
    setDirty(false);
    clearStoredDraft(view.name);
    setIssues([]);
    setBaseVersion(saved.version);
    setNotice(`Restored as version ${saved.version}`);
    void queryClient.invalidateQueries({
      queryKey: trpc.flows.versions.queryKey({ name: view.name }),
    });
  };

  return (
    <div className="flex h-screen flex-col">
      <header className="flex flex-wrap items-center gap-2 border-b border-zinc-200 px-4 py-2 dark:border-zinc-800">
        <Link href="/flows" className="text-sm text-zinc-500 hover:underline">
          Flows
        </Link>
        <span className="text-zinc-400">/</span>
        <h1 className="font-semibold">{view.name}</h1>
        <span
          className="rounded bg-zinc-100 px-1.5 text-xs tabular-nums text-zinc-600 dark:bg-zinc-800 dark:text-zinc-300"
          data-testid="version"
        >
          v{baseVersion}
        </span>
        <span className="text-xs text-zinc-500" aria-live="polite" data-testid="save-status">
          {dirty ? "Unsaved changes" : (notice ?? "Saved")}
        </span>
        <div className="ml-auto flex flex-wrap items-center gap-2">
          <button type="button" className={buttonClass()} onClick={addTask}>
            <Plus className="size-4" aria-hidden /> Add task
          </button>
          <button type="button" className={buttonClass()} onClick={() => setDialog("parameters")}>
            <Braces className="size-4" aria-hidden /> Parameters
          </button>
          <button type="button" className={buttonClass()} onClick={() => setDialog("history")}>
            <History className="size-4" aria-hidden /> History
          </button>
          <button
            type="button"
            className={buttonClass()}
            onClick={() => void exportFlow()}
            title="Download the saved version as a YAML flow file"
          >
            <Download className="size-4" aria-hidden /> Export
          </button>
          <button
            type="button"
            className={buttonClass("primary")}
            onClick={() => void save()}
            disabled={saveMutation.isPending}
            title="Save a new version (Ctrl+S)"
          >
            <Save className="size-4" aria-hidden /> Save
          </button>
          <button
            type="button"
            className={buttonClass()}
            onClick={() => setDialog("deploy")}
            disabled={dirty}
            title={dirty ? "Save first: a deployment runs a saved version" : undefined}
          >
            <Rocket className="size-4" aria-hidden /> Deploy
          </button>
          <button
            type="button"
            className={buttonClass()}
            onClick={() => setDialog("run")}
            disabled={dirty}
            title={dirty ? "Save first" : undefined}
          >
            <Play className="size-4" aria-hidden /> Run
          </button>
        </div>
      </header>
      <div className="flex flex-col gap-2 px-4 empty:hidden">
        {restored ? (
          <div
            className="mt-2 flex items-center gap-3 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-900 dark:bg-amber-950 dark:text-amber-200"
            role="status"
          >
            Restored unsaved changes from {new Date(restored.savedAt).toLocaleString()} (based on v
            {restored.baseVersion}).
            <button
              type="button"
              className="underline"
              onClick={() => {
                clearStoredDraft(view.name);
                dispatchDraft({ type: "load", draft: fromFlowFile(view.spec) });
                setDirty(false);
                setRestored(null);
              }}
            >
              Discard them
            </button>
          </div>
        ) : null}
        {saveError ? (
          <div className="mt-2">
            <Alert>
              {saveError.startsWith("Could not") ? saveError : `Not saved. ${saveError}`}
              {flowIssues.length ? null : issues.length ? " — see the cells marked below." : null}
            </Alert>
          </div>
        ) : null}
      </div>
      <div className="grid min-h-0 flex-1 grid-cols-[minmax(0,1fr)_minmax(300px,38%)]">
        <div
          ref={scrollRef}
          className="min-h-0 overflow-auto bg-zinc-50 px-4 py-3 dark:bg-zinc-950"
          aria-label="Cells"
        >
          {draft.tasks.length === 0 ? (
            <div className="mx-auto mt-16 max-w-md text-center text-sm text-zinc-500">
              <p className="font-medium text-zinc-700 dark:text-zinc-300">
                This flow has no tasks yet.
              </p>
              <p className="mt-1">
                Add a task: each is a cell of Python, TypeScript or shell. Drag from a node&apos;s
                bottom handle to another&apos;s top to make it run after.
              </p>
            </div>
          ) : null}
          <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
            {virtualizer.getVirtualItems().map((item) => {
              const task = draft.tasks[item.index]!;
              return (
                <div
                  key={item.key}
                  data-index={item.index}
                  ref={virtualizer.measureElement}
                  style={{
                    position: "absolute",
                    top: 0,
                    left: 0,
                    width: "100%",
                    transform: `translateY(${item.start}px)`,
                  }}
                >
                  <Cell
                    task={task}
                    index={item.index}
                    issues={issuesByTask.get(task.name) ?? NO_ISSUES}
                    selected={selected === task.name}
                    dark={dark}
                    cellRunId={cellRuns[task.key] ?? null}
                    runningCell={startingCells.has(task.key)}
                    nameTaken={nameTaken}
                    dispatch={dispatch}
                    onRunCell={runCell}
                    onFocus={setSelected}
                    onDelete={onDelete}
                  />
                </div>
              );
            })}
          </div>
        </div>
        <div className="relative min-h-0 border-l border-zinc-200 dark:border-zinc-800">
          {refusal ? (
            <div className="absolute inset-x-3 top-3 z-10">
              <Alert>{refusal}</Alert>
            </div>
          ) : null}
          <FlowGraph
            tasks={graphTasks}
            selected={selected}
            dark={dark}
            onConnect={onConnect}
            onDisconnect={onDisconnect}
            onSelectTask={onSelectTask}
          />
        </div>
      </div>
      <DeployDialog
        open={dialog === "deploy"}
        flow={view.name}
        version={baseVersion}
        parameters={draft.parameters}
        onClose={() => setDialog(null)}
      />
      <RunDialog
        open={dialog === "run"}
        flow={view.name}
        onClose={() => setDialog(null)}
        onDeploy={() => setDialog("deploy")}
        onStarted={(id) => router.push(`/runs/${id}`)}
      />
      <HistoryDialog
        open={dialog === "history"}
        flow={view.name}
        currentVersion={baseVersion}
        onClose={() => setDialog(null)}
        onRestore={restoreVersion}
      />
      <ParametersDialog
        open={dialog === "parameters"}
        schema={draft.parameters}
        onClose={() => setDialog(null)}
        onApply={(parameters) => {
          dispatch({ type: "set-parameters", parameters });
          setDialog(null);
        }}
      />
    </div>
  );
}
