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
  type messages,
  parse,
  protocol,
} from "@electric-sql/pglite";
import { statementName } from "./statement-names.ts";

type QueryOptions = Parameters<PGlite["query"]>[2];

/** What PGlite's Prisma adapter calls on its client: PGlite's own signatures. */
export type PgliteQueryClient = Pick<PGlite, "query" | "exec" | "transaction">;

type Prepared = {
  name: string;
  paramTypes: number[];
  /** The statement's columns, put before its rows when they are decoded; none for a bare write. */
  rowDescription: messages.RowDescriptionMessage | undefined;
};

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** A client for PGlite's Prisma adapter that prepares each statement once. */
export function preparedStatements(pglite: PGlite): PgliteQueryClient {
  const prepared = new Map<string, Prepared>();
  const { serialize } = protocol;

  async function prepare(name: string, sql: string, syncToFs: boolean): Promise<Prepared> {
    const known = prepared.get(name);
    if (known) return known;
    const answer = await pglite.execProtocolStream(
      concat([
        serialize.parse({ name, text: sql, types: [] }),
        serialize.describe({ type: "S", name }),
        serialize.sync(),
      ]),
      { syncToFs },
    );
    const statement: Prepared = {
      name,
      paramTypes: parse.parseDescribeStatementResults(answer),
      rowDescription: answer.find(
        (m): m is messages.RowDescriptionMessage => m.name === "rowDescription",
      ),
    };
    prepared.set(name, statement);
    return statement;
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
    const statement = await prepare(name, sql, false);
    const values = params.map((value, i) => {
      if (value === null || value === undefined) return null;
      const serializer = pglite.serializers[statement.paramTypes[i] ?? 0];
      return serializer ? serializer(value) : String(value);
    });
    const answer = await pglite.execProtocolStream(
      concat([
        serialize.bind({ statement: name, values }),
        serialize.execute({}),
        serialize.sync(),
      ]),
      // As PGlite's query(): the data folder is synced after a statement outside a transaction.
      { syncToFs: !inTransaction },
    );
    const rows = statement.rowDescription ? [statement.rowDescription, ...answer] : answer;
    return parse.parseResults(rows, pglite.parsers, options)[0] as Results<T>;
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
