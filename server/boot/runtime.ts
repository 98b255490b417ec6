// The bridge between the launcher (bin/pipebook-server.mjs, plain Node) and the server code that
// Next.js compiles: boot registers these hooks on globalThis, the launcher calls them.
import type { IncomingMessage, ServerResponse } from "node:http";

const RUNTIME = Symbol.for("pipebook.runtime");

export type Runtime = {
  /** Whether the launcher should serve this path with `serveApi` instead of Next.js. */
  isApiPath(pathname: string): boolean;
  serveApi(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** Called once the HTTP server listens: prints where, starts the local agent. */
  onListening(url: string): Promise<void>;
  /** Stops the local agent and background work while requests are still served. */
  drain(): Promise<void>;
  /** Closes the database: the last step. */
  shutdown(): Promise<void>;
};

export function registerRuntime(runtime: Runtime): void {
  (globalThis as { [RUNTIME]?: Runtime })[RUNTIME] = runtime;
}
