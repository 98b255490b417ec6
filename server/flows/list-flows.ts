// Reading flows for lists (the API's GET /flows and the studio's flows page).
import type { Db } from "../db/client.ts";

export type FlowListItem = {
  id: string;
  name: string;
  description: string;
  version: number;
  updatedAt: Date;
};

export async function listFlows(db: Db): Promise<FlowListItem[]> {
  const flows = await db.flow.findMany({
    orderBy: { name: "asc" },
    select: {
      id: true,
      name: true,
      description: true,
      updatedAt: true,
      versions: { orderBy: { version: "desc" }, take: 1, select: { version: true } },
    },
  });
  return flows.map((f) => ({
    id: f.id,
    name: f.name,
    description: f.description,
    version: f.versions[0]?.version ?? 0,
    updatedAt: f.updatedAt,
  }));
}
