// Empty folders handed out one at a time and taken back emptied: each attempt's
// $PIPEBOOK_ARTIFACTS. A folder made and removed per attempt was 20 of the ~26 directory
// creations and removals a 10-task run cost its agent; on ext4, while the databases beside it
// write, each waits on the file system's journal, and the agents' work folders on tmpfs instead
// gave 17–47 % more task state changes/s under bench:load (docs/benchmarks.md). A run's attempts
// now share as many folders as ran at once; they go with the run's folders.
import fs from "node:fs";
import path from "node:path";

export class FolderPool {
  private readonly free: string[] = [];
  private made = 0;
  /** The mode its folders are made with: one the task changed is not handed out again. */
  private mode: number | undefined;

  constructor(private readonly root: string) {}

  /** An empty folder no one else holds until it is given back. */
  take(): string {
    const reused = this.free.pop();
    if (reused !== undefined) return reused;
    const dir = path.join(this.root, String(++this.made));
    // What an agent killed during an earlier attempt of this run left here is not this attempt's.
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    this.mode ??= fs.lstatSync(dir).mode;
    return dir;
  }

  /**
   * Takes `dir` back, emptied. One that is no longer a plain folder with the mode it was made
   * with (the task removed it, replaced it with a link, made it read-only) is not handed out
   * again: whatever is left goes with the run's folders.
   */
  give(dir: string): void {
    try {
      if (fs.lstatSync(dir).mode !== this.mode) return;
      if (fs.readdirSync(dir).length) {
        fs.rmSync(dir, { recursive: true, force: true });
        fs.mkdirSync(dir);
        if (fs.lstatSync(dir).mode !== this.mode) return;
      }
      this.free.push(dir);
    } catch {
      // Left as it is, never reused.
    }
  }
}
