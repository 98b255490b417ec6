import * as z from "zod";
import { FlowVersionNumberSchema, SetFlowStorageRequestSchema } from "../../../contract/api-v1.ts";
import { formatFlowFile } from "../../../contract/flow-file/export.ts";
import { checkFlowFile, checkFlowFileText } from "../../../contract/flow-file/parse.ts";
import { PipebookError } from "../../errors.ts";
import { getFlowVersionView, listFlowVersions } from "../../flows/get-flow.ts";
import { listFlows } from "../../flows/list-flows.ts";
import { environmentLockViews } from "../../flows/environment-locks.ts";
import { deleteFlow } from "../../flows/delete-flow.ts";
import { renameFlow } from "../../flows/rename-flow.ts";
import { saveFlow } from "../../flows/save-flow.ts";
import { getFlowStorage, setFlowStorage } from "../../storage/flow-storage.ts";
import { editProcedure, readProcedure, router } from "../init.ts";

const FlowName = z.object({ name: z.string().min(1).max(100) });
const Version = FlowVersionNumberSchema.optional();
const Format = z.enum(["yaml", "json"]);

export const flowsRouter = router({
  list: readProcedure.query(async ({ ctx }) =>
    (await listFlows(ctx.db, { lateAfterMs: ctx.config.lateAfterMs })).map((f) => ({
      ...f,
      updatedAt: f.updatedAt.toISOString(),
    })),
  ),

  get: readProcedure
    .input(FlowName.extend({ version: Version }))
    .query(({ ctx, input }) => getFlowVersionView(ctx.db, input.name, input.version)),

  /** A version's dependency sets, as declared and as the first agent build locked them. */
  locks: readProcedure
    .input(FlowName.extend({ version: Version }))
    .query(async ({ ctx, input }) => {
      const view = await getFlowVersionView(ctx.db, input.name, input.version);
      return environmentLockViews(ctx.db, view.versionId, view.spec);
    }),

  /** The flow's storage and where each of its deployments writes (server/storage/storage-choice.ts). */
  storage: readProcedure
    .input(FlowName)
    .query(({ ctx, input }) => getFlowStorage(ctx.db, input.name)),

  /** Chooses the flow's storage (null or "local": none, the default). */
  setStorage: editProcedure
    .input(FlowName.extend(SetFlowStorageRequestSchema.shape))
    .mutation(({ ctx, input }) => setFlowStorage(ctx.db, input.name, input.storage, ctx.actor)),

  versions: readProcedure
    .input(FlowName)
    .query(({ ctx, input }) => listFlowVersions(ctx.db, input.name)),

  /** Saves the editor's flow file; refused with every issue located on its task and line. */
  save: editProcedure
    .input(z.object({ flow: z.unknown() }))
    .mutation(({ ctx, input }) =>
      saveFlow(ctx.db, { check: checkFlowFile(input.flow), actor: ctx.actor }),
    ),

  /** "New flow": an empty flow of that name (refused when the name is taken). */
  create: editProcedure
    .input(z.object({ name: z.string().max(100), description: z.string().max(10_000).default("") }))
    .mutation(async ({ ctx, input }) => {
      if (await ctx.db.flow.findUnique({ where: { name: input.name }, select: { id: true } })) {
        throw new PipebookError(
          "conflict",
          `a flow named "${input.name}" already exists: open it, or choose another name`,
        );
      }
      return saveFlow(ctx.db, {
        check: checkFlowFile({ name: input.name, description: input.description, tasks: [] }),
        actor: ctx.actor,
      });
    }),

  rename: editProcedure
    .input(FlowName.extend({ newName: z.string().max(100) }))
    .mutation(({ ctx, input }) =>
      renameFlow(ctx.db, {
        name: input.name,
        newName: input.newName,
        actor: ctx.actor,
      }),
    ),

  delete: editProcedure
    .input(FlowName)
    .mutation(({ ctx, input }) => deleteFlow(ctx.db, input.name, ctx.actor)),

  import: editProcedure
    .input(z.object({ text: z.string().max(10_000_000), format: Format.optional() }))
    .mutation(({ ctx, input }) => {
      const format = input.format ?? (input.text.trimStart().startsWith("{") ? "json" : "yaml");
      return saveFlow(ctx.db, {
        check: checkFlowFileText(input.text, format),
        actor: ctx.actor,
      });
    }),

  export: readProcedure
    .input(FlowName.extend({ version: Version, format: Format }))
    .query(async ({ ctx, input }) => {
      const view = await getFlowVersionView(ctx.db, input.name, input.version);
      return {
        fileName: `${view.name}.${input.format === "yaml" ? "yaml" : "json"}`,
        text: formatFlowFile(view.spec, input.format),
      };
    }),
});
