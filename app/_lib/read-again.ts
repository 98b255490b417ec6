// "It changed on the server: read it again", for live views that learn of a change from a
// subscription and then re-read a query. TanStack Query's invalidateQueries is not enough: while
// a query is still on its first read (no data yet) it keeps that read and drops the invalidation
// (query.fetch restarts a read only when there is data to fall back on), and that read may have
// looked at the database before the change. On PGlite a read's queries can wait behind the
// agent's reports, so a short cell run often ends while its cell's first read is still on its
// way: the cell then showed "Running" or "Pending" for good (13 of 35 one-task cell runs here;
// the CI failures of the Run cell tests in e2e/editor.spec.ts). So: a read under way finishes
// first, then one read starts after the change; changes that come meanwhile share that read (a
// run printing fast does not cancel reads forever, as invalidating a query with data would).
import type { Query, QueryClient, QueryKey } from "@tanstack/react-query";

const reading = new WeakMap<Query, { again: boolean }>();

/** Reads the query again (if someone shows it), answering from after this moment. */
export function readAgain(queryClient: QueryClient, queryKey: QueryKey): void {
  const query = queryClient.getQueryCache().find({ queryKey, exact: true });
  if (!query) return;
  const current = reading.get(query);
  if (current) {
    current.again = true;
    return;
  }
  const state = { again: false };
  reading.set(query, state);
  // Joins a read under way (cancelRefetch: false), else starts one; marks the data stale.
  const read = () =>
    queryClient.invalidateQueries({ queryKey, exact: true }, { cancelRefetch: false });
  void (async () => {
    try {
      if (query.state.fetchStatus !== "idle") await read();
      do {
        state.again = false;
        await read();
      } while (state.again);
    } finally {
      reading.delete(query);
    }
  })();
}
