// The server's API (server/api/routes.ts dispatch) on a real HTTP port, in the test's process and
// on its database (serveFrom): what a real agent process talks to in integration tests.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { dispatch } from "../../server/api/routes.ts";
import { generateApiKey, hashSecret, keyPrefix } from "../../server/auth/secrets.ts";
import type { Db } from "../../server/db/client.ts";

export type ServedApi = {
  url: string;
  call<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
};

/** An admin's API key, stored as the server stores keys. */
export async function seedAdminKey(db: Db): Promise<string> {
  const user = await db.user.create({
    data: { name: `admin-${keyPrefix(generateApiKey()).slice(-6)}`, role: "admin" },
  });
  const key = generateApiKey();
  await db.apiKey.create({
    data: { name: "test", prefix: keyPrefix(key), hash: hashSecret(key), userId: user.id },
  });
  return key;
}

export async function serveHttp(key: string, port = 0): Promise<ServedApi> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const request = new Request(`http://127.0.0.1${req.url}`, {
        method: req.method,
        headers: Object.entries(req.headers).flatMap(([k, v]) =>
          v === undefined ? [] : [[k, Array.isArray(v) ? v.join(", ") : v] as [string, string]],
        ),
        ...(body.length && req.method !== "GET" ? { body } : {}),
      });
      dispatch(request).then(
        async (response) => {
          res.writeHead(response.status, Object.fromEntries(response.headers));
          res.end(Buffer.from(await response.arrayBuffer()));
        },
        (error: unknown) => {
          res.writeHead(500, { "content-type": "application/json" });
          res.end(JSON.stringify({ error: { code: "internal", message: String(error) } }));
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    async call<T>(method: string, path: string, body?: unknown): Promise<T> {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const json = (await response.json()) as T;
      if (!response.ok) throw new Error(`${method} ${path}: ${JSON.stringify(json)}`);
      return json;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
