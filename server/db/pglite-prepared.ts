// Prepared statements on the embedded PGlite, as PostgreSQL gets them from statement-names.ts.
//
// PGlite's own query() runs every statement through six separate calls into its WebAssembly
// (Parse, Describe, Bind, Describe, Execute, Sync), and PostgreSQL parses and analyses the text
// anew each time. Under the load bench the PGlite server spent 61 % of its busy time in PGlite
// (41 % in its WebAssembly, 20 % in its JavaScript protocol layer) — it is the server's one-core
// bottleneck (docs/benchmarks.md, "Prepared statements on PGlite"). Here a statement is parsed
// and described once under a name; afterwards one call carries Bind, Execute and Sync, and its
// rows are decoded with the column descriptions kept from the first time.
//
// The same rule as on PostgreSQL decides which statements are named (statementName); the others
// go through PGlite's own query(). Named statements outlive transactions (protocol-level
// statements are not transactional), so a rolled-back transaction keeps them valid.
import {
  type PGlite,
  type Results,
  type Transaction,
  messages,
  parse,
  protocol,
  types,
} from "@electric-sql/pglite";
import { statementName } from "./statement-names.ts";

type QueryOptions = Parameters<PGlite["query"]>[2];
type ParserOptions = NonNullable<NonNullable<QueryOptions>["parsers"]>;

/** What PGlite's Prisma adapter calls on its client: PGlite's own signatures. */
export type PgliteQueryClient = Pick<PGlite, "query" | "exec" | "transaction">;

type Prepared = {
  name: string;
  paramTypes: number[];
  /** The statement's columns, put before its rows when they are decoded; none for a bare write. */
  rowDescription: messages.RowDescriptionMessage | undefined;
  /** Its columns' parsers, for the parser options last asked with (the adapter's are one object). */
  decoder?: {
    options: ParserOptions | undefined;
    columns: Array<types.Parser | undefined>;
    fields: Results["fields"];
  };
};

/**
 * At most this many statements stay prepared; the least recently used one is closed to make room.
 * Each holds ~12 KB of PostgreSQL's memory (measured: 2,000 statements took the backend from 2 to
 * 26 MB), and PGlite's memory never shrinks. Pipebook's own statements number in the low hundreds.
 */
export const MAX_PREPARED_STATEMENTS = 500;

/**
 * SQLSTATEs that mean the session's statement is not the one cached: its result type changed
 * under it (a column altered), it is gone (DEALLOCATE, DISCARD), or the session still has a name
 * the cache dropped (a close refused in an aborted transaction). It is closed and prepared anew.
 */
const STALE = new Set(["0A000", "26000", "42P05"]);

// One cache per PGlite: statement names live in its one session, whatever wraps it.
const caches = new WeakMap<PGlite, Map<string, Prepared>>();

/** The rows a command changed, from its tag ("INSERT 0 5", "UPDATE 2"), as parseResults counts. */
function changedRows(tag: string): number {
  const words = tag.split(" ");
  switch (words[0]) {
    case "INSERT":
      return parseInt(words[2]!, 10);
    case "UPDATE":
    case "DELETE":
    case "COPY":
    case "MERGE":
      return parseInt(words[1]!, 10);
    default:
      return 0;
  }
}

