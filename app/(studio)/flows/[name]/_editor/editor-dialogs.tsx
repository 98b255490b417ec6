"use client";
// The editor's dialogs: deploy, run, history, parameters, dependencies and storage — one open at
// a time.
import { RunDialog } from "@/app/_components/run-dialog";
import type { FlowVersionView } from "@/server/flows/get-flow";
import { DependenciesDialog } from "./dialogs/dependencies-dialog";
import { DeployDialog } from "./dialogs/deploy-dialog";
import { HistoryDialog } from "./dialogs/history-dialog";
import { ParametersDialog } from "./dialogs/parameters-dialog";
import { StorageDialog } from "./dialogs/storage-dialog";
import type { Draft, DraftAction } from "./draft";
import type { EditorDialog } from "./editor-toolbar";

export function EditorDialogs({
  dialog,
  setDialog,
  flow,
  version,
  showVersion,
  draft,
  dispatch,
  onRestore,
  onStarted,
}: {
  dialog: EditorDialog | null;
  setDialog: (dialog: EditorDialog | null) => void;
  flow: string;
  version: number;
  showVersion: number | undefined;
  draft: Draft;
  dispatch: (action: DraftAction) => void;
  onRestore: (spec: FlowVersionView["spec"]) => Promise<void>;
  onStarted: (runId: string) => void;
}) {
  return (
    <>
      <DeployDialog
        open={dialog === "deploy"}
        flow={flow}
        version={version}
        parameters={draft.parameters}
        onClose={() => setDialog(null)}
        onRun={() => setDialog("run")}
      />
      <RunDialog
        open={dialog === "run"}
        flow={flow}
        onClose={() => setDialog(null)}
        onDeploy={() => setDialog("deploy")}
        onStarted={onStarted}
      />
      <HistoryDialog
        open={dialog === "history"}
        flow={flow}
        currentVersion={version}
        compareFrom={showVersion}
        onClose={() => setDialog(null)}
        onRestore={onRestore}
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
      <DependenciesDialog
        open={dialog === "dependencies"}
        flow={flow}
        version={version}
        dependencies={draft}
        onClose={() => setDialog(null)}
        onApply={(dependencies) => {
          dispatch({ type: "set-dependencies", dependencies });
          setDialog(null);
        }}
      />
      <StorageDialog open={dialog === "storage"} flow={flow} onClose={() => setDialog(null)} />
    </>
  );
}
