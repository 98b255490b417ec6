import type { Metadata } from "next";
import { Suspense } from "react";
import { BackfillPage } from "./backfill-page";

export const metadata: Metadata = { title: "Backfill" };

export default async function BackfillRoute({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <Suspense>
      <BackfillPage id={id} />
    </Suspense>
  );
}
