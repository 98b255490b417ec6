// The agent's own messages (not task logs): one time-stamped line each, on stdout.
export function log(message: string): void {
  process.stdout.write(`${new Date().toISOString()} ${message}\n`);
}
