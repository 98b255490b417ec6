"use client";
// The flow editor: notebook cells on the left, the graph on the right, one draft behind both.
// Saving makes a new immutable version; problems come back located on their cell and line.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { TRPCClientError } from "@trpc/client";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { Alert } from "@/app/_components/dialog";
import { ErrorState } from "@/app/_components/page-header";
import { useDarkMode } from "@/app/_lib/use-dark-mode";
import { useTRPC } from "@/app/_lib/trpc";
import type { FlowIssue } from "@/contract/flow-file/issues";
import { mapSources, validateMapping } from "@/contract/flow-file/mapping";
import { downloadText } from "@/app/_lib/download";
import { Cell } from "./cell";
import { EditorDialogs } from "./editor-dialogs";
import { CellList, type CellListHandle } from "./cell-list";
import { checkConnection, fromFlowFile, newKey, toFlowFile } from "./draft";
import { EditorBanners, EditorToolbar, type EditorDialog } from "./editor-toolbar";
import { FlowGraph, type GraphTask } from "./graph";
import { syncMonacoModels } from "./monaco/models";
import { PaneSplitter, useGraphWidth } from "./pane-splitter";
import { useDraft } from "./use-draft";
import type { FlowVersionView } from "@/server/flows/get-flow";

const NO_ISSUES: readonly FlowIssue[] = [];
type DialogName = EditorDialog | null;

/**
 * @param showVersion a version to compare with the latest on opening (a run page's "v3" link):
 *   the history dialog opens with that version on the left.
 */
export function FlowEditor({ name, showVersion }: { name: string; showVersion?: number }) {
  const trpc = useTRPC();
  // Read once per visit: a refetch would not reach the draft (made from the first answer), and
  // an answer kept from an earlier visit would open the version seen then, not the latest — the
  // editor reached with Back after a save showed the flow as it was before that save.
  const flow = useQuery({
    ...trpc.flows.get.queryOptions({ name }),
    staleTime: Infinity,
    gcTime: 0,
    refetchOnWindowFocus: false,
  });
  if (flow.isPending) return <p className="px-6 py-4 text-sm text-zinc-500">Loading {name}…</p>;
  if (flow.isError)
    return <ErrorState message={`Could not open flow "${name}": ${flow.error.message}`} />;
  return <Workspace view={flow.data} showVersion={showVersion} />;
}

