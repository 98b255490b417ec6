// Renaming a flow from the studio.
// A flow's name is part of its flow file, so a rename is a new version whose file carries the new
// name (the history stays readable and an export of any version is true to what ran). The
// deployments and runs stay attached to the flow itself.
import { FLOW_NAME_PATTERN, type FlowFile } from "../../contract/flow-file/schema.ts";
import { contentHash } from "../../contract/content-hash.ts";
import type { Db } from "../db/client.ts";
import { isUniqueViolation } from "../db/ids.ts";
import { toJson } from "../db/json.ts";
import { NotFoundError, PipebookError } from "../errors.ts";
import { SYSTEM_ACTOR, type Actor } from "../audit/actor.ts";
import { audit } from "../audit/record.ts";

export async function renameFlow(
  db: Db,
  input: { name: string; newName: string; actor?: Actor },
): Promise<{ id: string; name: string; version: number }> {
  if (!FLOW_NAME_PATTERN.test(input.newName) || input.newName.length > 100) {
    throw new PipebookError(
      "bad_request",
      `"${input.newName}" is not a valid flow name: start with a lowercase letter and use only lowercase letters, digits and - (e.g. github-stars)`,
    );
  }
  try {
    return await db.$transaction(async (tx) => {
      const flow = await tx.flow.findUnique({
        where: { name: input.name },
        select: {
          id: true,
          versions: {
            orderBy: { version: "desc" },
            take: 1,
            select: { version: true, spec: true, compiled: true },
          },
        },
      });
      const latest = flow?.versions[0];
      if (!flow || !latest) throw new NotFoundError("flow", input.name);
      if (input.newName === input.name) {
        return { id: flow.id, name: input.name, version: latest.version };
      }
      const spec = { ...(latest.spec as unknown as FlowFile), name: input.newName };
      await tx.flow.update({
        where: { id: flow.id },
        data: { name: input.newName, updatedAt: new Date() },
      });
      const created = await tx.flowVersion.create({
        data: {
          flowId: flow.id,
          version: latest.version + 1,
          contentHash: contentHash(spec),
          spec: toJson(spec),
          compiled: latest.compiled ?? {},
          createdById: input.actor?.userId ?? null,
        },
        select: { version: true },
      });
      await audit(
        tx,
        input.actor ?? SYSTEM_ACTOR,
        "flow.rename",
        { type: "flow", id: flow.id, name: input.newName },
        { from: input.name, version: created.version },
      );
      return { id: flow.id, name: input.newName, version: created.version };
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new PipebookError(
        "conflict",
        `a flow named "${input.newName}" already exists: choose another name`,
      );
    }
    throw error;
  }
}
