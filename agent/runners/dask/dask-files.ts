// The Dask runner's Python files, carried inside the agent (a single file) like the kernels and
// written next to them: bridge.py imports nothing of Pipebook but reads pipebook_cell.py and
// pipebook.py from the same folder to ship them to the workers as source.
import fs from "node:fs";
import path from "node:path";
import type { KernelFiles } from "../../kernels/kernel-files.ts";
import bridge from "./bridge.py?raw";
import workerTask from "./pipebook_dask_task.py?raw";

export function installDaskFiles(files: KernelFiles): { bridge: string } {
  const write = (name: string, text: string) => {
    const file = path.join(files.pythonPath, name);
    if (fs.existsSync(file) && fs.readFileSync(file, "utf8") === text) return file;
    // Several agents may share a work folder: write to a temporary name, then rename.
    const temp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temp, text);
    fs.renameSync(temp, file);
    return file;
  };
  write("pipebook_dask_task.py", workerTask);
  return { bridge: write("pipebook_dask_bridge.py", bridge) };
}
