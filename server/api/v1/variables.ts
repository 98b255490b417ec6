// /api/v1/variables: plain named values that tasks read, every version kept.
// Reads: GET /variables, GET /variables/{name}, GET /variables/{name}/history.
// Writes: PUT and DELETE /variables/{name}.
import {
  ListVariablesResponseSchema,
  SetVariableRequestSchema,
  SetVariableResponseSchema,
  VariableHistoryResponseSchema,
  VariableNameParamsSchema,
  VariableSchema,
} from "../../../contract/api-v1.ts";
import { deleteVariable } from "../../variables/delete-variable.ts";
import { getVariable, getVariableHistory, listVariables } from "../../variables/list-variables.ts";
import { setVariable } from "../../variables/set-variable.ts";
import { route } from "../handler.ts";
import { json } from "../respond.ts";

const tag = "Secrets and variables" as const;

export const getVariables = route(
  {
    access: "read",
    docs: {
      operationId: "listVariables",
      summary: "List the variables with their current values",
      tag,
      responses: { 200: { description: "The variables", schema: ListVariablesResponseSchema } },
      errors: [],
    },
  },
  async ({ db }) => json(200, { variables: await listVariables(db) }),
);

export const getVariableRoute = route(
  {
    access: "read",
    params: VariableNameParamsSchema,
    docs: {
      operationId: "getVariable",
      summary: "Read a variable's current value",
      tag,
      responses: { 200: { description: "The variable", schema: VariableSchema } },
      errors: [404],
    },
  },
  async ({ db, params }) => json(200, await getVariable(db, params.name)),
);

export const getVariableHistoryRoute = route(
  {
    access: "read",
    params: VariableNameParamsSchema,
    docs: {
      operationId: "getVariableHistory",
      summary: "Every value a variable has had, newest first, with who set it when",
      tag,
      responses: {
        200: { description: "The versions", schema: VariableHistoryResponseSchema },
      },
      errors: [404],
    },
  },
  async ({ db, params }) => json(200, await getVariableHistory(db, params.name)),
);

export const putVariable = route(
  {
    access: "edit",
    params: VariableNameParamsSchema,
    body: SetVariableRequestSchema,
    docs: {
      operationId: "setVariable",
      summary: "Set a variable (any JSON value): a new version when the value changes",
      description:
        "Tasks that declare the variable (`variables: [NAME]`) read it with `get_variable`/`variable()` or, in shell tasks, as `$NAME` (JSON unless a string).",
      tag,
      responses: {
        200: { description: "The variable after the change", schema: SetVariableResponseSchema },
      },
      errors: [],
    },
  },
  async ({ db, params, body, actor }) =>
    json(
      200,
      await setVariable(db, {
        name: params.name,
        value: body.value,
        actor,
      }),
    ),
);

export const deleteVariableRoute = route(
  {
    access: "edit",
    params: VariableNameParamsSchema,
    docs: {
      operationId: "deleteVariable",
      summary: "Delete a variable and its history",
      tag,
      responses: { 204: { description: "Deleted" } },
      errors: [404],
    },
  },
  async ({ db, params, actor }) => {
    await deleteVariable(db, params.name, actor);
    return new Response(null, { status: 204 });
  },
);
