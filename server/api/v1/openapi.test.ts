import { describe, expect, it } from "vitest";
import { TABLE } from "../routes.ts";
import { buildOpenApiDocument } from "./openapi.ts";

type Operation = { operationId: string; responses: Record<string, unknown>; tags: string[] };

describe("the OpenAPI document", () => {
  const doc = buildOpenApiDocument(TABLE) as {
    paths: Record<string, Record<string, Operation>>;
    components: { schemas: Record<string, unknown> };
  };
  const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ path, method, ...op })),
  );

  it("documents every route of the table, each once, with a unique operationId", () => {
    expect(operations).toHaveLength(TABLE.length);
    const ids = operations.map((o) => o.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const [method, pattern] of TABLE) {
      const path = pattern.replace(/:(\w+)/g, "{$1}");
      expect(doc.paths[path]?.[method.toLowerCase()], `${method} ${pattern}`).toBeDefined();
    }
  });

  it("every reference resolves inside the document", () => {
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      expect(ref.startsWith("#/components/schemas/"), ref).toBe(true);
      expect(doc.components.schemas[ref.slice("#/components/schemas/".length)], ref).toBeDefined();
    }
  });

  it("every operation answers a documented 4xx error", () => {
    for (const op of operations) {
      expect(
        Object.keys(op.responses).some((s) => s.startsWith("4")),
        op.operationId,
      ).toBe(true);
    }
  });
});
