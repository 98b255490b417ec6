import { QueryClient, QueryObserver } from "@tanstack/react-query";
import { afterEach, describe, expect, it } from "vitest";
import { readAgain } from "./read-again";

// A "server" whose reads the test finishes by hand: each read sees the state at its start.
function server() {
  let state = "Running";
  const reads: { saw: string; finish: () => void }[] = [];
  return {
    set: (s: string) => {
      state = s;
    },
    reads,
    queryFn: () =>
      new Promise<string>((resolve) => {
        const saw = state;
        reads.push({ saw, finish: () => resolve(saw) });
      }),
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

let client: QueryClient;
let stop = () => {};

function watch(queryFn: () => Promise<string>) {
  client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const observer = new QueryObserver(client, { queryKey: ["run"], queryFn, staleTime: Infinity });
  stop = observer.subscribe(() => {});
  return observer;
}

afterEach(() => {
  stop();
  client.clear();
});

describe("readAgain", () => {
  it("why it exists: invalidateQueries keeps a first read that predates the change", async () => {
    const s = server();
    const observer = watch(s.queryFn);
    await settle();
    s.set("Completed");
    void client.invalidateQueries({ queryKey: ["run"] });
    s.reads[0]!.finish();
    await settle();
    expect(s.reads).toHaveLength(1);
    expect(observer.getCurrentResult().data).toBe("Running");
  });

  it("a change during the first read: that read ends, then one from after the change", async () => {
    const s = server();
    const observer = watch(s.queryFn);
    await settle();
    s.set("Completed");
    readAgain(client, ["run"]);
    s.reads[0]!.finish();
    await settle();
    expect(observer.getCurrentResult().data).toBe("Running");
    expect(s.reads.map((r) => r.saw)).toEqual(["Running", "Completed"]);
    s.reads[1]!.finish();
    await settle();
    expect(observer.getCurrentResult().data).toBe("Completed");
  });

  it("changes while a read is under way share one next read; none is cancelled", async () => {
    const s = server();
    const observer = watch(s.queryFn);
    await settle();
    s.reads[0]!.finish();
    await settle();
    readAgain(client, ["run"]);
    await settle();
    expect(s.reads).toHaveLength(2);
    for (const state of ["a", "b", "c", "Completed"]) {
      s.set(state);
      readAgain(client, ["run"]);
    }
    s.reads[1]!.finish();
    await settle();
    expect(observer.getCurrentResult().data).toBe("Running");
    expect(s.reads.map((r) => r.saw)).toEqual(["Running", "Running", "Completed"]);
    s.reads[2]!.finish();
    await settle();
    expect(s.reads).toHaveLength(3);
    expect(observer.getCurrentResult().data).toBe("Completed");
  });

  it("reads nothing for a query nobody shows", async () => {
    const s = server();
    watch(s.queryFn);
    await settle();
    s.reads[0]!.finish();
    await settle();
    stop();
    readAgain(client, ["run"]);
    readAgain(client, ["other"]);
    await settle();
    expect(s.reads).toHaveLength(1);
  });
});
