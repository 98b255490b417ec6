import type { Metadata } from "next";
import { PageHeader } from "@/app/_components/page-header";
import { LimitsSection } from "./limits-section";
import { WorkQueuesList } from "./work-queues-list";

export const metadata: Metadata = { title: "Work queues" };

export default function WorkQueuesPage() {
  return (
    <>
      <PageHeader title="Work queues" />
      <WorkQueuesList />
      <LimitsSection />
    </>
  );
}
