// `pipebook storage ls|create|rm`: where large results go (contract/api-v1/storages.ts). The
// secret access key is read from stdin (without echo at a terminal) or a file — never from the
// command line, where it would stay in the shell's history and the process list.
import fs from "node:fs";
import * as z from "zod";
import { ListStoragesResponseSchema, StorageSchema } from "../../contract/api-v1.ts";
import { defineCommand } from "../command.ts";
import { CliError, say, sayJson } from "../output.ts";
import { readHidden, readStdin } from "../read-input.ts";
import { table } from "../table.ts";

export const storageLsCommand = defineCommand({
  name: "storage ls",
  aliases: ["storages", "storage list"],
  operands: "",
  arity: { min: 0, max: 0 },
  summary: "list the storages large results go to",
  help: `Lists the storages: "local" (the server's data folder, built in, the default) and the
S3-compatible buckets created with \`pipebook storage create\`, with how many deployments use each
and how many results each holds. Credentials are never shown (only the secrets that hold them).`,
  options: {},
  run: async ({ api, values }) => {
    const result = await api().request("/api/v1/storages", ListStoragesResponseSchema);
    if (!result.ok) throw new CliError(`could not list the storages: ${result.error}`);
    if (values.json) return sayJson(result.data);
    say(
      table(
        ["NAME", "KIND", "WHERE", "DEPLOYMENTS", "RESULTS"],
        result.data.storages.map((s) => [
          s.name,
          s.kind,
          s.kind === "local"
            ? "the server's data folder"
            : `${s.endpoint ?? "AWS S3"} ${s.bucket}/${s.prefix}`,
          String(s.deployments),
          String(s.results),
        ]),
      ),
    );
  },
});

export const storageCreateCommand = defineCommand({
  name: "storage create",
  operands: "NAME",
  arity: { min: 1, max: 1 },
  summary: "create an S3-compatible storage (admins)",
  help: `Creates a storage for large results in an S3-compatible bucket (AWS S3, MinIO, R2, …).
The secret access key is read from stdin — typed without echo at a terminal, or piped — or from
--secret-access-key-file. Both keys are kept as secrets on the server and never shown again. The
bucket is reached with them first (unless --no-check); a refusal is reported in the storage's words.

  printf %s "$SECRET" | pipebook storage create s3-results --bucket results \\
      --endpoint http://127.0.0.1:9000 --path-style --access-key-id minio

Then: pipebook deploy flow.yaml --storage s3-results (or "storage:" in a deployment file).

Options:
  --bucket NAME                  the bucket (required)
  --endpoint URL                 the S3 endpoint; leave out for AWS itself
  --region REGION                default us-east-1
  --prefix PREFIX                keys start with PREFIX/ (default: none)
  --path-style                   path-style addressing (MinIO, s3rver need it)
  --access-key-id ID             the access key id (required)
  --secret-access-key-file FILE  read the secret access key from FILE
  --no-check                     save without reaching the bucket first`,
  options: {
    bucket: { type: "string" },
    endpoint: { type: "string" },
    region: { type: "string" },
    prefix: { type: "string" },
    "path-style": { type: "boolean", default: false },
    "access-key-id": { type: "string" },
    "secret-access-key-file": { type: "string" },
    "no-check": { type: "boolean", default: false },
  },
  run: async ({ api, values, positionals }) => {
    const name = positionals[0]!;
    if (!values.bucket) throw new CliError("--bucket NAME is required", 2);
    const accessKeyId = values["access-key-id"];
    if (!accessKeyId) throw new CliError("--access-key-id ID is required", 2);
    const file = values["secret-access-key-file"];
    let secretAccessKey: string;
    if (file) {
      try {
        secretAccessKey = fs.readFileSync(file, "utf8").trim();
      } catch (error) {
        throw new CliError(
          `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`,
        );
      }
    } else if (process.stdin.isTTY) {
      secretAccessKey = await readHidden("Secret access key (not shown): ");
    } else {
      secretAccessKey = (await readStdin()).replace(/\r?\n$/, "");
    }
    const body = {
      name,
      kind: "s3",
      bucket: values.bucket,
      ...(values.endpoint ? { endpoint: values.endpoint } : {}),
      ...(values.region ? { region: values.region } : {}),
      ...(values.prefix ? { prefix: values.prefix } : {}),
      forcePathStyle: values["path-style"],
      accessKeyId,
      secretAccessKey,
      verify: !values["no-check"],
    };
    const result = await api().request("/api/v1/storages", StorageSchema, {
      method: "POST",
      body: JSON.stringify(body),
    });
    if (!result.ok) throw new CliError(`could not create storage ${name}: ${result.error}`);
    if (values.json) return sayJson(result.data);
    say(
      `Created storage ${name} (bucket ${result.data.bucket}${result.data.prefix ? `, keys under ${result.data.prefix}` : ""}); its keys are kept as secrets ${result.data.credentialSecrets.join(" and ")}. Deployments use it with --storage ${name}`,
    );
  },
});

export const storageRmCommand = defineCommand({
  name: "storage rm",
  aliases: ["storage delete"],
  operands: "NAME",
  arity: { min: 1, max: 1 },
  summary: "remove a storage no deployment and no result uses (admins)",
  help: `Removes the storage and the secrets that hold its keys. Refused while a deployment uses it
or results of earlier runs are kept in it; "local" is built in and cannot be removed.`,
  options: {},
  run: async ({ api, positionals }) => {
    const name = positionals[0]!;
    const result = await api().request(
      `/api/v1/storages/${encodeURIComponent(name)}`,
      z.unknown(),
      {
        method: "DELETE",
      },
    );
    if (!result.ok) throw new CliError(`could not remove storage ${name}: ${result.error}`);
    say(`Removed storage ${name}`);
  },
});
