// The data folder (PIPEBOOK_HOME) holds the embedded database, the admin key and the local
// agent's work: only the user the server runs as may read it. Before this, it was made 0755
// with 0644 files (PGlite creates its ~1,000 files with the process's umask, usually 022), so
// every local user could copy the database and its key hashes.
import fs from "node:fs";
import path from "node:path";

/** Files the server creates anywhere are private to its user (0600, folders 0700), as PostgreSQL does. */
export const PRIVATE_UMASK = 0o077;

const octal = (mode: number) => `0${(mode & 0o777).toString(8)}`;

export type DataFolderNotes = { changed: string[]; problems: string[] };

/**
 * Makes every file this process creates from now on private (umask 077: the database's files,
 * keys, the local agent's work), creates the data folder 0700, and takes group and other
 * permissions off an existing one and off its direct entries (a subfolder made private closes
 * everything under it). Returns what it changed and what it could not, as log lines.
 */
export function secureDataFolder(home: string): DataFolderNotes {
  process.umask(PRIVATE_UMASK);
  fs.mkdirSync(home, { recursive: true, mode: 0o700 });
  const notes: DataFolderNotes = { changed: [], problems: [] };
  const tighten = (file: string, what: string) => {
    const mode = fs.lstatSync(file).mode;
    if (!(mode & 0o077)) return;
    try {
      fs.chmodSync(file, mode & 0o700);
      notes.changed.push(`${what} was ${octal(mode)}, now ${octal(mode & 0o700)}`);
    } catch (error) {
      notes.problems.push(
        `${what} is ${octal(mode)} and could not be made private (${(error as Error).message}): others on this machine can read it; run the server as its owner or chmod go-rwx it`,
      );
    }
  };
  tighten(home, `the data folder ${home}`);
  const entries = fs.readdirSync(home, { withFileTypes: true });
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (!entry.isSymbolicLink()) tighten(path.join(home, entry.name), entry.name);
  }
  return notes;
}
