"use client";
// Version history: who saved each version and when, a diff between any two (as flow files, the
// form people review in git), and restoring an older version as the newest.
import { DiffEditor } from "@monaco-editor/react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Alert, buttonClass, Dialog, inputClass } from "@/app/_components/dialog";
import { formatTime } from "@/app/_lib/format";
import { useDarkMode } from "@/app/_lib/use-dark-mode";
import { useTRPC } from "@/app/_lib/trpc";
import { formatFlowFile } from "@/contract/flow-file/export";
import type { FlowFile } from "@/contract/flow-file/schema";
import "../monaco/setup";

export function HistoryDialog(props: {
  open: boolean;
  flow: string;
  currentVersion: number;
  /** The version to show on the left, compared with the current one (else the one before it). */
  compareFrom?: number;
  onClose: () => void;
  onRestore: (spec: FlowFile) => Promise<void>;
}) {
  return (
    <Dialog open={props.open} title={`History of ${props.flow}`} onClose={props.onClose} wide>
      {props.open ? <History {...props} /> : null}
    </Dialog>
  );
}

function History({
  flow,
  currentVersion,
  compareFrom,
  onClose,
  onRestore,
}: {
  flow: string;
  currentVersion: number;
  compareFrom?: number;
  onClose: () => void;
  onRestore: (spec: FlowFile) => Promise<void>;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const dark = useDarkMode();
  const versions = useQuery(trpc.flows.versions.queryOptions({ name: flow }));
  const [left, setLeft] = useState<number>(compareFrom ?? Math.max(1, currentVersion - 1));
  const [right, setRight] = useState<number>(currentVersion);
  const a = useQuery(trpc.flows.get.queryOptions({ name: flow, version: left }));
  const b = useQuery(trpc.flows.get.queryOptions({ name: flow, version: right }));
  const [error, setError] = useState<string | null>(null);

  if (versions.isPending) return <p className="text-sm text-zinc-500">Loading versions…</p>;
  if (versions.isError) return <Alert>{versions.error.message}</Alert>;
  const list = versions.data;
  const restore = async (version: number) => {
    try {
      const view = await queryClient.fetchQuery(
        trpc.flows.get.queryOptions({ name: flow, version }),
      );
      await onRestore(view.spec);
      onClose();
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <div className="flex flex-col gap-4">
      {error ? <Alert>{error}</Alert> : null}
      <table className="w-full text-left text-sm" aria-label="Versions">
        <thead className="text-xs uppercase text-zinc-500">
          <tr>
            <th className="py-1 font-medium">Version</th>
            <th className="py-1 font-medium">Saved</th>
            <th className="py-1 font-medium">By</th>
            <th className="py-1 font-medium">Tasks</th>
            <th />
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
          {list.map((v) => (
            <tr key={v.version} data-version={v.version}>
              <td className="py-1.5 tabular-nums">
                v{v.version}
                {v.version === currentVersion ? " (current)" : ""}
              </td>
              <td className="py-1.5 text-zinc-500">{formatTime(v.createdAt)}</td>
              <td className="py-1.5 text-zinc-500">{v.createdBy ?? "—"}</td>
              <td className="py-1.5 tabular-nums">{v.tasks}</td>
              <td className="py-1.5 text-right">
                {v.version !== currentVersion ? (
                  <button
                    type="button"
                    className={buttonClass()}
                    onClick={() => void restore(v.version)}
                  >
                    Restore v{v.version}
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="flex items-center gap-2 text-sm">
        Compare
        <select
          aria-label="Older version"
          className={`${inputClass} w-24`}
          value={left}
          onChange={(e) => setLeft(Number(e.target.value))}
        >
          {list.map((v) => (
            <option key={v.version} value={v.version}>
              v{v.version}
            </option>
          ))}
        </select>
        with
        <select
          aria-label="Newer version"
          className={`${inputClass} w-24`}
          value={right}
          onChange={(e) => setRight(Number(e.target.value))}
        >
          {list.map((v) => (
            <option key={v.version} value={v.version}>
              v{v.version}
            </option>
          ))}
        </select>
      </div>
      <div
        className="h-[50vh] rounded border border-zinc-200 dark:border-zinc-800"
        data-testid="version-diff"
      >
        {a.data && b.data ? (
          <DiffEditor
            original={formatFlowFile(a.data.spec, "yaml")}
            modified={formatFlowFile(b.data.spec, "yaml")}
            language="yaml"
            theme={dark ? "vs-dark" : "vs"}
            options={{
              readOnly: true,
              renderSideBySide: true,
              minimap: { enabled: false },
              scrollBeyondLastLine: false,
            }}
          />
        ) : (
          <p className="p-3 text-sm text-zinc-500">Loading…</p>
        )}
      </div>
    </div>
  );
}
