import type { Metadata } from "next";
import { Suspense } from "react";
import { RunPage } from "./run-page";

export const metadata: Metadata = { title: "Run" };

export default async function RunRoute({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <Suspense>
      <RunPage id={id} />
    </Suspense>
  );
}
