// Reading one flow for the studio's editor: a version's flow file (the latest unless one is
// asked for), the flow's version history, and what each version looked like.
import type { FlowFile } from "../../contract/flow-file/schema.ts";
import type { Db } from "../db/client.ts";
import { NotFoundError } from "../errors.ts";

export type FlowVersionView = {
  flowId: string;
  versionId: string;
  name: string;
  version: number;
  /** The newest version's number, so an editor on an older one can tell. */
  latestVersion: number;
  spec: FlowFile;
  createdAt: string;
  createdBy: string | null;
};

export async function getFlowVersionView(
  db: Db,
  name: string,
  version?: number,
): Promise<FlowVersionView> {
  const flow = await db.flow.findUnique({
    where: { name },
    select: {
      id: true,
      name: true,
      versions: {
        where: version === undefined ? {} : { version },
        orderBy: { version: "desc" },
        take: 1,
        select: {
          id: true,
          version: true,
          spec: true,
          createdAt: true,
          createdBy: { select: { name: true } },
        },
      },
    },
  });
  const row = flow?.versions[0];
  if (!flow || !row) {
    throw new NotFoundError(version === undefined ? "flow" : `version ${version} of flow`, name);
  }
  // Without a version asked for, the row read is the latest.
  const latest =
    version === undefined
      ? row.version
      : ((await db.flowVersion.aggregate({ where: { flowId: flow.id }, _max: { version: true } }))
          ._max.version ?? row.version);
  return {
    flowId: flow.id,
    versionId: row.id,
    name: flow.name,
    version: row.version,
    latestVersion: latest,
    spec: row.spec as unknown as FlowFile,
    createdAt: row.createdAt.toISOString(),
    createdBy: row.createdBy?.name ?? null,
  };
}

export type FlowVersionListItem = {
  version: number;
  createdAt: string;
  createdBy: string | null;
  tasks: number;
};

/** Every version of a flow, newest first: who saved it and when. */
export async function listFlowVersions(db: Db, name: string): Promise<FlowVersionListItem[]> {
  const flow = await db.flow.findUnique({ where: { name }, select: { id: true } });
  if (!flow) throw new NotFoundError("flow", name);
  // The task count is read in the database: a list of versions need not fetch every flow file.
  const rows = await db.$queryRaw<
    { version: number; createdAt: Date; createdBy: string | null; tasks: number }[]
  >`
    SELECT v.version, v."createdAt", u.name AS "createdBy",
      jsonb_array_length(v.spec -> 'tasks')::int AS tasks
    FROM "FlowVersion" v LEFT JOIN "User" u ON u.id = v."createdById"
    WHERE v."flowId" = ${flow.id}::uuid
    ORDER BY v.version DESC`;
  return rows.map((v) => ({
    version: v.version,
    createdAt: v.createdAt.toISOString(),
    createdBy: v.createdBy,
    tasks: v.tasks,
  }));
}
