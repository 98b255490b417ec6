import { describe, expect, it } from "vitest";
import { checkConnection, draftReducer, toFlowFile, type Draft } from "./draft";

const draft = (): Draft => ({
  name: "demo",
  description: "",
  parameters: { type: "object", properties: {} },
  tasks: ["a", "b", "c"].map((name, i) => ({
    key: `k${i}`,
    name,
    language: "python" as const,
    code: "def main():\n    return 1\n",
    dependsOn: [],
    retries: 0,
    retryDelaySeconds: 0,
    retryBackoff: "none" as const,
  })),
});

describe("the editor's draft", () => {
  it("a map over an upstream task follows its rename; unset map settings are left out of the file", () => {
    let d = draftReducer(draft(), { type: "connect", source: "a", target: "b" });
    d = draftReducer(d, {
      type: "update-task",
      key: "k1",
      patch: { map: ["a"], mapConcurrency: 4 },
    });
    d = draftReducer(d, { type: "rename-task", key: "k0", name: "rows" });
    expect(d.tasks[1]).toMatchObject({ dependsOn: ["rows"], map: ["rows"], mapConcurrency: 4 });
    d = draftReducer(d, {
      type: "update-task",
      key: "k1",
      patch: { map: undefined, mapConcurrency: undefined, mapFailure: undefined },
    });
    const file = toFlowFile(d).tasks![1]!;
    expect(Object.keys(file)).not.toContain("map");
    expect(Object.keys(file)).not.toContain("mapConcurrency");
  });

  it("connecting adds the dependency once; disconnecting removes it", () => {
    let d = draftReducer(draft(), { type: "connect", source: "a", target: "b" });
    d = draftReducer(d, { type: "connect", source: "a", target: "b" });
    expect(d.tasks[1]!.dependsOn).toEqual(["a"]);
    d = draftReducer(d, { type: "disconnect", source: "a", target: "b" });
    expect(d.tasks[1]!.dependsOn).toEqual([]);
  });

  it("refuses a connection that closes a cycle, naming the cycle", () => {
    let d = draftReducer(draft(), { type: "connect", source: "a", target: "b" });
    d = draftReducer(d, { type: "connect", source: "b", target: "c" });
    expect(checkConnection(d.tasks, "c", "a")).toEqual({
      ok: false,
      message: "Refused: connecting c → a would close the cycle c → a → b → c",
    });
    expect(draftReducer(d, { type: "connect", source: "c", target: "a" })).toBe(d);
    expect(checkConnection(d.tasks, "a", "a").ok).toBe(false);
    expect(checkConnection(d.tasks, "a", "c")).toEqual({ ok: true });
  });

  it("a renamed task keeps its dependents wired; a removed one leaves none dangling", () => {
    let d = draftReducer(draft(), { type: "connect", source: "a", target: "b" });
    d = draftReducer(d, { type: "rename-task", key: "k0", name: "extract" });
    expect(d.tasks[1]!.dependsOn).toEqual(["extract"]);
    d = draftReducer(d, { type: "remove-task", key: "k0" });
    expect(d.tasks.map((t) => t.name)).toEqual(["b", "c"]);
    expect(d.tasks[0]!.dependsOn).toEqual([]);
  });

  it("typed code arrives in batches by key; tasks it does not change stay the same objects", () => {
    const before = draft();
    const d = draftReducer(before, {
      type: "set-code",
      code: { k1: "def main():\n    return 2\n", gone: "x", k2: before.tasks[2]!.code },
    });
    expect(d.tasks[1]!.code).toBe("def main():\n    return 2\n");
    expect(d.tasks[0]).toBe(before.tasks[0]);
    expect(d.tasks[2]).toBe(before.tasks[2]);
  });

  it("a language change replaces untouched starter code, never code someone wrote", () => {
    let d = draftReducer(draft(), { type: "add-task", key: "n", language: "python" });
    d = draftReducer(d, { type: "set-language", key: "n", language: "typescript" });
    expect(d.tasks.at(-1)).toMatchObject({ language: "typescript" });
    expect(d.tasks.at(-1)!.code).toContain("export default");
    d = draftReducer(d, { type: "set-language", key: "k0", language: "shell" });
    expect(d.tasks[0]).toMatchObject({ language: "shell", code: "def main():\n    return 1\n" });
  });

  it("a new task gets a free name and starter code, after the given cell", () => {
    const d = draftReducer(draft(), {
      type: "add-task",
      key: "n",
      language: "typescript",
      after: "k0",
    });
    expect(d.tasks.map((t) => t.name)).toEqual(["a", "task_1", "b", "c"]);
    expect(d.tasks[1]!.code).toContain('Inputs<"task_1">');
  });

  it("saves a flow file without the editor's keys", () => {
    const file = toFlowFile(draft());
    expect(file.tasks![0]).not.toHaveProperty("key");
    expect(file.tasks![0]).toMatchObject({ name: "a", language: "python" });
  });
});
