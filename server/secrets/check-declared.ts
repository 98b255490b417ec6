// Deploying a flow whose tasks declare secrets or variables that do not exist is refused, naming
// each task and name, rather than leaving its runs to fail at their first task. (A secret deleted
// after deploying fails the task that needs it when it starts, with the same words.)
import type { Task } from "../../contract/flow-file/schema.ts";
import type { Db } from "../db/client.ts";
import { PipebookError } from "../errors.ts";

export async function checkDeclaredNamesExist(db: Db, flow: string, tasks: readonly Task[]) {
  const wanted = (kind: "secrets" | "variables") => [
    ...new Set(tasks.flatMap((t) => t[kind] ?? [])),
  ];
  const secrets = wanted("secrets");
  const variables = wanted("variables");
  if (!secrets.length && !variables.length) return;
  const [haveSecrets, haveVariables] = await Promise.all([
    secrets.length
      ? db.secret.findMany({ where: { name: { in: secrets } }, select: { name: true } })
      : [],
    variables.length
      ? db.variable.findMany({ where: { name: { in: variables } }, select: { name: true } })
      : [],
  ]);
  const known = {
    secrets: new Set(haveSecrets.map((s) => s.name)),
    variables: new Set(haveVariables.map((v) => v.name)),
  };
  const problems = tasks.flatMap((task) => [
    ...(task.secrets ?? [])
      .filter((name) => !known.secrets.has(name))
      .map((name) => `task "${task.name}" declares secret "${name}", which does not exist`),
    ...(task.variables ?? [])
      .filter((name) => !known.variables.has(name))
      .map((name) => `task "${task.name}" declares variable "${name}", which does not exist`),
  ]);
  if (problems.length) {
    throw new PipebookError(
      "bad_request",
      `cannot deploy flow "${flow}": ${problems.join("; ")} — set them first in the studio (Secrets & variables) or with \`pipebook secret set NAME\` / \`pipebook var set NAME VALUE\``,
    );
  }
}
