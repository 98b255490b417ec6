// `pipebook run items RUN TASK`: a mapped task's items as a table (or --json), optionally only
// those in some states — which items failed, with their errors, before a Retry from failure.
import {
  ListItemsResponseSchema,
  MAX_ITEMS_PAGE,
  type MappedItemView,
} from "../../contract/api-v1.ts";
import { TASK_RUN_STATES } from "../../contract/run-states.ts";
import type { ApiClient } from "../api-client.ts";
import { defineCommand } from "../command.ts";
import { ITEM_HEADER, itemRow } from "../item-rows.ts";
import { CliError, say, sayJson, warn } from "../output.ts";
import { table } from "../table.ts";

export const runItemsCommand = defineCommand({
  name: "run items",
  operands: "RUN TASK",
  arity: { min: 2, max: 2 },
  summary: "list a mapped task's items: index, state, attempts, duration, input, error",
  help: `Lists the items of mapped task TASK of flow run RUN (its id) in item order: each item's
index, state, attempts, how long it ran, its input (as the run saw it, cut short) and its error.
(A deployment named "items" is run with "pipebook run FLOW/items".)

Options:
  --state STATE        only items in this state (repeatable or comma-separated):
                       ${TASK_RUN_STATES.join(", ")}
  --limit N            at most N items (default: all)
  --json               {"items": [...], "total": N}: each item with its whole result and error`,
  options: {
    state: { type: "string", multiple: true, default: [] },
    limit: { type: "string" },
  },
  run: async ({ api, values, positionals }) => {
    const states = values.state.flatMap((s) => s.split(",")).filter(Boolean);
    for (const state of states) {
      if (!(TASK_RUN_STATES as readonly string[]).includes(state)) {
        throw new CliError(
          `--state: unknown state "${state}" (states: ${TASK_RUN_STATES.join(", ")})`,
        );
      }
    }
    const limit = values.limit === undefined ? Infinity : Number(values.limit);
    if (limit !== Infinity && !(Number.isInteger(limit) && limit >= 1)) {
      throw new CliError(`--limit must be a whole number ≥ 1 (got "${values.limit}")`);
    }
    const [run, task] = positionals as [string, string];
    const { items, total } = await readItems(api(), run, task, states, limit);
    if (values.json) {
      sayJson({ items, total });
      return 0;
    }
    if (items.length === 0) {
      say(
        states.length
          ? `No items of ${task} are ${states.join(" or ")} (of ${total} matching).`
          : `${task} has no items yet.`,
      );
      return 0;
    }
    const now = new Date();
    say(
      table(
        ITEM_HEADER,
        items.map((item) => itemRow(item, now)),
      ),
    );
    if (items.length < total) warn(`(${items.length} of ${total} items; --limit N shows more)`);
    return 0;
  },
});

async function readItems(
  api: ApiClient,
  run: string,
  task: string,
  states: string[],
  limit: number,
): Promise<{ items: MappedItemView[]; total: number }> {
  const items: MappedItemView[] = [];
  let offset = 0;
  for (;;) {
    const page = await api.request(
      `/api/v1/flow-runs/${encodeURIComponent(run)}/tasks/${encodeURIComponent(task)}/items`,
      ListItemsResponseSchema,
      {
        query: {
          offset: String(offset),
          limit: String(Math.min(MAX_ITEMS_PAGE, limit - items.length)),
          state: states.join(",") || undefined,
        },
      },
    );
    if (!page.ok) throw new CliError(page.error);
    items.push(...page.data.items);
    if (page.data.next === null || items.length >= limit) {
      return { items, total: page.data.total };
    }
    offset = page.data.next;
  }
}