function Workspace({ view, showVersion }: { view: FlowVersionView; showVersion?: number }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const dark = useDarkMode();
  const {
    draft,
    dirty,
    baseVersion,
    restored,
    latestDraft,
    isDirty,
    dispatch,
    onCodeChange,
    snapshot,
    savedAs,
    replace,
  } = useDraft(view);
  const [issues, setIssues] = useState<FlowIssue[]>([]);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [refusal, setRefusal] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [graphWidth, setGraphWidth] = useGraphWidth();
  // The cell asked to take the keyboard focus (moving with ↑/↓ between cells); `seq` makes a
  // repeated request a new one.
  const [focusRequest, setFocusRequest] = useState<{ key: string; seq: number } | null>(null);
  const [dialog, setDialog] = useState<DialogName>(
    showVersion !== undefined && showVersion !== view.version ? "history" : null,
  );
  const [cellRuns, setCellRuns] = useState<Record<string, string>>({});
  const [startingCells, setStartingCells] = useState<ReadonlySet<string>>(new Set());
  // The graph and the TypeScript types change with the flow's shape, not with its code.
  const shapeKey = draft.tasks
    .map(
      (t) =>
        `${t.key}\u0001${t.name}\u0001${t.language}\u0001${t.dependsOn.join(",")}\u0001${mapSources(t).join(",")}`,
    )
    .join("\u0002");
  const parametersKey = JSON.stringify(draft.parameters);
  const packagesKey = JSON.stringify([draft.typescript, draft.tasks.map((t) => t.typescript)]);
  const graphTasks = useMemo<GraphTask[]>(
    () =>
      draft.tasks.map((t) => ({
        name: t.name,
        language: t.language,
        dependsOn: t.dependsOn,
        ...(t.map !== undefined ? { map: mapSources(t) } : {}),
      })),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- recomputed when the shape changes
    [shapeKey],
  );
  useEffect(() => {
    syncMonacoModels(latestDraft());
  }, [shapeKey, parametersKey, packagesKey, latestDraft]);

  const parameterNames = useMemo(
    () => Object.keys(draft.parameters.properties ?? {}),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- recomputed when the parameters change
    [parametersKey],
  );
  // Map settings are checked as they are made (the same rule the save applies), so a list that
  // is not a parameter or an upstream shows on its cell at once; the save's own findings about
  // them are superseded by this live check.
  const mapKey = draft.tasks
    .map(
      (t) =>
        `${t.name}\u0001${JSON.stringify(t.map ?? null)}\u0001${t.mapConcurrency ?? ""}\u0001${t.mapFailure ?? ""}\u0001${t.dependsOn.join(",")}`,
    )
    .join("\u0002");
  const mapIssues = useMemo(
    // The rendered draft, not latestDraft(): that one follows the render (a layout effect).
    () => validateMapping(draft.tasks, parameterNames),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- recomputed when a map setting changes
    [mapKey, parameterNames],
  );

  const issuesByTask = useMemo(() => {
    const map = new Map<string, FlowIssue[]>();
    const mapFields = new Set(["map", "mapConcurrency", "mapFailure"]);
    const shown = [...issues.filter((i) => !mapFields.has(i.field ?? "")), ...mapIssues];
    for (const issue of shown) {
      if (issue.task) map.set(issue.task, [...(map.get(issue.task) ?? []), issue]);
    }
    return map;
  }, [issues, mapIssues]);

  const saveMutation = useMutation(trpc.flows.save.mutationOptions());
  const runCellMutation = useMutation(trpc.runs.runCell.mutationOptions());

  /** What every successful save does, whether of the draft or of a restored version. */
  const saved = useCallback(
    (notice: string) => {
      setIssues([]);
      setSaveError(null);
      setNotice(notice);
      void queryClient.invalidateQueries({
        queryKey: trpc.flows.versions.queryKey({ name: view.name }),
      });
      void queryClient.invalidateQueries({ queryKey: trpc.flows.list.queryKey() });
    },
    [queryClient, trpc, view.name],
  );

  const save = useCallback(async () => {
    setSaveError(null);
    try {
      const { draft, revision } = snapshot();
      const result = await saveMutation.mutateAsync({ flow: toFlowFile(draft) });
      savedAs(result.version, revision);
      saved(
        result.created
          ? `Saved as version ${result.version}`
          : `No changes: version ${result.version} is current`,
      );
      return result;
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
  }, [saveMutation, saved, snapshot, savedAs]);

  const runCell = useCallback(
    async (key: string) => {
      const task = latestDraft().tasks.find((t) => t.key === key);
      if (!task) return;
      setStartingCells((s) => new Set(s).add(key));
      try {
        // The cell runs what is in the editor: unsaved changes are saved first.
        let version = baseVersion;
        if (isDirty()) {
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
    [baseVersion, save, runCellMutation, view.name, latestDraft, isDirty],
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

  const cellList = useRef<CellListHandle>(null);

  const addTask = () => {
    const key = newKey();
    const after = latestDraft().tasks.find((t) => t.name === selected)?.key;
    dispatch({ type: "add-task", key, language: "python", after });
    cellList.current?.scrollTo(key);
  };

  const onConnect = useCallback(
    (source: string, target: string) => {
      const check = checkConnection(latestDraft().tasks, source, target);
      if (!check.ok) {
        setRefusal(check.message);
        return;
      }
      setRefusal(null);
      dispatch({ type: "connect", source, target });
    },
    [dispatch, latestDraft],
  );
  const onDisconnect = useCallback(
    (edges: { source: string; target: string }[]) => {
      for (const e of edges) dispatch({ type: "disconnect", ...e });
    },
    [dispatch],
  );
  const onMoveFocus = useCallback(
    (key: string, step: 1 | -1) => {
      const tasks = latestDraft().tasks;
      const target = tasks[tasks.findIndex((t) => t.key === key) + step];
      if (!target) return;
      cellList.current?.scrollTo(target.key, "auto");
      setFocusRequest((r) => ({ key: target.key, seq: (r?.seq ?? 0) + 1 }));
    },
    [latestDraft],
  );
  const onSelectTask = useCallback((name: string) => {
    setSelected(name);
    cellList.current?.scrollTo(name);
  }, []);
  const nameTaken = useCallback(
    (name: string, key: string) =>
      latestDraft().tasks.some((t) => t.name === name && t.key !== key),
    [latestDraft],
  );
  const onDelete = useCallback(
    (key: string) => {
      const task = latestDraft().tasks.find((t) => t.key === key);
      if (
        task &&
        window.confirm(`Delete task ${task.name}? Its dependents lose this dependency.`)
      ) {
        dispatch({ type: "remove-task", key });
      }
    },
    [dispatch, latestDraft],
  );

  const exportFlow = async () => {
    const file = await queryClient.fetchQuery(
      trpc.flows.export.queryOptions({ name: view.name, format: "yaml" }),
    );
    downloadText(file.fileName, file.text, "application/yaml");
  };

  // An older version restored becomes the newest: saved again as a new version.
  const restoreVersion = async (spec: FlowVersionView["spec"]) => {
    const flow = { ...spec, name: view.name };
    const result = await saveMutation.mutateAsync({ flow });
    replace(fromFlowFile(flow), result.version);
    saved(`Restored as version ${result.version}`);
  };

  return (
    <div className="flex h-screen flex-col">
      <EditorToolbar
        flow={view.name}
        version={baseVersion}
        status={dirty ? "Unsaved changes" : (notice ?? "Saved")}
        dirty={dirty}
        saving={saveMutation.isPending}
        onAddTask={addTask}
        onOpen={setDialog}
        onExport={() => void exportFlow()}
        onSave={() => void save()}
      />
      <EditorBanners
        restored={restored}
        onDiscard={() => replace(fromFlowFile(view.spec))}
        saveError={saveError}
        onCells={issues.some((i) => i.task)}
      />
      <div
        data-split
        className="grid min-h-0 flex-1"
        style={{ gridTemplateColumns: `minmax(0,1fr) minmax(240px,${graphWidth}%)` }}
      >
        <CellList
          tasks={draft.tasks}
          handle={cellList}
          renderCell={(task, index) => (
            <Cell
              task={task}
              index={index}
              issues={issuesByTask.get(task.name) ?? NO_ISSUES}
              parameterNames={parameterNames}
              selected={selected === task.name}
              dark={dark}
              cellRunId={cellRuns[task.key] ?? null}
              runningCell={startingCells.has(task.key)}
              nameTaken={nameTaken}
              dispatch={dispatch}
              onCodeChange={onCodeChange}
              onRunCell={runCell}
              onFocus={setSelected}
              onDelete={onDelete}
              onMoveFocus={onMoveFocus}
              focusRequest={focusRequest?.key === task.key ? focusRequest.seq : null}
            />
          )}
        />
        <div className="relative min-h-0 border-l border-zinc-200 dark:border-zinc-800">
          <PaneSplitter percent={graphWidth} onChange={setGraphWidth} />
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
      <EditorDialogs
        dialog={dialog}
        setDialog={setDialog}
        flow={view.name}
        version={baseVersion}
        showVersion={showVersion}
        draft={draft}
        dispatch={dispatch}
        onRestore={restoreVersion}
        onStarted={(id) => router.push(`/runs/${id}`)}
      />
    </div>
  );
}
