// Triggers: what starts a deployment's run besides a person or a schedule — an incoming webhook
// (a secret URL per trigger) or the end of a run of another deployment. The shapes here are the
// same in the API, the CLI and the studio; server/triggers/ checks what they refer to.
import * as z from "zod";

export const TRIGGER_KINDS = ["webhook", "runCompletion"] as const;
export type TriggerKind = (typeof TRIGGER_KINDS)[number];

/** The end states a completion trigger may fire on. */
export const TRIGGER_STATES = ["Completed", "Failed", "Crashed", "Cancelled"] as const;
export type TriggerState = (typeof TRIGGER_STATES)[number];

/** Where webhooks are posted: this prefix, then the trigger's token. */
export const WEBHOOK_PATH = "/api/v1/hooks/";

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const PARAMETER = /^[A-Za-z_][A-Za-z0-9_]*$/;

const MapSchema = z
  .record(
    z.string().regex(PARAMETER, {
      message: "a parameter name: letters, digits and _, not starting with a digit",
    }),
    z.string().max(500),
  )
  .refine((map) => Object.keys(map).length <= 100, { message: "at most 100 parameters" })
  .describe(
    'parameter → where its value comes from. webhook: a JSON pointer into the body ("/user/id"); runCompletion: "<task>" (the task\'s result), "<task>/<pointer>" (inside it) or "parameters/<name>" (the source run\'s parameter). Empty: a webhook\'s body is the parameters; a completion passes none',
  );

const nameField = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(NAME, {
    message: "letters, digits, _, . and -, starting with a letter or digit (e.g. github-push)",
  })
  .describe("unique among the deployment's triggers");

const statesField = z
  .array(z.enum(TRIGGER_STATES))
  .min(1, { message: 'give at least one state, e.g. ["Completed"]' })
  .describe("runCompletion: the end states of the source run that fire it (default Completed)");

export const TriggerInputSchema = z
  .strictObject({
    name: nameField,
    kind: z.enum(TRIGGER_KINDS),
    active: z.boolean().default(true).describe("false: kept, but fires nothing"),
    map: MapSchema.default({}),
    sourceDeploymentId: z
      .string()
      .optional()
      .describe("runCompletion: the deployment whose runs' ends fire this trigger"),
    states: statesField.optional(),
  })
  .superRefine((input, ctx) => {
    if (input.kind === "runCompletion" && input.sourceDeploymentId === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["sourceDeploymentId"],
        message: "a runCompletion trigger needs the deployment whose runs it watches",
      });
    }
    if (input.kind === "webhook") {
      for (const field of ["sourceDeploymentId", "states"] as const) {
        if (input[field] !== undefined) {
          ctx.addIssue({
            code: "custom",
            path: [field],
            message: `"${field}" applies to runCompletion triggers only`,
          });
        }
      }
    }
  })
  .meta({ id: "TriggerInput" });
export type TriggerInput = z.output<typeof TriggerInputSchema>;

/** A change to a trigger: what is given is replaced; its kind and source stay. */
export const TriggerPatchSchema = z
  .strictObject({
    name: nameField.optional(),
    active: z.boolean().optional(),
    map: MapSchema.optional(),
    states: statesField.optional(),
  })
  .meta({ id: "TriggerPatch" });
export type TriggerPatch = z.output<typeof TriggerPatchSchema>;

export const TriggerSchema = z
  .object({
    id: z.string(),
    deploymentId: z.string(),
    name: z.string(),
    kind: z.enum(TRIGGER_KINDS),
    active: z.boolean(),
    map: z.record(z.string(), z.string()),
    /** webhook: the first characters of the URL's token, to tell URLs apart. */
    tokenPrefix: z.string().nullable(),
    /** runCompletion: the watched deployment ("flow/name") and the states that fire it. */
    source: z.object({ id: z.string(), label: z.string() }).nullable(),
    states: z.array(z.enum(TRIGGER_STATES)),
    /** In words: "webhook (token abc123…)", "when flow/name ends Completed or Failed". */
    description: z.string(),
    lastFiring: z
      .object({ at: z.string(), runId: z.string().nullable(), error: z.string().nullable() })
      .nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "Trigger" });
export type TriggerView = z.infer<typeof TriggerSchema>;

export const ListTriggersResponseSchema = z.object({ triggers: z.array(TriggerSchema) });

/** A new trigger, or a rotated token: the webhook URL's token is shown here once, never again. */
export const TriggerWithTokenSchema = z
  .object({
    trigger: TriggerSchema,
    /** webhook only: the secret token and the path to POST to (null for runCompletion). */
    token: z.string().nullable(),
    path: z.string().nullable(),
    /** The whole URL, as this server was reached. */
    url: z.string().nullable(),
  })
  .meta({ id: "TriggerWithToken" });
export type TriggerWithToken = z.infer<typeof TriggerWithTokenSchema>;

export const TriggerFiringSchema = z.object({
  id: z.string(),
  at: z.string(),
  /** The run whose end fired it (null for a webhook call). */
  sourceRunId: z.string().nullable(),
  /** The run it created; null when it failed (see error). */
  runId: z.string().nullable(),
  error: z.string().nullable(),
});
export type TriggerFiringView = z.infer<typeof TriggerFiringSchema>;

export const ListTriggerFiringsResponseSchema = z.object({
  firings: z.array(TriggerFiringSchema),
});

export const WebhookResponseSchema = z
  .object({ runId: z.string(), runUrl: z.string() })
  .meta({ id: "WebhookRun" });
