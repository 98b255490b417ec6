// Storage blocks: listing, creating and removing the named storages, and opening one as an
// ObjectStore. `local` (the server's data folder) is built in: no row, always listed, the default
// of every deployment. S3 credentials become two secrets (server/secrets/) named after the
// storage; the row keeps only their names.
import path from "node:path";
import {
  LOCAL_STORAGE,
  type CreateStorageRequestSchema,
  type Storage,
} from "../../contract/api-v1.ts";
import type * as z from "zod";
import { SYSTEM_ACTOR, type Actor } from "../audit/actor.ts";
import { audit } from "../audit/record.ts";
import { getConfig } from "../config.ts";
import type { Db } from "../db/client.ts";
import { NotFoundError, PipebookError } from "../errors.ts";
import { closestName } from "../../contract/closest-name.ts";
import { encryptSecret } from "../secrets/crypto.ts";
import { readSecretValues, requireAll } from "../secrets/read-secret-values.ts";
import { getSecretKey } from "../secrets/secret-key.ts";
import { LocalStore } from "./local-store.ts";
import type { ObjectStore } from "./object-store.ts";
import { S3Store, type S3Settings } from "./s3-store.ts";
import { deploymentsUsing } from "./storage-choice.ts";

type CreateStorage = z.output<typeof CreateStorageRequestSchema>;

let localRoot: string | undefined;
let local: LocalStore | undefined;
const s3Stores = new Map<string, S3Store>();

/** Where the local storage keeps its files (tests point it at a folder of their own). */
export function installLocalStorageRoot(root: string): void {
  localRoot = path.resolve(root);
  local = undefined;
}

export function localStore(): LocalStore {
  local ??= new LocalStore(localRoot ?? path.join(getConfig().home, "storage"), getSecretKey());
  return local;
}

/** The secrets that hold a storage's credentials: STORAGE_<NAME>_ACCESS_KEY_ID and …_SECRET_ACCESS_KEY. */
export function credentialSecretNames(name: string): { id: string; secret: string } {
  const base = `STORAGE_${name.toUpperCase().replace(/-/g, "_")}`;
  return { id: `${base}_ACCESS_KEY_ID`, secret: `${base}_SECRET_ACCESS_KEY` };
}

/** A storage to read or write: null (or the local one's name) is the server's folder. */
export async function storeOf(db: Db, storageId: string | null): Promise<ObjectStore> {
  if (storageId === null) return localStore();
  const cached = s3Stores.get(storageId);
  if (cached) return cached;
  const row = await db.storage.findUnique({ where: { id: storageId } });
  if (!row) throw new NotFoundError("storage", storageId);
  const names = [row.accessKeyIdSecret, row.secretAccessKeySecret].filter(
    (n): n is string => n !== null,
  );
  const values = requireAll(
    await readSecretValues(db, getSecretKey(), names),
    `storage "${row.name}"`,
  );
  const store = new S3Store({
    name: row.name,
    endpoint: row.endpoint,
    region: row.region,
    bucket: row.bucket,
    prefix: row.prefix,
    forcePathStyle: row.forcePathStyle,
    accessKeyId: values.get(row.accessKeyIdSecret ?? "") ?? "",
    secretAccessKey: values.get(row.secretAccessKeySecret ?? "") ?? "",
  });
  s3Stores.set(storageId, store);
  return store;
}

/** A storage's id by name (null for `local`), or a clear error naming the ones there are. */
export async function resolveStorage(db: Db, name: string): Promise<string | null> {
  if (name === LOCAL_STORAGE) return null;
  const row = await db.storage.findUnique({ where: { name }, select: { id: true } });
  if (row) return row.id;
  const known = [
    LOCAL_STORAGE,
    ...(await db.storage.findMany({ select: { name: true } })).map((s) => s.name),
  ];
  const hint = closestName(name, known);
  throw new PipebookError(
    "not_found",
    `storage "${name}" does not exist${hint ? ` (did you mean "${hint}"?)` : ""}; storages: ${known.join(", ")} — create one in the studio (Storage) or with \`pipebook storage create\``,
  );
}

export async function listStorages(db: Db): Promise<Storage[]> {
  const [rows, localDeployments, localResults] = await Promise.all([
    db.storage.findMany({
      orderBy: { name: "asc" },
      include: { _count: { select: { results: true } } },
    }),
    db.deployment.count({ where: deploymentsUsing(null) }),
    db.result.count({ where: { storageId: null, storageKey: { not: null } } }),
  ]);
  // Deployments by the storage they write to (storage-choice.ts: their own or their flow's).
  const usedBy = await Promise.all(
    rows.map((row) => db.deployment.count({ where: deploymentsUsing(row.id) })),
  );
  return [
    {
      name: LOCAL_STORAGE,
      kind: "local",
      builtIn: true,
      endpoint: null,
      region: null,
      bucket: null,
      prefix: "",
      forcePathStyle: false,
      credentialSecrets: [],
      deployments: localDeployments,
      results: localResults,
      createdAt: null,
    },
    ...rows.map((row, i) => ({
      name: row.name,
      kind: row.kind,
      builtIn: false,
      endpoint: row.endpoint,
      region: row.region,
      bucket: row.bucket,
      prefix: row.prefix,
      forcePathStyle: row.forcePathStyle,
      credentialSecrets: [row.accessKeyIdSecret, row.secretAccessKeySecret].filter(
        (n): n is string => n !== null,
      ),
      deployments: usedBy[i] ?? 0,
      results: row._count.results,
      createdAt: row.createdAt.toISOString(),
    })),
  ];
}

