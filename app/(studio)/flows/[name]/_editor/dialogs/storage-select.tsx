"use client";
// The choice of storage for large results, in the flow's Storage dialog and the Deploy dialog
// (server/storage/storage-choice.ts says which one a run uses).
import { inputClass } from "@/app/_components/dialog";

export function StorageSelect({
  storages,
  value,
  onChange,
  disabled,
  followFlow = false,
}: {
  /** The server's storages; until they load, only the built-in local folder. */
  storages: readonly { name: string; kind: string }[] | undefined;
  value: string;
  onChange: (storage: string) => void;
  disabled?: boolean;
  /** A deployment's choice: "" first, following its flow's storage (then the default). */
  followFlow?: boolean;
}) {
  // Where following the flow is offered, that is the default rather than the local folder.
  const local = followFlow ? "the server's folder" : "the server's folder, the default";
  return (
    <label className="flex flex-col gap-1 text-sm font-medium">
      Storage of large results
      <select
        className={inputClass}
        value={value}
        disabled={disabled}
        onChange={(e) => onChange(e.target.value)}
      >
        {followFlow ? <option value="">Follow the flow&apos;s storage</option> : null}
        {(storages ?? [{ name: "local", kind: "local" }]).map((s) => (
          <option key={s.name} value={s.name}>
            {s.name} ({s.kind === "local" ? local : "S3"})
          </option>
        ))}
      </select>
    </label>
  );
}
