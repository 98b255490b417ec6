// /api/v1 schedules: a deployment's schedules (list, add, replace, pause, resume, remove) and
// the preview of the next times a schedule would fire, computed before it is saved.
import * as z from "zod";
import {
  ListSchedulesResponseSchema,
  ScheduleInputSchema,
  SchedulePreviewRequestSchema,
  SchedulePreviewResponseSchema,
  ScheduleSchema,
} from "../../../contract/schedules.ts";
import { previewSchedule } from "../../schedules/preview-schedule.ts";
import {
  createSchedule,
  deleteSchedule,
  listSchedules,
  setScheduleActive,
  updateSchedule,
} from "../../schedules/save-schedule.ts";
import { route } from "../handler.ts";
import { json } from "../respond.ts";

const DeploymentParams = z.object({ id: z.string().describe("The deployment's id") });
const ScheduleParams = z.object({ id: z.string().describe("The schedule's id") });
const tag = "Schedules" as const;

export const postSchedulePreview = route(
  {
    access: "read",
    body: SchedulePreviewRequestSchema,
    docs: {
      operationId: "previewSchedule",
      summary: "The next times a schedule would fire (nothing is saved)",
      description:
        "Cron and RRULE times are wall-clock times in the schedule's `timezone`; across daylight-saving changes a time that does not exist fires once, shifted forward by the gap, and a time that happens twice fires once, at its first occurrence.",
      tag,
      responses: {
        200: { description: "The next times", schema: SchedulePreviewResponseSchema },
      },
      errors: [],
    },
  },
  async ({ body }) => json(200, previewSchedule(body)),
);

export const getDeploymentSchedules = route(
  {
    access: "read",
    params: DeploymentParams,
    docs: {
      operationId: "listSchedules",
      summary: "A deployment's schedules, with the next time each fires",
      tag,
      responses: { 200: { description: "The schedules", schema: ListSchedulesResponseSchema } },
      errors: [404],
    },
  },
  async ({ db, params }) => json(200, { schedules: await listSchedules(db, params.id) }),
);

export const postDeploymentSchedule = route(
  {
    access: "edit",
    params: DeploymentParams,
    body: ScheduleInputSchema,
    docs: {
      operationId: "createSchedule",
      summary: "Add a schedule to a deployment",
      description:
        "The schedule starts now: no run for a slot before it. The scheduler creates each slot's run once, up to 10 ahead (within 5 minutes), shown as Scheduled with their time.",
      tag,
      responses: { 201: { description: "The schedule", schema: ScheduleSchema } },
      errors: [404],
    },
  },
  async ({ db, params, body, actor }) =>
    json(201, await createSchedule(db, params.id, body, { actor })),
);

export const putSchedule = route(
  {
    access: "edit",
    params: ScheduleParams,
    body: ScheduleInputSchema,
    docs: {
      operationId: "updateSchedule",
      summary: "Replace a schedule's rule, parameters and on/off state",
      description:
        "Runs it created ahead of time that no agent has taken are cancelled; the new rule starts now.",
      tag,
      responses: { 200: { description: "The schedule", schema: ScheduleSchema } },
      errors: [404],
    },
  },
  async ({ db, params, body, actor }) =>
    json(200, await updateSchedule(db, params.id, body, { actor })),
);

const pauseOrResume = (active: boolean) =>
  route(
    {
      access: "operate",
      params: ScheduleParams,
      docs: {
        operationId: active ? "resumeSchedule" : "pauseSchedule",
        summary: active
          ? "Resume a schedule from now (the paused time is not caught up)"
          : "Pause a schedule: it creates no runs, and its waiting runs are cancelled",
        tag,
        responses: { 200: { description: "The schedule", schema: ScheduleSchema } },
        errors: [404],
      },
    },
    async ({ db, params, actor }) =>
      json(200, await setScheduleActive(db, params.id, active, { actor })),
  );
export const postPauseSchedule = pauseOrResume(false);
export const postResumeSchedule = pauseOrResume(true);

export const deleteScheduleRoute = route(
  {
    access: "edit",
    params: ScheduleParams,
    docs: {
      operationId: "deleteSchedule",
      summary: "Remove a schedule (its waiting runs are cancelled)",
      tag,
      responses: { 204: { description: "Removed" } },
      errors: [404],
    },
  },
  async ({ db, params, actor }) => {
    await deleteSchedule(db, params.id, { actor });
    return new Response(null, { status: 204 });
  },
);
