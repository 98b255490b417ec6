// Helpers of the work queue specs (queues-agents*.spec.ts): a one-task flow, a queue's preview
// as the API answers it, and runs in the order they started.
import type { APIRequestContext } from "@playwright/test";
import type { RunView } from "./agents.ts";
import { expect } from "./fixtures.ts";

export const quickFlow = (name: string, code = "echo done") => ({
  name,
  tasks: [{ name: "work", language: "shell", code }],
});

export type Preview = {
  workQueue: { name: string; paused: boolean; waiting: { total: number; due: number } };
  runs: { id: string; position: number; state: string; due: boolean; warning: string | null }[];
  warnings: string[];
};

export async function readPreview(
  api: APIRequestContext,
  queue: string,
  limit = 20,
): Promise<Preview> {
  const response = await api.get(`/api/v1/work-queues/${queue}/preview?limit=${limit}`);
  expect(response.status(), await response.text()).toBe(200);
  return (await response.json()) as Preview;
}

/** Run ids in the order their runs started (an agent with room for one claims one at a time). */
export const byStart = (runs: RunView[]) =>
  [...runs].sort((a, b) => a.startedAt!.localeCompare(b.startedAt!)).map((r) => r.id);
