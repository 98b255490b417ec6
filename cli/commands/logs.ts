// `pipebook logs RUN`: a run's log lines, filtered on the server, optionally followed to its end.
import { LogsResponseSchema, type LogsResponse } from "../../contract/api-v1.ts";
import { formatLogLine } from "../../contract/log-text.ts";
import type { ApiClient } from "../api-client.ts";
import { defineCommand } from "../command.ts";
import { CliError, warn } from "../output.ts";

const PAGE = 5_000;
const POLL_MS = 250;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const logsCommand = defineCommand({
  name: "logs",
  operands: "RUN",
  arity: { min: 1, max: 1 },
  summary: "print a flow run's log lines (--follow to wait for more until it ends)",
  help: `Prints the log lines of flow run RUN (its id), one per line:
  2026-11-30T12:00:00.123Z extract#1 WARNING the message
("run" for the run's own lines). The filters are applied on the server.

Options:
  --task NAME          only this task's lines
  --item N             with --task, a mapped task: only the lines of its item N (0-based)
  --level LIST         only lines of these levels, comma-separated: debug,info,warning,error
  --grep TEXT          only lines holding TEXT (case-insensitive)
  --tail N             only the last N lines (that pass the filters)
  --follow, -f         keep printing new lines until the run ends
  --json               one JSON object per line (line, task, item, attempt, level, message,
                       timestamp)

A mapped task's item's lines show it in brackets: get_stars[7]#1.`,
  options: {
    task: { type: "string" },
    item: { type: "string" },
    level: { type: "string" },
    grep: { type: "string" },
    tail: { type: "string" },
    follow: { type: "boolean", short: "f", default: false },
  },
  run: ({ api, values, positionals }) => {
    const tail = values.tail === undefined ? undefined : Number(values.tail);
    if (tail !== undefined && !(Number.isInteger(tail) && tail >= 1 && tail <= 5000)) {
      throw new CliError(`--tail takes a number of lines from 1 to 5000, not "${values.tail}"`);
    }
    if (values.item !== undefined) {
      if (!/^\d+$/.test(values.item)) {
        throw new CliError(`--item takes an item's index (0, 1, 2…), not "${values.item}"`);
      }
      if (values.task === undefined) {
        throw new CliError(`--item ${values.item} of which task? Give --task with --item`);
      }
    }
    return printLogs(api(), positionals[0]!, {
      filters: { task: values.task, item: values.item, level: values.level, q: values.grep },
      tail,
      follow: values.follow,
      json: values.json,
    });
  },
});

async function printLogs(
  api: ApiClient,
  run: string,
  options: {
    filters: { task?: string; item?: string; level?: string; q?: string };
    tail?: number;
    follow: boolean;
    json: boolean;
  },
): Promise<number> {
  const read = async (query: Record<string, string | undefined>): Promise<LogsResponse> => {
    const page = await api.request(
      `/api/v1/flow-runs/${encodeURIComponent(run)}/logs`,
      LogsResponseSchema,
      {
        query: { ...options.filters, ...query },
      },
    );
    if (!page.ok) throw new CliError(page.error);
    return page.data;
  };
  const print = (page: LogsResponse) => {
    if (!page.logs.length) return;
    const text = page.logs.map((l) => (options.json ? JSON.stringify(l) : formatLogLine(l)));
    process.stdout.write(`${text.join("\n")}\n`);
  };

  let page = await read(
    options.tail !== undefined ? { tail: String(options.tail) } : { limit: String(PAGE) },
  );
  print(page);
  let failures = 0;
  while (page.next !== null) {
    const full = options.tail === undefined && page.logs.length === PAGE;
    if (!full) {
      // Everything stored so far is printed: done, unless following the run to its end.
      if (!options.follow) return 0;
      await sleep(POLL_MS);
    }
    try {
      page = await read({ after: page.next, limit: String(PAGE) });
      failures = 0;
    } catch (error) {
      // The server may be restarting: keep following for a while before giving up.
      if (!options.follow || ++failures > 120) throw error;
      if (failures === 1) warn(`(${(error as Error).message}; still following)`);
      await sleep(1_000);
      continue;
    }
    print(page);
  }
  return 0;
}
