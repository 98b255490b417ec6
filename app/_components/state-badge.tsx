import { BADGE, stateLabel, type AnyState } from "@/app/_lib/state-colors";

export function StateBadge({ state }: { state: AnyState }) {
  return (
    <span
      data-state={state}
      className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ${BADGE[state]}`}
    >
      {stateLabel(state)}
    </span>
  );
}
