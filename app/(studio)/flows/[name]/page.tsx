import type { Metadata } from "next";
import { EditorLoader } from "./editor-loader";

// Next.js hands the segment over still percent-encoded. An address that is not valid encoding
// ("/flows/%25", typed or pasted) is no flow's name: shown as typed, so the editor says it found
// no such flow, where decodeURIComponent's URIError would have failed the whole page.
function flowName(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export async function generateMetadata({
  params,
}: {
  params: Promise<{ name: string }>;
}): Promise<Metadata> {
  return { title: flowName((await params).name) };
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
      name={flowName(name)}
      showVersion={Number.isInteger(version) && version > 0 ? version : undefined}
    />
  );
}
