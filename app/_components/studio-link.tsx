"use client";
// A link inside the studio that asks first when the page has unsaved work (see leave-guard).
import Link from "next/link";
import type { ComponentProps } from "react";
import { confirmLeaving } from "@/app/_lib/leave-guard";

export function StudioLink({ onClick, ...props }: ComponentProps<typeof Link>) {
  return (
    <Link
      {...props}
      onClick={(event) => {
        if (!confirmLeaving()) event.preventDefault();
        else onClick?.(event);
      }}
    />
  );
}
