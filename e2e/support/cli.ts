// Runs the real CLI (`npx pipebook …`) against a test server.
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { E2E_API_KEY } from "./constants.ts";

const run = promisify(execFile);
const bin = path.resolve(import.meta.dirname, "../../bin/pipebook.mjs");

export async function pipebook(
  baseURL: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], {
      env: { ...process.env, PIPEBOOK_API_URL: baseURL, PIPEBOOK_API_KEY: E2E_API_KEY },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
