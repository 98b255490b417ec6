// Runs the real CLI (`npx pipebook …`) against a test server.
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { E2E_API_KEY } from "./constants.ts";

const run = promisify(execFile);
export const bin = path.resolve(import.meta.dirname, "../../bin/pipebook.mjs");

/** The CLI's environment: the test server, and the bootstrap key unless another is given. */
export const cliEnv = (baseURL: string, apiKey = E2E_API_KEY) => ({
  ...process.env,
  PIPEBOOK_API_URL: baseURL,
  PIPEBOOK_API_KEY: apiKey,
});

export async function pipebook(
  baseURL: string,
  args: string[],
  options: { cwd?: string; apiKey?: string } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], {
      env: cliEnv(baseURL, options.apiKey),
      cwd: options.cwd,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** Writes a flow file into a folder of its own; answers its path. */
export function writeFlow(text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pipebook-cli-"));
  const file = path.join(dir, "flow.yaml");
  fs.writeFileSync(file, text);
  return file;
}
