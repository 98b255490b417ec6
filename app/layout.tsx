import type { Metadata } from "next";
import type { ReactNode } from "react";
import { cspNonce } from "./_lib/csp-nonce";
import { THEME_SCRIPT } from "./_lib/theme-script";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Pipebook", template: "%s · Pipebook" },
  description: "Pipelines as notebooks: code cells, drag-edge DAGs, versioned deployments.",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Reading the request makes every page render per request, each with its own nonce (a page
  // prerendered at build time would carry none, and the policy would block its scripts).
  const nonce = await cspNonce();
  return (
    // The theme script may add a class before React hydrates.
    <html lang="en" suppressHydrationWarning>
      <head>
        <script nonce={nonce} dangerouslySetInnerHTML={{ __html: THEME_SCRIPT }} />
      </head>
      <body className="min-h-screen font-sans">{children}</body>
    </html>
  );
}
