import type { Metadata } from "next";
import { AuthCard } from "@/app/_components/auth-card";
import { NewAccountForm } from "@/app/_components/new-account-form";

export const metadata: Metadata = { title: "Create the first admin" };

export default function SetupPage() {
  return (
    <AuthCard
      title="Create the first admin of this server"
      footer="This one-time link was printed by the server when it started; it works once, within the hour. A restart prints a fresh one until an admin exists."
    >
      <NewAccountForm endpoint="/api/auth/setup" askEmail submitLabel="Create admin and sign in" />
    </AuthCard>
  );
}
