// The message a rule sends: a JSON body whose `text` is one Slack-compatible line
// ("❌ Run 1a2b3c4d of etl/nightly failed: Task load failed: … http://…/runs/…"), with the run's
// facts beside it for receivers that read JSON. Pure: the facts come in, the body goes out.
import { formatDurationMs } from "../../contract/duration.ts";
import type { DeliveryEvent, NotificationPayload } from "../../contract/notifications.ts";

export type RunFacts = {
  id: string;
  flow: string;
  /** The deployment's name (null for a run with none). */
  deployment: string | null;
  state: string;
  startedAt: Date | null;
  endedAt: Date | null;
  /** Why it failed, crashed or was cancelled: its state message or error. */
  cause: string | null;
};

/** A cause longer than this is cut: the line is for a chat, the run page has the whole of it. */
const MAX_CAUSE = 300;

// Slack reads &, < and > as markup (<url|label>, <@user>): a run's own text must not.
const slack = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

const oneLine = (text: string) => {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > MAX_CAUSE ? `${line.slice(0, MAX_CAUSE - 1)}…` : line;
};

export const runName = (id: string) => id.slice(0, 8);

export function runUrl(baseUrl: string, runId: string): string {
  return `${baseUrl.replace(/\/+$/, "")}/runs/${runId}`;
}

function durationMs(run: RunFacts, now: Date): number | null {
  if (!run.startedAt) return null;
  return (run.endedAt ?? now).getTime() - run.startedAt.getTime();
}

export function notificationText(
  event: Exclude<DeliveryEvent, "test">,
  run: RunFacts,
  options: { url: string; now: Date; longerThanMinutes?: number | null },
): string {
  const what = `Run ${runName(run.id)} of ${slack(run.deployment ? `${run.flow}/${run.deployment}` : run.flow)}`;
  const cause = run.cause ? `: ${slack(oneLine(run.cause))}` : "";
  const took = durationMs(run, options.now);
  const duration = took === null ? "" : ` in ${formatDurationMs(took)}`;
  switch (event) {
    case "failed":
      return `❌ ${what} failed${cause} ${options.url}`;
    case "crashed":
      return `💥 ${what} crashed${cause} ${options.url}`;
    case "completed":
      return `✅ ${what} completed${duration} ${options.url}`;
    case "cancelled":
      return `🚫 ${what} was cancelled${cause} ${options.url}`;
    case "longRunning": {
      const limit = options.longerThanMinutes
        ? ` (longer than ${options.longerThanMinutes} min)`
        : "";
      return `⏳ ${what} has been running for ${formatDurationMs(took ?? 0)}${limit} ${options.url}`;
    }
  }
}

export function runPayload(input: {
  deliveryId: string;
  event: Exclude<DeliveryEvent, "test">;
  run: RunFacts;
  rule: { id: string; name: string; longerThanMinutes: number | null };
  baseUrl: string;
  now: Date;
}): NotificationPayload {
  const { run, now } = input;
  const url = runUrl(input.baseUrl, run.id);
  return {
    text: notificationText(input.event, run, {
      url,
      now,
      longerThanMinutes: input.rule.longerThanMinutes,
    }),
    event: input.event,
    deliveryId: input.deliveryId,
    run: {
      id: run.id,
      url,
      flow: run.flow,
      deployment: run.deployment,
      state: run.state,
      startedAt: run.startedAt?.toISOString() ?? null,
      endedAt: run.endedAt?.toISOString() ?? null,
      durationMs: durationMs(run, now),
      error: run.cause,
    },
    rule: { id: input.rule.id, name: input.rule.name },
  };
}

export function testPayload(input: {
  deliveryId: string;
  rule: { id: string; name: string };
  baseUrl: string;
}): NotificationPayload {
  return {
    text: `🔔 Test message from Pipebook's notification rule "${slack(input.rule.name)}": this webhook receives its notifications. ${input.baseUrl}`,
    event: "test",
    deliveryId: input.deliveryId,
    run: null,
    rule: { id: input.rule.id, name: input.rule.name },
  };
}
