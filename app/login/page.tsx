import type { Metadata } from "next";
import { AuthCard } from "@/app/_components/auth-card";
import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

export default function LoginPage() {
  return (
    <AuthCard
      title="Sign in"
      footer={
        <>
          No account? Ask an admin of this server for an invitation. On a fresh server, open the
          one-time link <code className="font-mono">Create the first admin: …/setup#token=…</code>{" "}
          that it printed when it started.
        </>
      }
    >
      <SignInForm />
    </AuthCard>
  );
}
