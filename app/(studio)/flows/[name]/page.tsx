import type { Metadata } from "next";
import { EditorLoader } from "./editor-loader";

export async function generateMetadata({
  params,
}: {
  params: Promise<{ name: string }>;
}): Promise<Metadata> {
  return { title: decodeURIComponent((await params).name) };
}

export default async function FlowEditorPage({
  params,
  searchParams,
}: {
  params: Promise<{ name: string }>;
  searchParams: Promise<{ version?: string }>;
}) {
  const { name } = await params;
  // ?version=N (a run page's link to the version it ran): compared with the latest on opening.
  const version = Number((await searchParams).version);
  return (
    <EditorLoader
      name={decodeURIComponent(name)}
      showVersion={Number.isInteger(version) && version > 0 ? version : undefined}
    />
  );
}
