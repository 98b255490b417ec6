// The bridge between the launcher (bin/pipebook-server.mjs, plain Node) and the server code that
// Next.js compiles: boot registers these hooks on globalThis, the launcher calls them.
const RUNTIME = Symbol.for("pipebook.runtime");

export type Runtime = {
  /** Called once the HTTP server listens; prints where, and how to sign in. */
  onListening(url: string): void;
  /** Stops background work and closes the database. */
  shutdown(): Promise<void>;
};

export function registerRuntime(runtime: Runtime): void {
  (globalThis as { [RUNTIME]?: Runtime })[RUNTIME] = runtime;
}
