// Secrets and variables through the services and the studio's procedures, on a real database:
// values stored only encrypted, never returned; variables versioned with who and when.
import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { clearForms, databaseText } from "../../test/support/database-text.ts";
import { freshDatabase } from "../../test/support/database.ts";
import { actorOf, principalOf, seedFlow, uniqueName } from "../../test/support/seed.ts";
import { loadConfig } from "../config.ts";
import { createDeployment } from "../deployments/create-deployment.ts";
import { appRouter } from "../trpc/root.ts";
import { getVariableHistory, getVariable } from "../variables/list-variables.ts";
import { setVariable } from "../variables/set-variable.ts";
import { deleteVariable } from "../variables/delete-variable.ts";
import { deleteSecret } from "./delete-secret.ts";
import { listSecrets } from "./list-secrets.ts";
import { readSecretValues } from "./read-secret-values.ts";
import { getSecretKey } from "./secret-key.ts";
import { setSecret } from "./set-secret.ts";

const test = freshDatabase();
const secretName = () => `S_${crypto.randomBytes(4).toString("hex").toUpperCase()}`;
const secretValue = () => `sv-${crypto.randomBytes(12).toString("base64url")}`;

async function user() {
  return test.db.user.create({ data: { name: uniqueName("user") } });
}

describe("secrets", () => {
  it("are stored encrypted, listed without their values, replaced and deleted", async () => {
    const alice = await user();
    const bob = await user();
    const name = secretName();
    const [first, second] = [secretValue(), secretValue()];

    const created = await setSecret(test.db, getSecretKey(), {
      name,
      value: first,
      actor: actorOf(alice),
    });
    expect(created).toMatchObject({ name, created: true, updatedBy: alice.name });
    const replaced = await setSecret(test.db, getSecretKey(), {
      name,
      value: second,
      actor: actorOf(bob),
    });
    expect(replaced).toMatchObject({ name, created: false, updatedBy: bob.name });
    expect(Date.parse(replaced.updatedAt)).toBeGreaterThanOrEqual(Date.parse(created.updatedAt));

    const listed = (await listSecrets(test.db)).find((s) => s.name === name);
    expect(listed).toEqual({
      name,
      createdAt: created.createdAt,
      updatedAt: replaced.updatedAt,
      updatedBy: bob.name,
    });
    const answers = JSON.stringify([created, replaced, listed]);
    for (const v of [first, second]) expect(answers).not.toContain(v);

    // In the database only as ciphertext: no table holds either value, as text or as bytes.
    const stored = await databaseText(test.db);
    expect(stored).toContain(name);
    for (const form of [...clearForms(first), ...clearForms(second)]) {
      expect(stored).not.toContain(form);
    }
    const found = await readSecretValues(test.db, getSecretKey(), [name, "NOT_THERE"]);
    expect(found.values.get(name)).toBe(second);
    expect(found.missing).toEqual(["NOT_THERE"]);

    await deleteSecret(test.db, name);
    await expect(deleteSecret(test.db, name)).rejects.toThrow(`secret "${name}" was not found`);
    expect((await listSecrets(test.db)).some((s) => s.name === name)).toBe(false);
  });

  it("a value moved to another secret's row does not decrypt, and says which secret", async () => {
    const [a, b] = [secretName(), secretName()];
    await setSecret(test.db, getSecretKey(), { name: a, value: secretValue() });
    await setSecret(test.db, getSecretKey(), { name: b, value: secretValue() });
    const rowA = await test.db.secret.findUniqueOrThrow({ where: { name: a } });
    await test.db.secret.update({ where: { name: b }, data: { ciphertext: rowA.ciphertext } });
    const found = await readSecretValues(test.db, getSecretKey(), [a, b]);
    expect(found.values.has(a)).toBe(true);
    expect(found.unreadable).toEqual([
      {
        name: b,
        reason: `secret "${b}" cannot be decrypted: its stored value was altered (or belongs to another secret); set it again`,
      },
    ]);
  });

  it("the studio's procedures set, list and delete them and never return a value", async () => {
    const alice = await user();
    const caller = appRouter.createCaller({
      db: test.db,
      config: loadConfig({}),
      principal: principalOf("editor", alice),
    });
    const name = secretName();
    const value = secretValue();
    const answers = [
      await caller.secrets.set({ name, value }),
      await caller.secrets.list(),
      await caller.secrets.remove({ name }),
      await caller.secrets.list(),
    ];
    expect(answers[0]).toMatchObject({ name, created: true, updatedBy: alice.name });
    expect(JSON.stringify(answers)).not.toContain(value);
    await expect(caller.secrets.set({ name: "BAD-NAME", value })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    await expect(caller.secrets.set({ name, value: "abc" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    const anonymous = appRouter.createCaller({
      db: test.db,
      config: loadConfig({}),
      principal: null,
    });
    await expect(anonymous.secrets.list()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });
});

describe("variables", () => {
  it("keep every version with who set it and when; the same value again changes nothing", async () => {
    const [alice, bob] = [await user(), await user()];
    const name = `V_${crypto.randomBytes(4).toString("hex")}`;
    const v1 = await setVariable(test.db, { name, value: "eu-west-1", actor: actorOf(alice) });
    expect(v1).toMatchObject({
      name,
      value: "eu-west-1",
      version: 1,
      changed: true,
      updatedBy: alice.name,
    });
    const v2 = await setVariable(test.db, {
      name,
      value: { rows: 1000, on: true },
      actor: actorOf(bob),
    });
    expect(v2).toMatchObject({ version: 2, value: { rows: 1000, on: true }, updatedBy: bob.name });
    // The same JSON value, keys in another order: not a change.
    const same = await setVariable(test.db, {
      name,
      value: { on: true, rows: 1000 },
      actor: actorOf(alice),
    });
    expect(same).toMatchObject({ version: 2, changed: false, updatedBy: bob.name });
    const v3 = await setVariable(test.db, { name, value: "42", actor: actorOf(alice) });
    expect(v3).toMatchObject({ version: 3, value: "42" });
    expect((await getVariable(test.db, name)).value).toBe("42");

    const history = await getVariableHistory(test.db, name);
    expect(history.versions.map((v) => [v.version, v.value, v.createdBy])).toEqual([
      [3, "42", alice.name],
      [2, { rows: 1000, on: true }, bob.name],
      [1, "eu-west-1", alice.name],
    ]);
    expect(history.versions[2]!.createdAt).toBe(v1.updatedAt);

    await deleteVariable(test.db, name);
    await expect(getVariable(test.db, name)).rejects.toThrow(`variable "${name}" was not found`);
    expect(await test.db.variableVersion.count({ where: { variable: { name } } })).toBe(0);
  });
});

describe("deploying a flow whose tasks declare secrets and variables", () => {
  it("is refused while one is missing, naming each task and name, and works once they exist", async () => {
    const [token, region] = [secretName(), `V_${crypto.randomBytes(4).toString("hex")}`];
    const flow = await seedFlow(test.db, {
      name: uniqueName("declares"),
      tasks: [
        { name: "a", language: "shell", code: "true", secrets: [token], variables: [region] },
        { name: "b", language: "shell", code: "true", secrets: [token] },
      ],
    });
    const deploy = () =>
      createDeployment(test.db, {
        flow: flow.name,
        name: "d",
        parameters: {},
        workQueue: "default",
        tags: [],
        retries: 0,
        retryDelaySeconds: 0,
        runner: "process",
      });
    await expect(deploy()).rejects.toThrow(
      `cannot deploy flow "${flow.name}": task "a" declares secret "${token}", which does not exist; task "a" declares variable "${region}", which does not exist; task "b" declares secret "${token}", which does not exist — set them first`,
    );
    await setSecret(test.db, getSecretKey(), { name: token, value: secretValue() });
    await setVariable(test.db, { name: region, value: "eu" });
    await expect(deploy()).resolves.toMatchObject({ created: true });
  });
});
