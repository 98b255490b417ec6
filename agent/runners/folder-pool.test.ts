// The attempts' artifacts folders (folder-pool.ts): each held by one attempt at a time, empty when
// handed out (also over what a killed agent left), reused once given back, and never reused when
// it is no longer a plain folder with its mode.
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
    const c = p.take();
    expect([a, b]).not.toContain(c);
    expect(fs.readdirSync(c)).toEqual([]);
  });

  it("empties a new folder that an agent killed during an earlier attempt left behind", () => {
    const { root } = pool();
    const left = path.join(root, "artifacts", "1");
    fs.mkdirSync(left, { recursive: true });
    fs.writeFileSync(path.join(left, "from-the-crashed-attempt.txt"), "x");
    const p = new FolderPool(path.join(root, "artifacts"));
    expect(p.take()).toBe(left);
    expect(fs.readdirSync(left)).toEqual([]);
  });

  it("does not hand out again a folder made read-only or replaced by a link", () => {
    const { root, pool: p } = pool();
    const readOnly = p.take();
    const linked = p.take();
    fs.chmodSync(readOnly, 0o500);
    const elsewhere = path.join(root, "elsewhere");
    fs.mkdirSync(elsewhere);
    fs.rmSync(linked, { recursive: true });
    fs.symlinkSync(elsewhere, linked);
    p.give(readOnly);
    p.give(linked);
    const next = p.take();
    expect([readOnly, linked]).not.toContain(next);
    fs.chmodSync(readOnly, 0o700);
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
