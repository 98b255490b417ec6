"use client";
// The dialogs the deployments page opens on one deployment (its schedules, its triggers): titled
// "<What> of flow/name", their content made only while open.
import type { ReactNode } from "react";
import { Dialog } from "@/app/_components/dialog";

export type DeploymentRef = { id: string; label: string };

export function DeploymentDialog({
  what,
  deployment,
  onClose,
  children,
}: {
  what: string;
  deployment: DeploymentRef | null;
  onClose: () => void;
  children: (deploymentId: string) => ReactNode;
}) {
  return (
    <Dialog
      open={deployment !== null}
      title={`${what} of ${deployment?.label ?? ""}`}
      onClose={onClose}
      wide
    >
      {deployment ? children(deployment.id) : null}
    </Dialog>
  );
}
