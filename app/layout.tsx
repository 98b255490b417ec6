import type { Metadata } from "next";
import type { ReactNode } from "react";
import { THEME_SCRIPT } from "./_lib/theme-script";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Pipebook", template: "%s · Pipebook" },
  description: "Pipelines as notebooks: code cells, drag-edge DAGs, versioned deployments.",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    // The theme script may add a class before React hydrates.
    <html lang="en" suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: THEME_SCRIPT }} />
      </head>
      <body className="min-h-screen font-sans">{children}</body>
    </html>
  );
}
