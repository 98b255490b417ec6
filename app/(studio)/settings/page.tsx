import type { Metadata } from "next";
import { PageHeader } from "@/app/_components/page-header";
import { RetentionSection } from "./retention-section";

export const metadata: Metadata = { title: "Settings" };

export default function SettingsPage() {
  return (
    <>
      <PageHeader title="Settings" />
      <RetentionSection />
    </>
  );
}
