import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { currentPrincipal } from "@/app/_lib/session";
import { TrpcProvider } from "@/app/_lib/trpc";
import { ViewerProvider } from "@/app/_lib/viewer";
import { Sidebar } from "./sidebar";

// Pages read the signed-in user and live data: never prerendered.
export const dynamic = "force-dynamic";

export default async function StudioLayout({ children }: { children: ReactNode }) {
  const principal = await currentPrincipal();
  if (!principal) redirect("/login");
  return (
    <TrpcProvider>
      <ViewerProvider viewer={{ userName: principal.userName, role: principal.role }}>
        <div className="flex min-h-screen">
          <Sidebar userName={principal.userName} />
          <main className="min-w-0 flex-1">{children}</main>
        </div>
      </ViewerProvider>
    </TrpcProvider>
  );
}
