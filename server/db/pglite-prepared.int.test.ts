// Prepared statements on the embedded database (pglite-prepared.ts) against PGlite's own query():
// same rows, types, counts and errors; one Parse per statement text; and the locks that keep a
// statement out of another caller's open transaction.
import { PGlite, messages } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { pgliteStartParams } from "./pglite-options.ts";
import {
  MAX_PREPARED_STATEMENTS,
  preparedStatements,
  type PgliteQueryClient,
} from "./pglite-prepared.ts";

// PGlite only: PostgreSQL's named statements are node-postgres's (statement-names.ts).
describe.skipIf(inject("testDatabase").kind !== "pglite")("prepared statements on PGlite", () => {
  let pglite: PGlite;
  let client: PgliteQueryClient;
  beforeAll(async () => {
    pglite = await PGlite.create({ startParams: pgliteStartParams() });
    client = preparedStatements(pglite);
    await pglite.exec(`
      CREATE TABLE item (id int PRIMARY KEY, name text NOT NULL, big bigint, doc jsonb,
        at timestamptz, raw bytea, ok boolean, amount numeric(10,2), tags text[]);
      INSERT INTO item VALUES (1, 'one', 9007199254740993, '{"a":[1,2]}', '2026-12-03 10:00:00+00',
        '\\x0102', true, 12.5, '{x,y}');
      INSERT INTO item (id, name) VALUES (2, 'two');`);
  });
  afterAll(() => pglite.close());

  const select = `SELECT id, name, big, doc, at, raw, ok, amount, tags FROM item WHERE id >= $1 ORDER BY id`;
  const prepared = () =>
    pglite.query<{ name: string }>(`SELECT name FROM pg_prepared_statements ORDER BY name`);

  it("answers as PGlite's own query(), the first time and from the prepared statement", async () => {
    const own = await pglite.query(select, [1], { rowMode: "array" });
    const first = await client.query(select, [1], { rowMode: "array" });
    const second = await client.query(select, [1], { rowMode: "array" });
    for (const answer of [first, second]) {
      expect(answer.rows).toEqual(own.rows);
      expect(answer.fields).toEqual(own.fields);
      expect(answer.affectedRows).toBe(own.affectedRows);
    }
    expect((second.rows[0] as unknown[])[2]).toBe(9007199254740993n);
    expect((await client.query(select, [2])).rows).toEqual([
      expect.objectContaining({ id: 2, name: "two", big: null, doc: null }),
    ]);
  });

  it("decodes with the caller's parsers, as PGlite's own query() does, and changes them when asked", async () => {
    // Like the Prisma adapter's: some types kept as text, the others PGlite's.
    const asText = { 1184: (value: string) => `at ${value}`, 1700: (value: string) => value };
    const options = { rowMode: "array" as const, parsers: asText };
    const own = await pglite.query(select, [1], options);
    expect((own.rows[0] as unknown[])[4]).toMatch(/^at 2026-12-03/);
    for (let i = 0; i < 2; i++) {
      const answer = await client.query(select, [1], options);
      expect(answer.rows).toEqual(own.rows);
      expect(answer.fields).toEqual(own.fields);
    }
    // Other parsers for the same statement: decoded with those, not the kept ones.
    const plain = await client.query(select, [1], { rowMode: "array" });
    expect(plain.rows).toEqual((await pglite.query(select, [1], { rowMode: "array" })).rows);
    // A write in array mode: no rows, its count.
    const write = await client.query(`UPDATE item SET ok = $1 WHERE id <= $2`, [true, 1], options);
    expect(write).toEqual({ rows: [], fields: [], affectedRows: 1 });
  });

  it("parses each statement text once, and counts the rows a write changed", async () => {
    const update = `UPDATE item SET ok = $1 WHERE id <= $2`;
    for (let i = 0; i < 3; i++) {
      expect((await client.query(update, [i % 2 === 0, 2])).affectedRows).toBe(2);
    }
    const names = (await prepared()).rows.map((r) => r.name);
    expect(names.filter((n) => n.startsWith("pb_"))).toHaveLength(2); // the select and the update
    // Without parameters, PGlite's own path: nothing prepared.
    expect((await client.query(`SELECT count(*)::int AS n FROM item`)).rows).toEqual([{ n: 2 }]);
    expect((await prepared()).rows).toHaveLength(2);
  });

  it("raises PostgreSQL's error, and the statement still runs afterwards", async () => {
    const insert = `INSERT INTO item (id, name) VALUES ($1, $2)`;
    await expect(client.query(insert, [1, "again"])).rejects.toMatchObject({ code: "23505" });
    await expect(client.query(insert, [1, "again"])).rejects.toBeInstanceOf(messages.DatabaseError);
    await expect(client.query(`SELECT nope FROM item WHERE id = $1`, [1])).rejects.toMatchObject({
      code: "42703",
    });
    expect((await client.query(insert, [3, "three"])).affectedRows).toBe(1);
  });

  it("keeps a statement prepared in a rolled-back transaction usable", async () => {
    const rename = `UPDATE item SET name = $1 WHERE id = $2 RETURNING name`;
    await expect(
      client.transaction(async (tx) => {
        expect((await tx.query(rename, ["changed", 3])).rows).toEqual([{ name: "changed" }]);
        throw new Error("undo");
      }),
    ).rejects.toThrow("undo");
    expect((await client.query(`SELECT name FROM item WHERE id = $1`, [3])).rows).toEqual([
      { name: "three" },
    ]);
    expect((await client.query(rename, ["renamed", 3])).rows).toEqual([{ name: "renamed" }]);
  });

  it("runs a statement from outside only after another caller's transaction ends", async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let inserted!: () => void;
    const insertedOnce = new Promise<void>((resolve) => (inserted = resolve));
    const transaction = client
      .transaction(async (tx) => {
        await tx.query(`INSERT INTO item (id, name) VALUES ($1, $2)`, [4, "uncommitted"]);
        inserted();
        await held;
        await tx.rollback();
      })
      .catch(() => undefined);
    await insertedOnce;
    const outside = client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM item WHERE id = $1`,
      [4],
    );
    release();
    expect((await outside).rows).toEqual([{ n: 0 }]);
    await transaction;
  });

  it("prepares a statement anew when it went stale: a column's type changed, DEALLOCATE", async () => {
    await pglite.exec(
      `CREATE TABLE shape (id int PRIMARY KEY, n int); INSERT INTO shape VALUES (1, 7)`,
    );
    const read = `SELECT id, n FROM shape WHERE id = $1`;
    expect((await client.query(read, [1])).rows).toEqual([{ id: 1, n: 7 }]);
    await pglite.exec(`ALTER TABLE shape ALTER COLUMN n TYPE text`);
    expect((await client.query(read, [1])).rows).toEqual([{ id: 1, n: "7" }]);
    await pglite.exec(`DEALLOCATE ALL`);
    expect((await client.query(read, [1])).rows).toEqual([{ id: 1, n: "7" }]);
    // A second client of the same database shares the names.
    expect((await preparedStatements(pglite).query(read, [1])).rows).toEqual([{ id: 1, n: "7" }]);
  });

  it(`keeps at most ${MAX_PREPARED_STATEMENTS} statements, closing the least recently used`, async () => {
    const first = `SELECT $1::int AS n, 0 AS k`;
    expect((await client.query(first, [1])).rows).toEqual([{ n: 1, k: 0 }]);
    for (let k = 1; k <= MAX_PREPARED_STATEMENTS + 10; k++) {
      await client.query(`SELECT $1::int AS n, ${k} AS k`, [k]);
    }
    const count = await pglite.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_prepared_statements`,
    );
    expect(count.rows[0]!.n).toBe(MAX_PREPARED_STATEMENTS);
    expect((await client.query(first, [2])).rows).toEqual([{ n: 2, k: 0 }]);
  });

  it("refuses a statement once the database is closed, instead of waiting forever", async () => {
    const other = await PGlite.create();
    const late = preparedStatements(other);
    const sql = `SELECT $1::int AS n`;
    expect((await late.query(sql, [1])).rows).toEqual([{ n: 1 }]);
    await other.close();
    await expect(late.query(sql, [2])).rejects.toThrow("PGlite is closed");
  });
});
