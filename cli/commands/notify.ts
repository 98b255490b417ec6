// `pipebook notify add|ls|rm|test|log|retry`: notification rules — a webhook (Slack and the like)
// told when runs fail, crash, complete, are cancelled or run too long — and their delivery logs.
import * as z from "zod";
import {
  ListDeliveriesResponseSchema,
  ListNotificationRulesResponseSchema,
  NOTIFICATION_EVENTS,
  NotificationDeliverySchema,
  NotificationRuleSchema,
  type NotificationEvent,
  type NotificationRuleView,
} from "../../contract/api-v1.ts";
import { intervalMs } from "../../contract/schedules.ts";
import type { ApiClient } from "../api-client.ts";
import { defineCommand } from "../command.ts";
import { CliError, clock, say, sayJson } from "../output.ts";
import { table } from "../table.ts";
import { findDeployment } from "./run.ts";

const scopeOf = (r: NotificationRuleView) =>
  r.deployment ? `deployment ${r.deployment}` : r.tag ? `tag ${r.tag}` : "every run";
const eventsOf = (r: NotificationRuleView) =>
  r.events
    .map((e) => (e === "longRunning" ? `running > ${r.longerThanMinutes} min` : e))
    .join(", ");

function parseEvents(text: string): NotificationEvent[] {
  const events = text
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean);
  for (const e of events) {
    if (!(NOTIFICATION_EVENTS as readonly string[]).includes(e)) {
      throw new CliError(`--on: unknown event "${e}" (events: ${NOTIFICATION_EVENTS.join(", ")})`);
    }
  }
  return events as NotificationEvent[];
}

function parseMinutes(text: string): number {
  const ms = intervalMs(text);
  if (ms === null || ms < 60_000 || ms % 60_000 !== 0) {
    throw new CliError(`--longer-than: "${text}" is not a whole number of minutes, e.g. 30m or 2h`);
  }
  return ms / 60_000;
}

/** A rule by id, or by a name only one rule has. */
async function findRule(api: ApiClient, ref: string): Promise<NotificationRuleView> {
  const result = await api.request(
    "/api/v1/notification-rules",
    ListNotificationRulesResponseSchema,
  );
  if (!result.ok) throw new CliError(`could not list the notification rules: ${result.error}`);
  const byId = result.data.rules.find((r) => r.id === ref);
  if (byId) return byId;
  const named = result.data.rules.filter((r) => r.name === ref);
  if (named.length === 1) return named[0]!;
  throw new CliError(
    named.length
      ? `${named.length} rules are named "${ref}": give the id (see \`pipebook notify ls\`)`
      : `no notification rule "${ref}" (see \`pipebook notify ls\`)`,
  );
}

export const notifyAddCommand = defineCommand({
  name: "notify add",
  operands: "",
  arity: { min: 0, max: 0 },
  summary: "post to a webhook when runs fail, crash, complete or run too long",
  help: `Adds a notification rule: a JSON message with a Slack-compatible "text" is POSTed to --url
when a run in scope ends in one of the events (or runs longer than --longer-than). A receiver
that is down gets it when it is back (retried for a day).

Options:
  --url URL            the webhook (http or https), e.g. a Slack incoming webhook
  --on EVENTS          comma-separated: ${NOTIFICATION_EVENTS.join(", ")} (default failed,crashed)
  --deployment DEP     only runs of this deployment (FLOW/NAME or id)
  --tag TAG            only runs of deployments with this tag (neither: every run)
  --longer-than TIME   also notify once a run has run this long, e.g. 30m or 2h
  --name NAME          the rule's name (default: its scope and events)
  --off                add it switched off`,
  options: {
    url: { type: "string" },
    on: { type: "string", default: "failed,crashed" },
    deployment: { type: "string" },
    tag: { type: "string" },
    "longer-than": { type: "string" },
    name: { type: "string" },
    off: { type: "boolean", default: false },
  },
  async run({ api, values }) {
    if (!values.url) throw new CliError("--url is required: where to POST the messages");
    if (values.deployment && values.tag) {
      throw new CliError("give --deployment or --tag, not both (neither: every run)");
    }
    const events = parseEvents(values.on);
    const longer = values["longer-than"];
    const longerThanMinutes = longer ? parseMinutes(longer) : undefined;
    if (longerThanMinutes && !events.includes("longRunning")) events.push("longRunning");
    const deployment = values.deployment
      ? await findDeployment(api(), values.deployment)
      : undefined;
    const scope = deployment ? `${deployment.flow}/${deployment.name}` : (values.tag ?? "all runs");
    const result = await api().post("/api/v1/notification-rules", NotificationRuleSchema, {
      name: values.name ?? `${scope}: ${events.join(", ")}`,
      deploymentId: deployment?.id,
      tag: values.tag,
      events,
      longerThanMinutes,
      url: values.url,
      active: !values.off,
    });
    if (!result.ok) throw new CliError(`could not add the rule: ${result.error}`);
    if (values.json) return sayJson(result.data);
    say(
      `Added notification rule ${result.data.id} (${result.data.name}): ${eventsOf(result.data)} of ${scopeOf(result.data)} → ${result.data.url}`,
    );
    say(`Check it with: pipebook notify test ${result.data.id}`);
  },
});

