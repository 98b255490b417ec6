// The attempts' artifacts folders (folder-pool.ts): each held by one attempt at a time, empty when
// handed out, reused once given back, and never reused when it is no longer a folder.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { FolderPool } from "./folder-pool.ts";

const roots: string[] = [];
function pool() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "pipebook-folder-pool-"));
  roots.push(root);
  return { root, pool: new FolderPool(path.join(root, "artifacts")) };
}
afterEach(() => {
  for (const root of roots.splice(0)) fs.rmSync(root, { recursive: true, force: true });
});

describe("FolderPool", () => {
  it("hands out a folder per holder, and an emptied one once given back", () => {
    const { pool: p } = pool();
    const a = p.take();
    const b = p.take();
    expect(a).not.toBe(b);
    expect(fs.readdirSync(a)).toEqual([]);
    fs.mkdirSync(path.join(a, "plots"));
    fs.writeFileSync(path.join(a, "plots", "loss.svg"), "<svg/>");
    fs.writeFileSync(path.join(a, "table.csv"), "a,b\n");
    p.give(a);
    const again = p.take();
    expect(again).toBe(a);
    expect(fs.readdirSync(again)).toEqual([]);
    // b is still held: a third holder gets a new folder.
    expect(p.take()).not.toBe(b);
  });

  it("does not hand out again a folder the attempt removed or replaced", () => {
    const { pool: p } = pool();
    const removed = p.take();
    const replaced = p.take();
    fs.rmSync(removed, { recursive: true });
    fs.rmSync(replaced, { recursive: true });
    fs.writeFileSync(replaced, "a file where the folder was");
    p.give(removed);
    p.give(replaced);
    const next = p.take();
    expect([removed, replaced]).not.toContain(next);
    expect(fs.readdirSync(next)).toEqual([]);
  });
});