/** A client for PGlite's Prisma adapter that prepares each statement once. */
export function preparedStatements(pglite: PGlite): PgliteQueryClient {
  const cache = caches.get(pglite) ?? new Map<string, Prepared>();
  caches.set(pglite, cache);
  const { serialize } = protocol;

  const send = (parts: Uint8Array[], syncToFs = false) =>
    pglite.execProtocolStream(Buffer.concat([...parts, serialize.sync()]), { syncToFs });

  /** Drops a statement from the cache and the session (which may not have it any more). */
  async function forget(name: string): Promise<void> {
    cache.delete(name);
    await send([serialize.close({ type: "S", name })]).catch(() => undefined);
  }

  async function prepare(name: string, sql: string): Promise<Prepared> {
    const known = cache.get(name);
    if (known) {
      // Most recently used last: Map keeps insertion order.
      cache.delete(name);
      cache.set(name, known);
      return known;
    }
    const oldest = cache.size >= MAX_PREPARED_STATEMENTS ? cache.keys().next().value : undefined;
    if (oldest !== undefined) await forget(oldest);
    const answer = await send([
      serialize.parse({ name, text: sql, types: [] }),
      serialize.describe({ type: "S", name }),
    ]);
    const statement: Prepared = {
      name,
      paramTypes: parse.parseDescribeStatementResults(answer),
      rowDescription: answer.find(
        (m): m is messages.RowDescriptionMessage => m.name === "rowDescription",
      ),
    };
    cache.set(name, statement);
    return statement;
  }

  async function execute<T>(
    statement: Prepared,
    params: unknown[],
    options: QueryOptions,
    inTransaction: boolean,
  ): Promise<Results<T>> {
    const values = params.map((value, i) => {
      if (value === null || value === undefined) return null;
      const serializer = pglite.serializers[statement.paramTypes[i] ?? 0];
      return serializer ? serializer(value) : String(value);
    });
    const answer = await send(
      [serialize.bind({ statement: statement.name, values }), serialize.execute({})],
      // As PGlite's query(): the data folder is synced after a statement outside a transaction.
      !inTransaction,
    );
    if (options?.rowMode === "array") return decodeArrayRows(statement, answer, options.parsers);
    const rows = statement.rowDescription ? [statement.rowDescription, ...answer] : answer;
    return parse.parseResults(rows, pglite.parsers, options)[0] as Results<T>;
  }

  /**
   * What parse.parseResults answers in array row mode (the Prisma adapter's), decoded with the
   * statement's column parsers looked up once. parseResults merges every type's parser into a
   * new object per statement and looks each value's up in it: 9.5 % of the PGlite server's busy
   * time under the load bench, the largest function of PGlite's JavaScript side.
   */
  function decodeArrayRows<T>(
    statement: Prepared,
    answer: messages.BackendMessage[],
    parsers: ParserOptions | undefined,
  ): Results<T> {
    const fields = statement.rowDescription?.fields ?? [];
    let decoder = statement.decoder;
    if (!decoder || decoder.options !== parsers) {
      const parserOf = (type: number): types.Parser | undefined =>
        parsers?.[type] ?? pglite.parsers[type] ?? types.parsers[type];
      decoder = statement.decoder = {
        options: parsers,
        columns: fields.map((f) => parserOf(f.dataTypeID)),
        // Shared by every answer of the statement: the adapter only reads it.
        fields: fields.map((f) => ({ name: f.name, dataTypeID: f.dataTypeID })),
      };
    }
    const { columns } = decoder;
    const rows: unknown[][] = [];
    let affectedRows = 0;
    let completed = false;
    for (const message of answer) {
      if (message.name === "dataRow") {
        const values = (message as messages.DataRowMessage).fields;
        const row = new Array<unknown>(values.length);
        for (let i = 0; i < values.length; i++) {
          const value = values[i];
          const parser = columns[i];
          row[i] =
            value === null || value === undefined
              ? null
              : parser
                ? parser(value, fields[i]!.dataTypeID)
                : value;
        }
        rows.push(row);
      } else if (message.name === "commandComplete") {
        affectedRows += changedRows((message as messages.CommandCompleteMessage).text);
        completed = true;
      }
    }
    // As parseResults: no command completed, no rows.
    if (!completed) return { affectedRows: 0, rows: [], fields: [] };
    return {
      rows: rows as T[],
      fields: decoder.fields,
      affectedRows,
    };
  }

  /** Runs a named statement; the caller holds PGlite's query lock. */
  async function run<T>(
    name: string,
    sql: string,
    params: unknown[],
    options: QueryOptions,
    inTransaction: boolean,
  ): Promise<Results<T>> {
    // Checked again under the lock: a closed PGlite's main loop never consumes its input, and
    // execProtocol would spin forever (seen: a test's late query after its database closed).
    if (pglite.closed) throw new Error("PGlite is closed");
    try {
      return await execute<T>(await prepare(name, sql), params, options, inTransaction);
    } catch (error) {
      if (!(error instanceof messages.DatabaseError) || !STALE.has(error.code ?? "")) throw error;
      await forget(name);
      // Inside a transaction the error has aborted it: the caller's to answer.
      if (inTransaction) throw error;
      return execute<T>(await prepare(name, sql), params, options, inTransaction);
    }
  }

  return {
    query: async <T>(sql: string, params: unknown[] = [], options?: QueryOptions) => {
      const name = statementName({ sql, args: params });
      if (!name) return pglite.query<T>(sql, params, options);
      await pglite._checkReady();
      // PGlite's query() takes both locks: no statement runs inside another caller's transaction.
      return pglite._runExclusiveTransaction(() =>
        pglite._runExclusiveQuery(() => run<T>(name, sql, params, options, false)),
      );
    },
    exec: (sql, options) => pglite.exec(sql, options),
    transaction: (callback) =>
      pglite.transaction((tx) =>
        callback({
          query: <T>(sql: string, params: unknown[] = [], options?: QueryOptions) => {
            const name = statementName({ sql, args: params });
            if (tx.closed) throw new Error("Transaction is closed");
            if (!name) return tx.query<T>(sql, params, options);
            return pglite._runExclusiveQuery(() => run<T>(name, sql, params, options, true));
          },
          rollback: () => tx.rollback(),
          exec: (sql, options) => tx.exec(sql, options),
          listen: (channel, cb) => tx.listen(channel, cb),
          sql: (strings, ...params) => tx.sql(strings, ...params),
          get closed() {
            return tx.closed;
          },
        } satisfies Transaction),
      ),
  };
}
