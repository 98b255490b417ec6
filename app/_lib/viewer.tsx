"use client";
// Who is signed in, for client components: the studio hides the controls a person's role may not
// use (contract/roles.ts). The server refuses them anyway; this spares people a refusal.
import { createContext, useContext, type ReactNode } from "react";
import { hasPermission, type Permission, type Role } from "@/contract/roles";

export type Viewer = { userName: string; role: Role };

const ViewerContext = createContext<Viewer>({ userName: "", role: "viewer" });

export function ViewerProvider({ viewer, children }: { viewer: Viewer; children: ReactNode }) {
  return <ViewerContext.Provider value={viewer}>{children}</ViewerContext.Provider>;
}

export function useViewer(): Viewer {
  return useContext(ViewerContext);
}

/** Whether the signed-in person may do this. */
export function useCan(permission: Permission): boolean {
  return hasPermission(useContext(ViewerContext).role, permission);
}
