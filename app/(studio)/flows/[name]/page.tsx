import type { Metadata } from "next";
import { EditorLoader } from "./editor-loader";

export async function generateMetadata({
  params,
}: {
  params: Promise<{ name: string }>;
}): Promise<Metadata> {
  return { title: decodeURIComponent((await params).name) };
}

export default async function FlowEditorPage({ params }: { params: Promise<{ name: string }> }) {
  const { name } = await params;
  return <EditorLoader name={decodeURIComponent(name)} />;
}
