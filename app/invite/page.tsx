import type { Metadata } from "next";
import { AuthCard } from "@/app/_components/auth-card";
import { NewAccountForm } from "@/app/_components/new-account-form";

export const metadata: Metadata = { title: "Accept your invitation" };

export default function InvitePage() {
  return (
    <AuthCard
      title="You were invited to Pipebook: choose your name and password"
      footer="The link works once. You sign in later with the email you were invited at."
    >
      <NewAccountForm endpoint="/api/auth/invite" askEmail={false} submitLabel="Join and sign in" />
    </AuthCard>
  );
}
