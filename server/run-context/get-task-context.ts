// A task's context: the secrets and variables it declares, for the agent running it, authorised
// by the run's token alone — an API key of any kind opens nothing here, and a token opens only
// its own run's tasks, only while the run is held under the lease it was minted with.
import type { TaskContext } from "../../contract/agent-protocol.ts";
import { declaredNames } from "../../contract/flow-file/declared-names.ts";
import type { Db } from "../db/client.ts";
import { PipebookError } from "../errors.ts";
import { getFlowVersion } from "../flows/version-cache.ts";
import { isActiveFlowRunState } from "../../contract/run-states.ts";
import type { SecretKey } from "../secrets/crypto.ts";
import { readSecretValues, requireAll } from "../secrets/read-secret-values.ts";
import { rememberServedValues } from "../secrets/run-masks.ts";
import { readVariableValues } from "../variables/list-variables.ts";
import { runOfToken, runTokenMatches } from "./run-token.ts";

/** The run a bearer run token opens, or a 401 saying why not. */
export async function authenticateRunToken(
  db: Db,
  key: SecretKey,
  token: string | null,
): Promise<{ flowRunId: string; flowVersionId: string; cellTask: string | null }> {
  const runId = token ? runOfToken(token) : null;
  if (!token || !runId) {
    throw new PipebookError(
      "unauthorized",
      "a run token is required (Authorization: Bearer pbr_…): agents receive one with each run they claim",
    );
  }
  const run = await db.flowRun.findUnique({
    where: { id: runId },
    select: {
      state: true,
      leaseId: true,
      leaseExpiresAt: true,
      flowVersionId: true,
      cellTask: true,
    },
  });
  if (!run?.leaseId || !runTokenMatches(key, token, run.leaseId)) {
    throw new PipebookError(
      "unauthorized",
      "the run token is not valid: it belongs to an earlier claim of the run, or it was mistyped",
    );
  }
  if (!isActiveFlowRunState(run.state) || !run.leaseExpiresAt || run.leaseExpiresAt <= new Date()) {
    throw new PipebookError(
      "unauthorized",
      `the run token has expired: flow run ${runId} is ${run.state}${isActiveFlowRunState(run.state) ? " and its lease lapsed" : ""}`,
    );
  }
  return { flowRunId: runId, flowVersionId: run.flowVersionId, cellTask: run.cellTask };
}

export async function getTaskContext(
  db: Db,
  key: SecretKey,
  input: { token: string | null; task: string },
): Promise<TaskContext> {
  const run = await authenticateRunToken(db, key, input.token);
  const version = await getFlowVersion(db, run.flowVersionId);
  const task = version.spec.tasks.find((t) => t.name === input.task);
  // A cell run executes only some of its version's tasks: the others are not its to ask for.
  const inRun =
    task &&
    (!run.cellTask ||
      (await db.taskRun.count({
        where: { flowRunId: run.flowRunId, name: task.name, mapIndex: -1 },
      })) > 0);
  if (!task || !inRun) {
    throw new PipebookError("not_found", `flow run ${run.flowRunId} has no task "${input.task}"`);
  }
  const context = `task "${task.name}" of flow "${version.flow}"`;
  const secrets = requireAll(await readSecretValues(db, key, task.secrets ?? []), context);
  const variables = await readVariableValues(db, task.variables ?? []);
  const missing = variables.missing[0];
  if (missing !== undefined) {
    throw new PipebookError(
      "not_found",
      `${context} declares variable "${missing}", which does not exist: set it in the studio (Secrets & variables) or with \`pipebook var set ${missing} VALUE\``,
    );
  }
  rememberServedValues(
    run.flowRunId,
    declaredNames(version.spec.tasks, "secrets"),
    secrets.values(),
  );
  return {
    secrets: Object.fromEntries(secrets),
    variables: Object.fromEntries(variables.values),
  };
}
