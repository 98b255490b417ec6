// Which storage a run's large results go to — the one rule, read by every place that needs it
// (upload URLs, the deployment's view, the storage list's counts, `storage rm`):
//   1. a deployment that chose its own storage (storageFollowsFlow false): that one
//      (storageId null: the server's local folder);
//   2. else its flow's storage (Flow.storageId), which also serves runs without a deployment
//      (Run cell);
//   3. else `local`, the built-in default.
import { LOCAL_STORAGE } from "../../contract/api-v1.ts";
import type { Prisma } from "../db/generated/client.ts";

export type StorageSource = "deployment" | "flow" | "default";

export type StorageChoiceInput = {
  deployment: { storageFollowsFlow: boolean; storageId: string | null } | null;
  flow: { storageId: string | null };
};

/** The storage's id (null: local) and where the choice came from. */
export function chooseStorage(input: StorageChoiceInput): {
  storageId: string | null;
  source: StorageSource;
} {
  const { deployment, flow } = input;
  if (deployment && !deployment.storageFollowsFlow) {
    return { storageId: deployment.storageId, source: "deployment" };
  }
  if (flow.storageId !== null) return { storageId: flow.storageId, source: "flow" };
  return { storageId: null, source: "default" };
}

/** The same rule by name, for views (the storage rows' names, or null for local). */
export function chooseStorageName(input: {
  deployment: { storageFollowsFlow: boolean; storage: { name: string } | null } | null;
  flow: { storage: { name: string } | null };
}): { storage: string; source: StorageSource } {
  const { deployment, flow } = input;
  if (deployment && !deployment.storageFollowsFlow) {
    return { storage: deployment.storage?.name ?? LOCAL_STORAGE, source: "deployment" };
  }
  if (flow.storage) return { storage: flow.storage.name, source: "flow" };
  return { storage: LOCAL_STORAGE, source: "default" };
}

/** Deployments whose runs write to this storage (null: local), as a Prisma filter. */
export function deploymentsUsing(storageId: string | null): Prisma.DeploymentWhereInput {
  return {
    OR: [
      { storageFollowsFlow: false, storageId },
      { storageFollowsFlow: true, flow: { storageId } },
    ],
  };
}
