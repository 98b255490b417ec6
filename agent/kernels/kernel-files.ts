// The kernels' own files, carried inside the agent (a single file) and written out at start-up:
// the Python and Node kernels and the `pipebook` module that task cells import.
import fs from "node:fs";
import path from "node:path";
import nodeKernel from "./node/kernel.mjs?raw";
import nodeSdk from "./node/pipebook-sdk.mjs?raw";
import pythonKernel from "./python/kernel.py?raw";
import pythonCell from "./python/pipebook_cell.py?raw";
import pythonSdk from "./python/pipebook.py?raw";

export type KernelFiles = {
  /** Holds all of them: read-only inside a task's sandbox. */
  dir: string;
  pythonKernel: string;
  /** Put on PYTHONPATH: holds pipebook.py. */
  pythonPath: string;
  nodeKernel: string;
  /** Holds the `pipebook` package: linked from each run group's folder (see run-folders.ts). */
  nodeModules: string;
};

function write(file: string, text: string) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // Several agents may share a work folder: write to a temporary name, then rename.
  if (fs.existsSync(file) && fs.readFileSync(file, "utf8") === text) return;
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, text);
  fs.renameSync(temp, file);
}

export function installKernelFiles(dir: string): KernelFiles {
  const files: KernelFiles = {
    dir,
    pythonKernel: path.join(dir, "python", "pipebook_kernel.py"),
    pythonPath: path.join(dir, "python"),
    nodeKernel: path.join(dir, "node", "kernel.mjs"),
    nodeModules: path.join(dir, "node", "node_modules"),
  };
  write(files.pythonKernel, pythonKernel);
  write(path.join(files.pythonPath, "pipebook.py"), pythonSdk);
  // The cell runner the kernel imports (shared with the Dask runner's workers).
  write(path.join(files.pythonPath, "pipebook_cell.py"), pythonCell);
  write(files.nodeKernel, nodeKernel);
  const sdk = path.join(files.nodeModules, "pipebook");
  write(path.join(sdk, "index.mjs"), nodeSdk);
  write(
    path.join(sdk, "package.json"),
    JSON.stringify({ name: "pipebook", type: "module", exports: "./index.mjs" }, null, 2),
  );
  return files;
}
