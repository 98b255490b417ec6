import type { Metadata } from "next";
import { PageHeader } from "@/app/_components/page-header";
import { RunsList } from "./runs-list";

export const metadata: Metadata = { title: "Runs" };

export default function RunsPage() {
  return (
    <>
      <PageHeader title="Runs" />
      <RunsList />
    </>
  );
}
