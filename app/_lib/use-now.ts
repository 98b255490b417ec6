"use client";
// The current time for what moves with it (a running attempt's bar, the timeline's "now" line,
// "3 s ago"): one shared clock ticking while anything reads it, so only those readers re-render.
import { useSyncExternalStore } from "react";

const listeners = new Set<() => void>();
let now = Date.now();
let timer: ReturnType<typeof setInterval> | undefined;
const TICK_MS = 500;

function subscribe(listener: () => void) {
  listeners.add(listener);
  if (!timer) {
    timer = setInterval(() => {
      now = Date.now();
      for (const l of listeners) l();
    }, TICK_MS);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

/** Date.now(), updated twice a second while `active` (false: a finished run stops following). */
export function useNow(active = true): number {
  return useSyncExternalStore(
    active ? subscribe : noSubscribe,
    () => now,
    () => 0,
  );
}

const noSubscribe = () => () => undefined;
