// `pipebook run artifacts RUN` lists the files a run's tasks left in $PIPEBOOK_ARTIFACTS;
// `pipebook run download-artifact RUN NAME [-o FILE]` downloads one, streamed (to a file, or to
// stdout when -o is "-").
import fs from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import { ArtifactListSchema, type Artifact } from "../../contract/api-v1.ts";
import { formatBytes } from "../../contract/format-bytes.ts";
import type { ApiClient } from "../api-client.ts";
import { defineCommand } from "../command.ts";
import { CliError, say, sayJson, warn } from "../output.ts";
import { table } from "../table.ts";

async function listOf(api: ApiClient, run: string, task?: string): Promise<Artifact[]> {
  const answer = await api.request(
    `/api/v1/flow-runs/${encodeURIComponent(run)}/artifacts`,
    ArtifactListSchema,
    { query: { task } },
  );
  if (!answer.ok) throw new CliError(answer.error);
  return answer.data.artifacts;
}

export const runArtifactsCommand = defineCommand({
  name: "run artifacts",
  operands: "RUN",
  arity: { min: 1, max: 1 },
  summary: "list a run's artifacts: name, task, attempt, size, type",
  help: `Lists the artifacts of flow run RUN (its id): the files its tasks wrote to
$PIPEBOOK_ARTIFACTS or saved with save_artifact() / saveArtifact(), by task, with each one's
attempt, size and type. Download one with "pipebook run download-artifact RUN NAME".

Options:
  --task TASK          only this task's artifacts
  --json               {"artifacts": [...]}: each with its id and download path`,
  options: { task: { type: "string" } },
  run: async ({ api, values, positionals }) => {
    const artifacts = await listOf(api(), positionals[0]!, values.task);
    if (values.json) {
      sayJson({ artifacts });
      return 0;
    }
    if (artifacts.length === 0) {
      say(values.task ? `Task ${values.task} left no artifacts.` : "This run has no artifacts.");
      return 0;
    }
    say(
      table(
        ["NAME", "TASK", "ATTEMPT", "SIZE", "TYPE"],
        artifacts.map((a) => [
          a.name,
          a.item === null ? a.task : `${a.task}[${a.item}]`,
          String(a.attempt),
          formatBytes(a.sizeBytes),
          a.contentType,
        ]),
      ),
    );
    return 0;
  },
});

export const runDownloadArtifactCommand = defineCommand({
  name: "run download-artifact",
  operands: "RUN NAME",
  arity: { min: 2, max: 2 },
  summary: "download an artifact of a run (to a file, or stdout)",
  help: `Downloads artifact NAME of flow run RUN to a file named like it (its last path part) in
this folder, or where -o says ("-": stdout). When several attempts (or items) left an artifact of
that name, the latest attempt's is taken; --task and --attempt choose another.

Options:
  -o, --output FILE    where to write it ("-" for stdout)
  --task TASK          the task whose artifact it is
  --attempt N          the attempt that left it`,
  options: {
    output: { type: "string", short: "o" },
    task: { type: "string" },
    attempt: { type: "string" },
  },
  run: async ({ api, values, positionals }) => {
    const [run, name] = positionals as [string, string];
    const client = api();
    const matching = (await listOf(client, run, values.task)).filter(
      (a) =>
        a.name === name && (values.attempt === undefined || String(a.attempt) === values.attempt),
    );
    const artifact = matching.at(-1);
    if (!artifact) {
      throw new CliError(
        `flow run ${run} has no artifact "${name}"${values.task ? ` of task ${values.task}` : ""}${values.attempt ? ` from attempt ${values.attempt}` : ""} (list them with: pipebook run artifacts ${run})`,
      );
    }
    const answer = await client.download(artifact.url);
    if (!answer.ok) throw new CliError(answer.error);
    const body = Readable.fromWeb(answer.data.body as NodeReadableStream);
    const output = values.output ?? name.split("/").pop()!;
    if (output === "-") {
      await pipeline(body, process.stdout, { end: false });
      return 0;
    }
    await pipeline(body, fs.createWriteStream(output));
    warn(
      `Downloaded ${artifact.name} (${formatBytes(artifact.sizeBytes)}, task ${artifact.task}, attempt ${artifact.attempt}) to ${output}`,
    );
    return 0;
  },
});
