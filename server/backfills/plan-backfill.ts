// What a backfill would do, checked before anything is saved: the slots of one of the
// deployment's schedules between two times (or the parameter sets), each run's parameters
// merged and checked as any run of the deployment is. The preview and the creation share it,
// so what the dialog shows is what is created.
import { DateTime } from "luxon";
import {
  BACKFILL_PREVIEW_SLOTS,
  MAX_BACKFILL_SLOTS,
  type BackfillInput,
  type BackfillPreview,
} from "../../contract/backfills.ts";
import type { Db, Tx } from "../db/client.ts";
import { isUuid } from "../db/ids.ts";
import { deploymentForRun, type DeploymentForRun } from "../deployments/deployment-cache.ts";
import { isPipebookError, NotFoundError, PipebookError } from "../errors.ts";
import { getFlowVersion } from "../flows/version-cache.ts";
import { runParameters } from "../parameters/check-parameters.ts";
import { ruleOfRow } from "../schedules/schedule-row.ts";
import type { ScheduleRule } from "../schedules/schedule-rules.ts";

export type BackfillPlan = {
  deployment: DeploymentForRun;
  scheduleId: string | null;
  from: Date | null;
  to: Date | null;
  /** One per run for a schedule's slots; empty for parameter sets (they run when created). */
  slots: Date[];
  /** The overrides of every run (a schedule's parameters) … */
  parameters: Record<string, unknown>;
  /** … or of each run (one set per run). */
  parameterSets: Record<string, unknown>[] | null;
  total: number;
  description: string;
  timezone: string | null;
};

function bad(field: string, message: string): never {
  throw new PipebookError("bad_request", `${field}: ${message}`, { field });
}

/** A run's parameters as any run of the deployment gets them (its version's schema, now). */
export async function backfillRunParameters(
  db: Db | Tx,
  deployment: DeploymentForRun,
  given: Record<string, unknown>,
  context: string,
): Promise<Record<string, unknown>> {
  const version = await getFlowVersion(db, deployment.flowVersionId);
  return runParameters(version.spec.parameters, deployment.parameters, given, context);
}

/** The slots of `rule` in [from, to], or a 400 naming how many there are past the cap. */
function slotsBetween(rule: ScheduleRule, from: Date, to: Date): Date[] {
  // Slots are strictly after `after`: a millisecond earlier includes one exactly at `from`.
  const slots = rule.next(new Date(from.getTime() - 1), MAX_BACKFILL_SLOTS + 1, to);
  if (slots.length > MAX_BACKFILL_SLOTS) {
    // Counting them all could take long (a "1s" interval over a year is 31 million): the
    // spacing of the first ten thousand tells roughly how many there are.
    const spacing = (slots.at(-1)!.getTime() - slots[0]!.getTime()) / (slots.length - 1);
    const about = Math.round((to.getTime() - slots[0]!.getTime()) / spacing) + 1;
    bad(
      "to",
      `from ${from.toISOString()} to ${to.toISOString()} holds about ${about.toLocaleString("en-US")} slots of "${rule.description}", more than the ${MAX_BACKFILL_SLOTS.toLocaleString("en-US")} a backfill may have: make the range shorter, or split it into several backfills`,
    );
  }
  return slots;
}

async function scheduleOf(db: Db, deployment: DeploymentForRun, scheduleId: string) {
  const schedule = isUuid(scheduleId)
    ? await db.schedule.findUnique({ where: { id: scheduleId } })
    : null;
  if (!schedule || schedule.deploymentId !== deployment.id) {
    const own = await db.schedule.findMany({
      where: { deploymentId: deployment.id },
      select: { id: true },
    });
    bad(
      "scheduleId",
      `"${scheduleId}" is not a schedule of deployment "${deployment.name}": ${
        own.length
          ? `its schedules are ${own.map((s) => s.id).join(", ")}`
          : "it has none — add one first, or give parameterSets instead"
      }`,
    );
  }
  return schedule;
}

export async function planBackfill(
  db: Db,
  deploymentId: string,
  input: BackfillInput,
): Promise<BackfillPlan> {
  const deployment = await deploymentForRun(db, deploymentId);
  if (!deployment) throw new NotFoundError("deployment", deploymentId);
  if (input.parameterSets) {
    const sets = input.parameterSets;
    for (const [i, set] of sets.entries()) {
      try {
        await backfillRunParameters(db, deployment, set, `in parameterSets[${i}]`);
      } catch (error) {
        if (!isPipebookError(error)) throw error;
        throw new PipebookError(error.code, error.message, {
          ...error.details,
          field: `parameterSets[${i}]`,
          index: i,
        });
      }
    }
    return {
      deployment,
      scheduleId: null,
      from: null,
      to: null,
      slots: [],
      parameters: {},
      parameterSets: sets,
      total: sets.length,
      description: `${sets.length} parameter set${sets.length === 1 ? "" : "s"}`,
      timezone: null,
    };
  }
  // The contract requires these three when there are no parameter sets.
  const schedule = await scheduleOf(db, deployment, input.scheduleId!);
  const from = new Date(input.from!);
  const to = new Date(input.to!);
  const rule = ruleOfRow(schedule);
  const slots = slotsBetween(rule, from, to);
  if (!slots.length) {
    bad(
      "from",
      `"${rule.description}" has no slot from ${from.toISOString()} to ${to.toISOString()}: widen the range`,
    );
  }
  const parameters = schedule.parameters as Record<string, unknown>;
  await backfillRunParameters(
    db,
    deployment,
    parameters,
    `for the runs of a backfill of deployment "${deployment.name}"`,
  );
  return {
    deployment,
    scheduleId: schedule.id,
    from,
    to,
    slots,
    parameters,
    parameterSets: null,
    total: slots.length,
    description: `${slots.length} slot${slots.length === 1 ? "" : "s"} of ${rule.description}`,
    timezone: rule.timezone,
  };
}

export function previewOf(plan: BackfillPlan): BackfillPreview {
  const first = plan.slots.slice(0, BACKFILL_PREVIEW_SLOTS);
  return {
    total: plan.total,
    firstSlots: first.map((t) => t.toISOString()),
    firstSlotsLocal: first.map((t) =>
      DateTime.fromJSDate(t, { zone: plan.timezone ?? "UTC" }).toISO({
        suppressMilliseconds: true,
      })!,
    ),
    timezone: plan.timezone,
    description: plan.description,
  };
}
