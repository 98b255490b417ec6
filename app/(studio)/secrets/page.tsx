import type { Metadata } from "next";
import { PageHeader } from "@/app/_components/page-header";
import { SecretsSection } from "./secrets-section";
import { VariablesSection } from "./variables-section";

export const metadata: Metadata = { title: "Secrets & variables" };

export default function SecretsPage() {
  return (
    <>
      <PageHeader title="Secrets & variables" />
      <SecretsSection />
      <VariablesSection />
    </>
  );
}
