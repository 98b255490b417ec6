// Playwright fixtures: `api`, a request context that carries the bootstrap API key, and helpers
// that make each test's own data through the public API.
import crypto from "node:crypto";
import { test as base, expect, type APIRequestContext } from "@playwright/test";
import { E2E_API_KEY } from "./constants.ts";

export const uniqueName = (prefix = "e2e") => `${prefix}-${crypto.randomBytes(4).toString("hex")}`;

export function flowYaml(name: string): string {
  return `name: ${name}
description: Count stars of some repositories
parameters:
  type: object
  properties:
    repos: { type: array, items: { type: string }, default: ["PrefectHQ/prefect"] }
  required: [repos]
tasks:
  - name: get_stars
    language: python
    retries: 3
    retryDelaySeconds: 2
    code: |
      def main(repos):
          return {r: len(r) for r in repos}
  - name: report
    language: typescript
    dependsOn: [get_stars]
    code: |
      export default function main({ get_stars }: { get_stars: Record<string, number> }) {
        console.log("total", Object.values(get_stars).reduce((a, b) => a + b, 0));
        return Object.keys(get_stars).length;
      }
  - name: notify
    language: shell
    dependsOn: [report]
    code: |
      echo "repos counted: $REPORT"
`;
}

export async function importYaml(api: APIRequestContext, text: string) {
  return api.post("/api/v1/flows", { data: text, headers: { "content-type": "application/yaml" } });
}

/** Imports a flow given as an object (JSON) and deploys it; returns the deployment. */
export async function deployFlow(
  api: APIRequestContext,
  flow: Record<string, unknown>,
  extra: Record<string, unknown> = {},
) {
  const imported = await api.post("/api/v1/flows", { data: flow });
  expect(imported.status(), await imported.text()).toBe(201);
  return deploy(api, flow.name as string, extra);
}

export async function trigger(
  api: APIRequestContext,
  deploymentId: string,
  parameters: Record<string, unknown> = {},
) {
  const response = await api.post(`/api/v1/deployments/${deploymentId}/runs`, {
    data: { parameters },
  });
  expect(response.status(), await response.text()).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

export async function deploy(
  api: APIRequestContext,
  flow: string,
  extra: Record<string, unknown> = {},
) {
  const response = await api.post("/api/v1/deployments", {
    data: { flow, name: "e2e", parameters: {}, workQueue: "default", tags: [], ...extra },
  });
  expect(response.status(), await response.text()).toBe(201);
  return (await response.json()) as { id: string; name: string };
}

export const test = base.extend<{ api: APIRequestContext }>({
  // Every studio test also checks that the page ran within the server's Content-Security-Policy:
  // a blocked script, style, worker or connection fails the test that caused it.
  page: async ({ page }, use) => {
    const violations: string[] = [];
    page.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    await page.addInitScript(() => {
      document.addEventListener("securitypolicyviolation", (event) => {
        console.error(
          `Content Security Policy violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline code"} (${event.sourceFile}:${event.lineNumber})`,
        );
      });
    });
    await use(page);
    expect(violations, "the studio must run within its Content-Security-Policy").toEqual([]);
  },
  api: async ({ playwright, baseURL }, use) => {
    const api = await playwright.request.newContext({
      baseURL,
      extraHTTPHeaders: { authorization: `Bearer ${E2E_API_KEY}` },
    });
    await use(api);
    await api.dispose();
  },
});

export { expect };
