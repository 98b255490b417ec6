import type { Metadata } from "next";
import { PageHeader } from "@/app/_components/page-header";
import { BackfillsTable } from "./backfills-table";

export const metadata: Metadata = { title: "Backfills" };

export default function BackfillsPage() {
  return (
    <>
      <PageHeader title="Backfills" />
      <div className="px-8 py-6">
        <BackfillsTable />
      </div>
    </>
  );
}
