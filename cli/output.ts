// What the CLI prints. Errors go to stderr and set a failing exit code; `--json` prints the
// server's answer as it came, for scripts.

export class CliError extends Error {
  override name = "CliError";
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export function say(line = ""): void {
  process.stdout.write(`${line}\n`);
}

export function sayJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function warn(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** "12:03:04.120" for watch output. */
export function clock(iso: string): string {
  return new Date(iso).toISOString().slice(11, 23);
}
