"use client";
// The editor (Monaco, React Flow, the TypeScript worker: megabytes) is its own chunk, fetched
// only when a flow is opened, so the flows list and the other pages stay light.
import dynamic from "next/dynamic";

const FlowEditor = dynamic(() => import("./_editor/flow-editor").then((m) => m.FlowEditor), {
  ssr: false,
  loading: () => <p className="px-6 py-4 text-sm text-zinc-500">Loading the editor…</p>,
});

export function EditorLoader({ name, showVersion }: { name: string; showVersion?: number }) {
  return <FlowEditor name={name} showVersion={showVersion} />;
}
