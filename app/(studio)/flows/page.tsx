import type { Metadata } from "next";
import { PageHeader } from "@/app/_components/page-header";
import { FlowsList } from "./flows-list";

export const metadata: Metadata = { title: "Flows" };

export default function FlowsPage() {
  return (
    <>
      <PageHeader title="Flows" />
      <FlowsList />
    </>
  );
}
