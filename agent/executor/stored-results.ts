// Large results in a run: a task's result written to a file by its kernel is uploaded to the
// run's storage (the agent streams the file; it never parses it), and an upstream result in
// storage reaches a task as a file its kernel reads. Only consumers that need the value whole in
// the agent (a mapped task's lists, a Dask attempt) read it into memory.
import fs from "node:fs";
import type { TaskError } from "../../contract/agent-protocol.ts";
import type { TaskOutcome } from "../kernels/output.ts";
import type { RunStorage } from "../storage/run-storage.ts";
import { materialise, StoredValue } from "../storage/stored-value.ts";

type Settled = { ok: true; result: unknown } | { ok: false; error: TaskError };

export async function settleResult(
  env: { storage?: RunStorage },
  outcome: Extract<TaskOutcome, { ok: true }>,
  where: { task: string; attempt: number; item?: number | undefined },
): Promise<Settled> {
  if ("resultJson" in outcome) return { ok: true, result: JSON.parse(outcome.resultJson) };
  if (!env.storage) {
    // No storage here (inside a docker runner's container): the value travels inline.
    const value = materialise(outcome.resultFile);
    fs.rmSync(outcome.resultFile, { force: true });
    return { ok: true, result: value };
  }
  const { item, ...rest } = where;
  const uploaded = await env.storage.upload(
    item === undefined ? rest : { ...rest, item },
    outcome.resultFile,
    outcome.sizeBytes,
  );
  if (uploaded.ok) return { ok: true, result: uploaded.value };
  return {
    ok: false,
    error: {
      type: "StorageError",
      message: `the result (${(outcome.sizeBytes / 1024 / 1024).toFixed(1)} MB of JSON) could not be stored: ${uploaded.error}`,
    },
  };
}

export async function splitStoredInputs(
  env: { storage?: RunStorage },
  inputs: Record<string, unknown>,
  whole: boolean,
): Promise<
  | { ok: true; inputs: Record<string, unknown>; files: Record<string, string> }
  | { ok: false; error: TaskError }
> {
  const stored = Object.entries(inputs).filter(
    (entry): entry is [string, StoredValue] => entry[1] instanceof StoredValue,
  );
  if (stored.length === 0) return { ok: true, inputs, files: {} };
  const plain: Record<string, unknown> = { ...inputs };
  const files: Record<string, string> = {};
  for (const [name, value] of stored) {
    const got = env.storage
      ? await env.storage.fileOf(value)
      : value.file
        ? { ok: true as const, value: value.file }
        : { ok: false as const, error: "this runner cannot read results from storage" };
    if (!got.ok) {
      return {
        ok: false,
        error: {
          type: "StorageError",
          message: `input "${name}" (a stored result of ${(value.ref.sizeBytes / 1024 / 1024).toFixed(1)} MB) could not be read: ${got.error}`,
        },
      };
    }
    delete plain[name];
    if (whole) plain[name] = materialise(got.value);
    else files[name] = got.value;
  }
  return { ok: true, inputs: plain, files };
}
