import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { httpRequest, NetworkError } from "./request.ts";

const servers: http.Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

async function serve(handler: http.RequestListener, keepAliveTimeout = 5_000): Promise<string> {
  const server = http.createServer(handler);
  server.keepAliveTimeout = keepAliveTimeout;
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const never = () => new AbortController().signal;

describe("httpRequest", () => {
  it("posts a body and answers the status and the text, on one kept-alive connection", async () => {
    const sockets = new Set<unknown>();
    const url = await serve((request, response) => {
      sockets.add(request.socket);
      let body = "";
      request.on("data", (chunk) => (body += chunk));
      request.on("end", () => {
        response.statusCode = 201;
        response.end(`${request.method} ${request.headers.authorization} ${body}`);
      });
    });
    for (let i = 0; i < 3; i++) {
      const answer = await httpRequest(`${url}/x`, {
        method: "POST",
        headers: { authorization: "Bearer k", "content-type": "application/json" },
        body: '{"é":1}',
        signal: never(),
      });
      expect(answer).toEqual({ status: 201, text: 'POST Bearer k {"é":1}' });
    }
    expect(sockets.size).toBe(1);
  });

  it("keeps a long-poll on a reused socket open past the server's Keep-Alive hint", async () => {
    // The hint (timeout=2) makes Node time an idle kept-alive socket out after 1 s; the second
    // request reuses that socket and is answered after 1.5 s: it must not inherit the idle timer.
    let calls = 0;
    const url = await serve((_request, response) => {
      calls += 1;
      setTimeout(() => response.end("late"), calls === 1 ? 0 : 1_500);
    }, 2_000);
    await httpRequest(url, { method: "GET", headers: {}, signal: never() });
    const answer = await httpRequest(url, { method: "GET", headers: {}, signal: never() });
    expect(answer.text).toBe("late");
  });

  it("rejects with the network error's code: refused, and aborted by the signal", async () => {
    const closed = await serve(() => {});
    servers.pop()!.close();
    await expect(
      httpRequest(closed, { method: "GET", headers: {}, signal: never() }),
    ).rejects.toMatchObject({ code: "ECONNREFUSED" });

    const hanging = await serve(() => {});
    const abort = new AbortController();
    const pending = httpRequest(hanging, { method: "GET", headers: {}, signal: abort.signal });
    abort.abort();
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).code).toBe("ABORT_ERR");
  });

  it("rejects a connection lost in the middle of the body", async () => {
    const url = await serve((_request, response) => {
      response.writeHead(200, { "content-length": "100" });
      response.write("partial");
      setTimeout(() => response.socket?.destroy(), 50);
    });
    await expect(
      httpRequest(url, { method: "GET", headers: {}, signal: never() }),
    ).rejects.toBeInstanceOf(NetworkError);
  });
});
