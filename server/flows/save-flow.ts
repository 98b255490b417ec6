// Saving a flow: compile its cells, then — in one transaction — create the flow on first save
// and a new immutable version when the content differs from the latest. Saving the same content
// again returns the latest version unchanged. A refused flow leaves nothing behind.
import { FlowFileError } from "../../contract/flow-file/issues.ts";
import {
  checkFlowFileText,
  locateIssues,
  sortByLocation,
  type FlowCheck,
  type FlowFileFormat,
} from "../../contract/flow-file/parse.ts";
import type { Db } from "../db/client.ts";
import { isUniqueViolation } from "../db/ids.ts";
import { toJson } from "../db/json.ts";
import { compileTasks } from "./compile-tasks.ts";
import { contentHash } from "../../contract/content-hash.ts";
import { getConfig } from "../config.ts";
import { SYSTEM_ACTOR, type Actor } from "../audit/actor.ts";
import { audit } from "../audit/record.ts";

export type SavedFlow = {
  id: string;
  name: string;
  version: number;
  versionId: string;
  /** False when the content equalled the latest version's and nothing was written. */
  created: boolean;
};

export async function saveFlow(
  db: Db,
  input: { check: FlowCheck; actor?: Actor },
): Promise<SavedFlow> {
  const actor = input.actor ?? SYSTEM_ACTOR;
  const { flow, locator } = input.check;
  // Code problems are reported together with the rest (a cycle and a syntax error at once),
  // whenever the structure is sound enough to compile.
  const compiled = flow ? await compileTasks(flow, { python: getConfig().checkPython }) : undefined;
  const issues = [
    ...input.check.issues,
    ...(compiled && !compiled.ok ? locateIssues(compiled.issues, locator) : []),
  ];
  if (!flow || !compiled?.ok || issues.length) throw new FlowFileError(sortByLocation(issues));
  const hash = contentHash(flow);

  // Two saves of one flow at once both read version N and both try N+1: the unique index on
  // (flowId, version) refuses one, which then reads again and goes on from there.
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.$transaction(async (tx) => {
        const row = await tx.flow.upsert({
          where: { name: flow.name },
          create: { name: flow.name, description: flow.description },
          update: {},
          select: { id: true },
        });
        const latest = await tx.flowVersion.findFirst({
          where: { flowId: row.id },
          orderBy: { version: "desc" },
          select: { id: true, version: true, contentHash: true },
        });
        if (latest?.contentHash === hash) {
          return {
            id: row.id,
            name: flow.name,
            version: latest.version,
            versionId: latest.id,
            created: false,
          };
        }
        const version = await tx.flowVersion.create({
          data: {
            flowId: row.id,
            version: (latest?.version ?? 0) + 1,
            contentHash: hash,
            spec: toJson(flow),
            compiled: toJson(compiled.compiled),
            createdById: actor.userId,
          },
          select: { id: true, version: true },
        });
        await audit(
          tx,
          actor,
          latest ? "flow.update" : "flow.create",
          { type: "flow", id: row.id, name: flow.name },
          { version: version.version },
        );
        await tx.flow.update({
          where: { id: row.id },
          data: { description: flow.description, updatedAt: new Date() },
        });
        return {
          id: row.id,
          name: flow.name,
          version: version.version,
          versionId: version.id,
          created: true,
        };
      });
    } catch (error) {
      if (attempt < 5 && isUniqueViolation(error)) continue;
      throw error;
    }
  }
}

/** Imports a flow file's text (JSON or YAML): parse, validate, compile, save. */
export async function importFlowFile(
  db: Db,
  input: { text: string; format: FlowFileFormat; actor?: Actor },
): Promise<SavedFlow> {
  return saveFlow(db, { check: checkFlowFileText(input.text, input.format), actor: input.actor });
}
