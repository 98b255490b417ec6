// Reading a backfill's runs back in e2e tests.
import type { APIRequestContext } from "@playwright/test";
import { history } from "./agents.ts";

const FINAL = ["Completed", "Failed", "Cancelled", "Crashed"];

/** The most runs of the backfill unfinished at one time, from their state histories. */
export async function mostInFlight(api: APIRequestContext, runIds: string[]): Promise<number> {
  const moments: [number, number][] = [];
  for (const id of runIds) {
    const events = (await history(api, id)).filter((e) => e.task === null);
    const created = events.find((e) => e.from === null)!;
    const ended = events.findLast((e) => FINAL.includes(e.to));
    moments.push([Date.parse(created.at), +1]);
    if (ended) moments.push([Date.parse(ended.at), -1]);
  }
  // An end and a creation at the same millisecond: the end first (the creation followed it).
  moments.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let most = 0;
  for (const [, step] of moments) most = Math.max(most, (now += step));
  return most;
}