export const notifyLsCommand = defineCommand({
  name: "notify ls",
  aliases: ["notify list"],
  operands: "",
  arity: { min: 0, max: 0 },
  summary: "list notification rules",
  help: "Lists every notification rule: id, name, scope, events, webhook (masked), on/off.",
  options: {},
  async run({ api, values }) {
    const result = await api().request(
      "/api/v1/notification-rules",
      ListNotificationRulesResponseSchema,
    );
    if (!result.ok) throw new CliError(`could not list the notification rules: ${result.error}`);
    if (values.json) return sayJson(result.data);
    if (!result.data.rules.length) {
      return say("No notification rule: add one with `pipebook notify add --url URL`");
    }
    say(
      table(
        ["ID", "NAME", "SCOPE", "EVENTS", "WEBHOOK", "STATE"],
        result.data.rules.map((r) => [
          r.id,
          r.name,
          scopeOf(r),
          eventsOf(r),
          r.url,
          r.active ? "on" : "off",
        ]),
      ),
    );
  },
});

export const notifyRmCommand = defineCommand({
  name: "notify rm",
  operands: "RULE",
  arity: { min: 1, max: 1 },
  summary: "remove a notification rule and its delivery log",
  help: "Removes the rule RULE (its id, or a name only it has).",
  options: {},
  async run({ api, values, positionals }) {
    const rule = await findRule(api(), positionals[0]!);
    const result = await api().request(`/api/v1/notification-rules/${rule.id}`, z.unknown(), {
      method: "DELETE",
    });
    if (!result.ok) throw new CliError(`could not remove the rule: ${result.error}`);
    if (values.json) return sayJson({ removed: rule.id });
    say(`Removed notification rule ${rule.id} (${rule.name})`);
  },
});

export const notifyTestCommand = defineCommand({
  name: "notify test",
  operands: "RULE",
  arity: { min: 1, max: 1 },
  summary: "send a test message to a rule's webhook",
  help: "Queues a test message to RULE's webhook now; see how it went with `pipebook notify log RULE`.",
  options: {},
  async run({ api, values, positionals }) {
    const rule = await findRule(api(), positionals[0]!);
    const result = await api().post(
      `/api/v1/notification-rules/${rule.id}/test`,
      NotificationDeliverySchema,
      {},
    );
    if (!result.ok) throw new CliError(`could not send a test message: ${result.error}`);
    if (values.json) return sayJson(result.data);
    say(`Sending a test message to ${rule.url} (delivery ${result.data.id});`);
    say(`see how it went with: pipebook notify log ${rule.id}`);
  },
});

export const notifyLogCommand = defineCommand({
  name: "notify log",
  operands: "RULE",
  arity: { min: 1, max: 1 },
  summary: "a notification rule's deliveries: status, attempts, last error",
  help: `Lists RULE's deliveries, newest first.

Options:
  --limit N            how many (default 20, at most 200)`,
  options: { limit: { type: "string", default: "20" } },
  async run({ api, values, positionals }) {
    const rule = await findRule(api(), positionals[0]!);
    const result = await api().request(
      `/api/v1/notification-rules/${rule.id}/deliveries`,
      ListDeliveriesResponseSchema,
      { query: { limit: values.limit } },
    );
    if (!result.ok) throw new CliError(`could not read the delivery log: ${result.error}`);
    if (values.json) return sayJson(result.data);
    if (!result.data.deliveries.length) {
      return say(`No delivery yet for ${rule.name}: try \`pipebook notify test ${rule.id}\``);
    }
    say(
      table(
        ["ID", "TIME", "EVENT", "RUN", "STATUS", "ATTEMPTS", "HTTP", "LAST ERROR"],
        result.data.deliveries.map((d) => [
          d.id,
          clock(d.createdAt),
          d.event,
          d.flowRunId?.slice(0, 8) ?? "-",
          d.status === "pending" && d.nextAttemptAt
            ? `pending (next ${clock(d.nextAttemptAt)})`
            : d.status,
          String(d.attempts),
          d.lastStatus === null ? "-" : String(d.lastStatus),
          d.lastError ?? "",
        ]),
      ),
    );
  },
});

export const notifyRetryCommand = defineCommand({
  name: "notify retry",
  operands: "DELIVERY_ID",
  arity: { min: 1, max: 1 },
  summary: "send a failed delivery again now",
  help: "Sends the delivery DELIVERY_ID (see `pipebook notify log RULE`) again now.",
  options: {},
  async run({ api, values, positionals }) {
    const id = encodeURIComponent(positionals[0]!);
    const result = await api().post(
      `/api/v1/notification-deliveries/${id}/retry`,
      NotificationDeliverySchema,
      {},
    );
    if (!result.ok) throw new CliError(`could not retry the delivery: ${result.error}`);
    if (values.json) return sayJson(result.data);
    say(`Sending delivery ${result.data.id} again`);
  },
});
