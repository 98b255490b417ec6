import type { Metadata } from "next";
import { PageHeader } from "@/app/_components/page-header";
import { StorageView } from "./storage-view";

export const metadata: Metadata = { title: "Storage" };

export default function StoragePage() {
  return (
    <>
      <PageHeader title="Storage" />
      <StorageView />
    </>
  );
}
