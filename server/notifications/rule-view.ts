// A notification rule as the API and the studio show it: its URL masked, its deployment named.
import { maskWebhookUrl, type NotificationRuleView } from "../../contract/notifications.ts";
import type { Prisma } from "../db/generated/client.ts";

export const RULE_SELECT = {
  id: true,
  name: true,
  deploymentId: true,
  deployment: { select: { name: true, flow: { select: { name: true } } } },
  tag: true,
  events: true,
  longerThanMinutes: true,
  url: true,
  active: true,
  createdBy: true,
  createdAt: true,
  updatedAt: true,
} satisfies Prisma.NotificationRuleSelect;

export type RuleRow = Prisma.NotificationRuleGetPayload<{ select: typeof RULE_SELECT }>;

export function ruleView(row: RuleRow): NotificationRuleView {
  return {
    id: row.id,
    name: row.name,
    deploymentId: row.deploymentId,
    deployment: row.deployment ? `${row.deployment.flow.name}/${row.deployment.name}` : null,
    tag: row.tag,
    // `test` is a delivery's event only; rules never hold it.
    events: row.events.filter((e) => e !== "test"),
    longerThanMinutes: row.longerThanMinutes,
    url: maskWebhookUrl(row.url),
    active: row.active,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
