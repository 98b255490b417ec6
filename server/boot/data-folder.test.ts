import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { secureDataFolder } from "./data-folder.ts";

const modeOf = (file: string) => fs.statSync(file).mode & 0o777;
const umask = process.umask();
afterEach(() => {
  process.umask(umask);
});

describe("the data folder is private to the server's user", () => {
  it("creates it 0700, and files written afterwards are 0600", () => {
    const home = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pb-home-")), "home");
    const notes = secureDataFolder(home);
    expect(modeOf(home)).toBe(0o700);
    expect(notes).toEqual({ changed: [], problems: [] });
    fs.writeFileSync(path.join(home, "written-later"), "x");
    fs.mkdirSync(path.join(home, "db"));
    expect(modeOf(path.join(home, "written-later"))).toBe(0o600);
    expect(modeOf(path.join(home, "db"))).toBe(0o700);
  });

  it("tightens an existing world-readable folder and its entries, and says so", () => {
    process.umask(0o022);
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "pb-home-"));
    fs.chmodSync(home, 0o755);
    fs.mkdirSync(path.join(home, "db"), { mode: 0o755 });
    fs.writeFileSync(path.join(home, "db", "PG_VERSION"), "17", { mode: 0o644 });
    fs.writeFileSync(path.join(home, "admin-api-key"), "k", { mode: 0o644 });
    const notes = secureDataFolder(home);
    expect(modeOf(home)).toBe(0o700);
    expect(modeOf(path.join(home, "db"))).toBe(0o700);
    expect(modeOf(path.join(home, "admin-api-key"))).toBe(0o600);
    expect(notes.changed).toEqual([
      `the data folder ${home} was 0755, now 0700`,
      "admin-api-key was 0644, now 0600",
      "db was 0755, now 0700",
    ]);
    // Inside a private folder nothing is reachable by others; a second start changes nothing.
    expect(secureDataFolder(home).changed).toEqual([]);
  });
});
