// A flow's storage: the one its deployments' runs (and its cell runs) write large results to
// unless a deployment chose its own (storage-choice.ts). Choosing `local` clears the choice: the
// built-in folder has no row, and "none chosen" already means local.
import { LOCAL_STORAGE, type FlowStorage } from "../../contract/api-v1.ts";
import { closestName } from "../../contract/closest-name.ts";
import { SYSTEM_ACTOR, type Actor } from "../audit/actor.ts";
import { audit } from "../audit/record.ts";
import type { Db } from "../db/client.ts";
import { PipebookError } from "../errors.ts";
import { chooseStorageName } from "./storage-choice.ts";
import { resolveStorage } from "./storages.ts";

const select = {
  id: true,
  name: true,
  storage: { select: { name: true } },
  deployments: {
    orderBy: { name: "asc" },
    select: { name: true, storageFollowsFlow: true, storage: { select: { name: true } } },
  },
} as const;

async function findFlow(db: Db, name: string) {
  const flow = await db.flow.findUnique({ where: { name }, select });
  if (flow) return flow;
  const known = (await db.flow.findMany({ select: { name: true }, take: 1000 })).map((f) => f.name);
  const hint = closestName(name, known);
  throw new PipebookError(
    "not_found",
    `flow "${name}" was not found${hint ? ` (did you mean "${hint}"?)` : ""}: see \`pipebook flow ls\``,
  );
}

export async function getFlowStorage(db: Db, name: string): Promise<FlowStorage> {
  const flow = await findFlow(db, name);
  return {
    flow: flow.name,
    storage: flow.storage?.name ?? null,
    effective: flow.storage?.name ?? LOCAL_STORAGE,
    deployments: flow.deployments.map((d) => {
      const { storage, source } = chooseStorageName({ deployment: d, flow });
      return { name: d.name, storage, source };
    }),
  };
}

/** Chooses the flow's storage by name (`local` or null: none, the default). */
export async function setFlowStorage(
  db: Db,
  name: string,
  storage: string | null,
  actor: Actor = SYSTEM_ACTOR,
): Promise<FlowStorage> {
  const flow = await findFlow(db, name);
  const storageId = storage === null ? null : await resolveStorage(db, storage);
  await db.$transaction(async (tx) => {
    const { count } = await tx.flow.updateMany({
      // Only when it differs (SQL's <> never matches a NULL, hence the two cases).
      where: {
        id: flow.id,
        ...(storageId === null
          ? { storageId: { not: null } }
          : { OR: [{ storageId: null }, { storageId: { not: storageId } }] }),
      },
      data: { storageId },
    });
    // A no-op write (the same storage again) is not a change worth an audit event.
    if (count === 0) return;
    await audit(
      tx,
      actor,
      "flow.storage",
      { type: "flow", id: flow.id, name: flow.name },
      { storage: storage ?? LOCAL_STORAGE, previous: flow.storage?.name ?? LOCAL_STORAGE },
    );
  });
  return getFlowStorage(db, name);
}
