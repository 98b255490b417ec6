// Reading deployments in the API's shape (contract/api-v1.ts DeploymentSchema).
import type { DeploymentView } from "../../contract/api-v1.ts";
import type { FlowFile } from "../../contract/flow-file/schema.ts";
import type { Db } from "../db/client.ts";
import { isUuid } from "../db/ids.ts";
import { NotFoundError } from "../errors.ts";
import { chooseStorageName } from "../storage/storage-choice.ts";

const select = {
  id: true,
  name: true,
  tags: true,
  parameters: true,
  retries: true,
  runner: true,
  image: true,
  daskScheduler: true,
  storageFollowsFlow: true,
  storage: { select: { name: true } },
  concurrencyLimit: true,
  paused: true,
  catchup: true,
  catchupMax: true,
  overlap: true,
  createdAt: true,
  updatedAt: true,
  flow: { select: { name: true, storage: { select: { name: true } } } },
  flowVersion: { select: { version: true, spec: true } },
  workQueue: { select: { name: true } },
} as const;

type Row = Awaited<ReturnType<typeof findOne>>;

function findOne(db: Db, id: string) {
  return db.deployment.findUnique({ where: { id }, select });
}

function toView(d: NonNullable<Row>): DeploymentView {
  return {
    id: d.id,
    name: d.name,
    flow: d.flow.name,
    version: d.flowVersion.version,
    workQueue: d.workQueue.name,
    tags: d.tags,
    parameters: d.parameters as Record<string, unknown>,
    parameterSchema: (d.flowVersion.spec as unknown as FlowFile).parameters as Record<
      string,
      unknown
    >,
    retries: d.retries,
    runner: d.runner,
    image: d.image,
    daskScheduler: d.daskScheduler,
    ...storageView(d),
    concurrencyLimit: d.concurrencyLimit,
    paused: d.paused,
    catchup: d.catchup,
    catchupMax: d.catchupMax,
    overlap: d.overlap,
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
  };
}

function storageView(d: NonNullable<Row>): Pick<DeploymentView, "storage" | "storageSource"> {
  const { storage, source } = chooseStorageName({ deployment: d, flow: d.flow });
  return { storage, storageSource: source };
}

export async function getDeployment(db: Db, id: string): Promise<DeploymentView> {
  const row = isUuid(id) ? await findOne(db, id) : null;
  if (!row) throw new NotFoundError("deployment", id);
  return toView(row);
}

/** Deployments, optionally of one flow and/or with one name ("flow/name" lookups of the CLI). */
export async function listDeployments(
  db: Db,
  filter: { flow?: string; name?: string } = {},
): Promise<DeploymentView[]> {
  const rows = await db.deployment.findMany({
    where: {
      ...(filter.flow ? { flow: { name: filter.flow } } : {}),
      ...(filter.name ? { name: filter.name } : {}),
    },
    orderBy: [{ flow: { name: "asc" } }, { name: "asc" }],
    select,
  });
  return rows.map(toView);
}
