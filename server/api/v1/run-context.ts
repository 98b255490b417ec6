// /api/v1/run-context: what a run's agent fetches as each task attempt starts — the secrets and
// variables the task declares — authorised by the run token of its claim, and by nothing else.
import * as z from "zod";
import { TaskContextResponseSchema } from "../../../contract/agent-protocol.ts";
import { getTaskContext } from "../../run-context/get-task-context.ts";
import { getSecretKey } from "../../secrets/secret-key.ts";
import { route } from "../handler.ts";
import { json } from "../respond.ts";

export const getRunTaskContext = route(
  {
    access: "run",
    params: z.object({ task: z.string().describe("The task's name") }),
    docs: {
      operationId: "getTaskContext",
      summary: "A task's declared secrets and variables, for the agent running it",
      description:
        "Authorised only by the run token an agent receives with a claimed run (`Authorization: Bearer pbr_…`); API keys open nothing here. The token works while the run is held under that claim's lease and stops when the run ends, its lease lapses or it is claimed again. Answers only the names the task declares in the flow file.",
      tag: "Agent protocol",
      responses: {
        200: { description: "The task's context", schema: TaskContextResponseSchema },
      },
      errors: [404, 409],
    },
  },
  async ({ db, request, params }) => {
    const auth = request.headers.get("authorization");
    const token = auth?.match(/^Bearer\s+(\S+)\s*$/i)?.[1] ?? null;
    return json(
      200,
      await getTaskContext(db, getSecretKey(), { token, task: params.task }),
      // Values of secrets: no cache anywhere may keep this answer.
      { "cache-control": "no-store" },
    );
  },
);
