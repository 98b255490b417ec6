"use client";
// "Backfill…" on a schedule: the range (from, to) and the most runs in flight, with how many runs
// it makes and the first slots — asked of the server as the fields change, so what is shown is
// what is created. Starting it opens its page.
import { skipToken, useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useDeferredValue, useState } from "react";
import { Alert, buttonClass, Dialog, inputClass } from "@/app/_components/dialog";
import { useTRPC } from "@/app/_lib/trpc";

export type BackfillTarget = { deploymentId: string; scheduleId: string; description: string };

/** A datetime-local value (the browser's wall-clock time) as an instant, or null when empty. */
function instant(local: string): string | null {
  const at = new Date(local);
  return local && !Number.isNaN(at.getTime()) ? at.toISOString() : null;
}

/** The datetime-local value of an instant, in the browser's zone. */
function localValue(at: Date): string {
  const shifted = new Date(at.getTime() - at.getTimezoneOffset() * 60_000);
  return shifted.toISOString().slice(0, 16);
}

export function BackfillDialog({
  target,
  onClose,
}: {
  target: BackfillTarget | null;
  onClose: () => void;
}) {
  return (
    <Dialog
      open={target !== null}
      title={`Backfill ${target?.description ?? ""}`}
      onClose={onClose}
    >
      {target ? <BackfillForm target={target} /> : null}
    </Dialog>
  );
}

function BackfillForm({ target }: { target: BackfillTarget }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [from, setFrom] = useState(() => localValue(new Date(Date.now() - 86_400_000)));
  const [to, setTo] = useState(() => localValue(new Date()));
  const [maxInFlight, setMaxInFlight] = useState("1");
  const range = { from: instant(from), to: instant(to) };
  const input =
    range.from && range.to
      ? {
          scheduleId: target.scheduleId,
          from: range.from,
          to: range.to,
          maxInFlight: Number(maxInFlight) || 1,
        }
      : null;
  const typed = useDeferredValue(input ? JSON.stringify(input) : null);
  const preview = useQuery({
    ...trpc.backfills.preview.queryOptions(
      typed ? { deploymentId: target.deploymentId, ...JSON.parse(typed) } : skipToken,
    ),
    retry: false,
  });
  const create = useMutation(
    trpc.backfills.create.mutationOptions({
      onSuccess: (backfill) => router.push(`/backfills/${backfill.id}`),
    }),
  );

  return (
    <form
      aria-label="Backfill"
      className="flex flex-col gap-3 text-sm"
      onSubmit={(e) => {
        e.preventDefault();
        if (input) create.mutate({ deploymentId: target.deploymentId, backfill: input });
      }}
    >
      <p className="text-zinc-500">
        A run for every slot of this schedule from one time to another (both included), in your time
        zone; each run&apos;s scheduled time is its slot.
      </p>
      <div className="grid grid-cols-[auto_1fr] items-center gap-x-3 gap-y-2">
        <label htmlFor="backfill-from">From</label>
        <input
          id="backfill-from"
          type="datetime-local"
          className={inputClass}
          value={from}
          onChange={(e) => setFrom(e.target.value)}
        />
        <label htmlFor="backfill-to">To</label>
        <input
          id="backfill-to"
          type="datetime-local"
          className={inputClass}
          value={to}
          onChange={(e) => setTo(e.target.value)}
        />
        <label htmlFor="backfill-max">Max in flight</label>
        <input
          id="backfill-max"
          type="number"
          min={1}
          max={100}
          className={`${inputClass} w-24`}
          value={maxInFlight}
          onChange={(e) => setMaxInFlight(e.target.value)}
        />
      </div>
      <section aria-label="Slots" data-testid="backfill-preview" className="min-h-24">
        {!input ? (
          <p className="text-zinc-500">Give both times to see the slots.</p>
        ) : preview.isError ? (
          <Alert>{preview.error.message}</Alert>
        ) : preview.data ? (
          <>
            <p className="mb-1" data-slot-count={preview.data.total}>
              <strong>{preview.data.total}</strong> run{preview.data.total === 1 ? "" : "s"}:{" "}
              {preview.data.description}. The first:
            </p>
            <ol className="grid grid-cols-2 gap-x-4 font-mono text-xs">
              {preview.data.firstSlotsLocal.map((t) => (
                <li key={t}>{t}</li>
              ))}
            </ol>
          </>
        ) : (
          <p className="text-zinc-500">…</p>
        )}
      </section>
      {create.isError ? <Alert>{create.error.message}</Alert> : null}
      <div>
        <button
          type="submit"
          className={buttonClass("primary")}
          disabled={!input || preview.isError || create.isPending}
        >
          Start backfill
        </button>
      </div>
    </form>
  );
}
