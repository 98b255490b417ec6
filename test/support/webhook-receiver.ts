// A real webhook receiver for notification tests: node:http on a free port, recording every
// message it accepts. It can answer an error status, or be down (its port closed: connections
// are refused) and come back on the same port.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { once } from "node:events";

export type Received = { body: Record<string, unknown>; headers: http.IncomingHttpHeaders };

export type Receiver = {
  url: string;
  /** Messages it answered 2xx to, in order. */
  received: Received[];
  /** Requests it answered with an error status (while `failWith` was set). */
  refusedRequests: number;
  /** Answer this status instead of 204 (null: accept). */
  failWith: number | null;
  /** Resolves once `n` messages were accepted. */
  until(n: number): Promise<void>;
  /** Closes the port: connections are refused until `up()`. */
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
};

export async function startReceiver(): Promise<Receiver> {
  let server: http.Server;
  const waiters: { n: number; resolve: () => void }[] = [];
  const receiver: Receiver = {
    url: "",
    received: [],
    refusedRequests: 0,
    failWith: null,
    async until(n) {
      if (receiver.received.length >= n) return;
      await new Promise<void>((resolve) => waiters.push({ n, resolve }));
    },
    async down() {
      server.closeAllConnections();
      server.close();
      await once(server, "close");
    },
    async up() {
      await listen(port);
    },
    async close() {
      if (server.listening) await receiver.down();
    },
  };
  const handle = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (receiver.failWith !== null) {
        receiver.refusedRequests++;
        res.writeHead(receiver.failWith).end("the receiver is down for maintenance");
        return;
      }
      receiver.received.push({
        body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>,
        headers: req.headers,
      });
      res.writeHead(204).end();
      for (const w of waiters.filter((w) => receiver.received.length >= w.n)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    });
  };
  async function listen(at: number) {
    server = http.createServer(handle);
    server.listen(at, "127.0.0.1");
    await once(server, "listening");
    return (server.address() as AddressInfo).port;
  }
  const port = await listen(0);
  receiver.url = `http://127.0.0.1:${port}/hook`;
  return receiver;
}
