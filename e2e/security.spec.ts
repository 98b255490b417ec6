// What a hostile or careless client meets at the server's edge: the security headers on every
// kind of answer, the studio running within its Content-Security-Policy (the `page` fixture
// fails a test on any violation), and tRPC refusing bodies over the limit before reading them.
import net from "node:net";
import type { APIResponse } from "@playwright/test";
import { E2E_API_KEY } from "./support/constants.ts";
import {
  deployFlow,
  expect,
  flowYaml,
  importYaml,
  test,
  trigger,
  uniqueName,
} from "./support/fixtures.ts";
import { openEditor, signIn } from "./support/studio.ts";

const MB = 1024 * 1024;

function expectSecurityHeaders(response: APIResponse, what: string) {
  const headers = response.headers();
  const policy = headers["content-security-policy"] ?? "";
  expect(policy, `${what}: Content-Security-Policy`).toContain("frame-ancestors 'none'");
  expect(policy, what).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{20,}'/);
  expect(policy, what).not.toMatch(/script-src[^;]*'unsafe-inline'/);
  expect(policy, what).toContain("object-src 'none'");
  expect(headers["x-frame-options"], what).toBe("DENY");
  expect(headers["x-content-type-options"], what).toBe("nosniff");
  expect(headers["referrer-policy"], what).toBe("same-origin");
  return /'nonce-([^']+)'/.exec(policy)![1]!;
}

test("every kind of answer carries the security headers", async ({ playwright, baseURL }) => {
  const anonymous = await playwright.request.newContext({ baseURL });
  const page = await anonymous.get("/login");
  const nonce = expectSecurityHeaders(page, "the sign-in page");
  // The page's own inline scripts carry the response's nonce; each response has a fresh one.
  expect(await page.text()).toContain(`nonce="${nonce}"`);
  expect(expectSecurityHeaders(await anonymous.get("/login"), "again")).not.toBe(nonce);

  expectSecurityHeaders(await anonymous.get("/api/health"), "the health check");
  const refused = await anonymous.get("/api/v1/flows");
  expect(refused.status()).toBe(401);
  expectSecurityHeaders(refused, "a refused API call");
  expectSecurityHeaders(await anonymous.get("/agent/pipebook-agent.mjs"), "the agent bundle");
  await anonymous.dispose();

  const signedIn = await playwright.request.newContext({
    baseURL,
    extraHTTPHeaders: { authorization: `Bearer ${E2E_API_KEY}` },
  });
  expectSecurityHeaders(await signedIn.get("/api/v1/flows"), "an API call");
  const trpc = await signedIn.get("/api/trpc/flows.list");
  expect(trpc.status()).toBe(200);
  expectSecurityHeaders(trpc, "a tRPC call");
  expectSecurityHeaders(await signedIn.get("/flows"), "a studio page");
  await signedIn.dispose();
});

test("the studio's pages, the editor and a run's graph run within the policy", async ({
  page,
  api,
}) => {
  const name = uniqueName("csp");
  expect((await importYaml(api, flowYaml(name))).status()).toBe(201);
  const deployment = await deployFlow(api, {
    name: uniqueName("csp-run"),
    tasks: [{ name: "a", language: "shell", code: "echo hi" }],
  });
  const runId = await trigger(api, deployment.id);

  await signIn(page);
  for (const path of [
    "/",
    "/flows",
    "/deployments",
    "/runs",
    "/work-queues",
    "/agents",
    "/users",
    "/account",
  ]) {
    await page.goto(path);
    await expect(page.getByRole("navigation").first()).toBeVisible();
  }
  // Monaco with its workers (TypeScript's language service runs in one) and React Flow.
  await openEditor(page, name);
  await expect(page.locator(".monaco-editor").first()).toBeVisible();
  await expect(page.locator(".react-flow__node").first()).toBeVisible();
  await page.waitForFunction(() =>
    performance.getEntriesByType("resource").some((e) => /worker/i.test(e.name)),
  );
  await page.goto(`/runs/${runId}`);
  await expect(page.locator(".react-flow__node").first()).toBeVisible();
  // The page fixture fails this test if anything above was blocked.
});

/** Sends a request's head and part of its body, and resolves with the answer's status line. */
function partialUpload(
  port: number,
  head: string,
  parts: Buffer[],
): Promise<{ status: string; sentBytes: number }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    let answer = "";
    let sentBytes = 0;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new Error(`no answer within 15 s after ${sentBytes} bytes: the server waits for the body`),
      );
    }, 15_000);
    socket.on("data", (chunk) => {
      answer += chunk.toString("latin1");
      const line = answer.split("\r\n")[0];
      if (answer.includes("\r\n")) {
        clearTimeout(timer);
        socket.destroy();
        resolve({ status: line!, sentBytes });
      }
    });
    socket.on("error", (error) => {
      if (!answer) reject(error);
    });
    socket.write(head);
    for (const part of parts) {
      socket.write(part);
      sentBytes += part.length;
    }
  });
}

test("tRPC refuses a body over 10 MB with 413 before reading it whole", async ({ baseURL }) => {
  const port = Number(new URL(baseURL!).port);
  const common = `Host: 127.0.0.1:${port}\r\nAuthorization: Bearer ${E2E_API_KEY}\r\nContent-Type: application/json\r\n`;
  // A declared 57 MB (the flow that stalled the server): the answer comes after 1 MB is sent.
  const declared = await partialUpload(
    port,
    `POST /api/trpc/flows.save HTTP/1.1\r\n${common}Content-Length: ${57 * MB}\r\n\r\n`,
    [Buffer.from(`{"flow":{"name":"big","description":"${"x".repeat(MB)}`)],
  );
  expect(declared.status).toMatch(/^HTTP\/1\.1 413/);
  // No length given (chunked): refused once just past 10 MB has come, of 57 MB on the way.
  const chunk = Buffer.from(`${MB.toString(16)}\r\n${"x".repeat(MB)}\r\n`);
  const chunked = await partialUpload(
    port,
    `POST /api/trpc/flows.save HTTP/1.1\r\n${common}Transfer-Encoding: chunked\r\n\r\n`,
    [Buffer.from('10\r\n{"flow":{"name":\r\n'), ...Array.from({ length: 12 }, () => chunk)],
  );
  expect(chunked.status).toMatch(/^HTTP\/1\.1 413/);
});

test("the 413 says what the limit is, as the studio shows it", async ({ api }) => {
  const response = await api.post("/api/trpc/flows.import", {
    data: { text: "x".repeat(11 * MB), format: "json" },
  });
  expect(response.status()).toBe(413);
  const body = await response.json();
  expect(body.error.data.code).toBe("PAYLOAD_TOO_LARGE");
  expect(body.error.message).toBe(
    "the request body is larger than 10 MB, the most this server reads",
  );
});
