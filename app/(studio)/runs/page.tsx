import type { Metadata } from "next";
import { Suspense } from "react";
import { PageHeader } from "@/app/_components/page-header";
import { RunsList } from "./runs-list";

export const metadata: Metadata = { title: "Runs" };

export default function RunsPage() {
  // The page fills the window; the runs table scrolls inside it, under the filters.
  return (
    <div className="flex h-screen flex-col">
      <PageHeader title="Runs" />
      <Suspense>
        <RunsList />
      </Suspense>
    </div>
  );
}
