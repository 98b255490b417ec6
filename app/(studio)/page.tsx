import type { Metadata } from "next";
import { PageHeader } from "@/app/_components/page-header";
import { Dashboard } from "./_home/dashboard";

export const metadata: Metadata = { title: "Home" };

export default function HomePage() {
  return (
    <>
      <PageHeader title="Home" />
      <Dashboard />
    </>
  );
}