export async function createStorage(
  db: Db,
  input: CreateStorage,
  actor: Actor = SYSTEM_ACTOR,
): Promise<Storage> {
  if (await db.storage.findUnique({ where: { name: input.name }, select: { id: true } })) {
    throw new PipebookError("conflict", `storage "${input.name}" already exists`);
  }
  const prefix = input.prefix && !input.prefix.endsWith("/") ? `${input.prefix}/` : input.prefix;
  const settings: S3Settings = {
    name: input.name,
    endpoint: input.endpoint ?? null,
    region: input.region,
    bucket: input.bucket,
    prefix,
    forcePathStyle: input.forcePathStyle,
    accessKeyId: input.accessKeyId,
    secretAccessKey: input.secretAccessKey,
  };
  // Refused here, with the storage's own words, rather than when the first large result fails.
  if (input.verify) await new S3Store(settings).check();
  const secrets = credentialSecretNames(input.name);
  const key = getSecretKey();
  // The keys are written as secrets (encrypted here) in the storage's own transaction: one
  // change, audited once as storage.create (never with a value).
  await db.$transaction(async (tx) => {
    for (const [name, value] of [
      [secrets.id, input.accessKeyId],
      [secrets.secret, input.secretAccessKey],
    ] as const) {
      const ciphertext = new Uint8Array(encryptSecret(key, name, value));
      await tx.secret.upsert({
        where: { name },
        create: { name, ciphertext, keyId: key.id, updatedById: actor.userId },
        update: { ciphertext, keyId: key.id, updatedById: actor.userId, updatedAt: new Date() },
      });
    }
    const row = await tx.storage.create({
      data: {
        name: input.name,
        kind: "s3",
        endpoint: settings.endpoint,
        region: settings.region,
        bucket: settings.bucket,
        prefix,
        forcePathStyle: settings.forcePathStyle,
        accessKeyIdSecret: secrets.id,
        secretAccessKeySecret: secrets.secret,
      },
    });
    await audit(
      tx,
      actor,
      "storage.create",
      { type: "storage", id: row.id, name: row.name },
      {
        kind: "s3",
        bucket: row.bucket,
      },
    );
  });
  const created = (await listStorages(db)).find((s) => s.name === input.name);
  return created!;
}

export async function deleteStorage(
  db: Db,
  name: string,
  actor: Actor = SYSTEM_ACTOR,
): Promise<void> {
  if (name === LOCAL_STORAGE) {
    throw new PipebookError(
      "conflict",
      `"${LOCAL_STORAGE}" is the built-in storage (the server's data folder) and cannot be removed`,
    );
  }
  const row = await db.storage.findUnique({
    where: { name },
    include: {
      // Flows that chose it, and deployments that chose it themselves (storage-choice.ts): a
      // deployment following such a flow is named through its flow.
      flows: { select: { name: true }, orderBy: { name: "asc" }, take: 5 },
      deployments: {
        where: { storageFollowsFlow: false },
        select: { name: true, flow: { select: { name: true } } },
        take: 5,
      },
    },
  });
  if (!row) await resolveStorage(db, name);
  const storage = row!;
  const users = [
    ...storage.flows.map((f) => `flow ${f.name}`),
    ...storage.deployments.map((d) => `deployment ${d.flow.name}/${d.name}`),
  ];
  if (users.length) {
    throw new PipebookError(
      "conflict",
      `storage "${name}" is in use by ${users.join(", ")}: choose another storage for ${users.length > 1 ? "them" : "it"} first (\`pipebook flow storage FLOW --clear\`, \`pipebook deploy … --storage\`)`,
    );
  }
  const results = await db.result.count({ where: { storageId: storage.id } });
  if (results) {
    throw new PipebookError(
      "conflict",
      `storage "${name}" holds ${results} result${results > 1 ? "s" : ""} of earlier runs, which would become unreadable: delete those runs first`,
    );
  }
  const artifacts = await db.artifact.count({ where: { storageId: storage.id } });
  if (artifacts) {
    throw new PipebookError(
      "conflict",
      `storage "${name}" holds ${artifacts} artifact${artifacts > 1 ? "s" : ""} of earlier runs, which would become unreadable: delete those runs first`,
    );
  }
  const secrets = [storage.accessKeyIdSecret, storage.secretAccessKeySecret].filter(
    (n): n is string => n !== null,
  );
  await db.$transaction(async (tx) => {
    await tx.storage.delete({ where: { id: storage.id } });
    await tx.secret.deleteMany({ where: { name: { in: secrets } } });
    await audit(tx, actor, "storage.delete", { type: "storage", id: storage.id, name });
  });
  s3Stores.delete(storage.id);
}
