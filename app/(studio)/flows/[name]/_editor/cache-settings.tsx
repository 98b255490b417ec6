"use client";
// A cell's cache settings: whether its result is cached, for how long, and what its key is made
// of (contract/cache-key.ts): code and inputs (the default), inputs only, or none.
import { inputClass } from "@/app/_components/dialog";
import type { CacheKeyPolicy } from "@/contract/flow-file/schema";
import type { DraftTask } from "./draft";

const num = (text: string): number | undefined => (text.trim() === "" ? undefined : Number(text));

export function CacheSettings({
  task,
  update,
}: {
  task: DraftTask;
  update: (patch: Partial<DraftTask>) => void;
}) {
  return (
    <>
      <label className="flex flex-col gap-1">
        Cache result for (s)
        <span className="flex items-center gap-2">
          <input
            type="checkbox"
            aria-label="Cache results"
            checked={!!task.cache}
            onChange={(e) =>
              update({ cache: e.target.checked ? { expiresSeconds: 3600 } : undefined })
            }
          />
          <input
            type="number"
            min={1}
            disabled={!task.cache}
            className={inputClass}
            value={task.cache?.expiresSeconds ?? ""}
            onChange={(e) =>
              update({ cache: { ...task.cache, expiresSeconds: num(e.target.value) } })
            }
          />
        </span>
      </label>
      <label className="flex flex-col gap-1">
        Cache key
        <select
          aria-label="Cache key"
          disabled={!task.cache}
          className={inputClass}
          value={task.cache?.key ?? "code+inputs"}
          onChange={(e) =>
            update({ cache: { ...task.cache, key: e.target.value as CacheKeyPolicy } })
          }
        >
          <option value="code+inputs">code + inputs (a code change runs again)</option>
          <option value="inputs">inputs only (kept across code changes)</option>
          <option value="none">none (never cached)</option>
        </select>
      </label>
    </>
  );
}
