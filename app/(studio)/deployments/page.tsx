import type { Metadata } from "next";
import { PageHeader } from "@/app/_components/page-header";
import { DeploymentsList } from "./deployments-list";

export const metadata: Metadata = { title: "Deployments" };

export default function DeploymentsPage() {
  return (
    <>
      <PageHeader title="Deployments" />
      <DeploymentsList />
    </>
  );
}
