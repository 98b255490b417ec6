import type { Metadata } from "next";
import { ErrorState, PageHeader } from "@/app/_components/page-header";
import { currentPrincipal } from "@/app/_lib/session";
import { hasPermission } from "@/contract/roles";
import { AuditView } from "./audit-view";

export const metadata: Metadata = { title: "Audit log" };

export default async function AuditPage() {
  const principal = await currentPrincipal();
  // The procedure refuses others anyway; this says so before asking it.
  if (!principal || !hasPermission(principal.role, "admin")) {
    return (
      <>
        <PageHeader title="Audit log" />
        <ErrorState message="Only admins can read the audit log." />
      </>
    );
  }
  return <AuditView />;
}
