// `pipebook key create|ls|revoke`: API keys for scripts, the CLI and agents. A new key is printed
// once (it is stored only as a hash); `--agent --queue Q` makes a key that can only run agents
// on those queues.
import {
  ApiKeySchema,
  CreateApiKeyResponseSchema,
  ListApiKeysResponseSchema,
  RoleSchema,
} from "../../contract/api-v1.ts";
import { defineCommand } from "../command.ts";
import { CliError, clock, say, sayJson, warn } from "../output.ts";
import { table } from "../table.ts";

export const keyCreateCommand = defineCommand({
  name: "key create",
  operands: "NAME",
  arity: { min: 1, max: 1 },
  summary: "create an API key (printed once); --agent --queue Q for an agent key",
  help: `Creates an API key named NAME (say what it is for) and prints it once: only its hash is kept.
A key acts with your role, or a lower one given with --role. Agent keys (admins only) can do
nothing but run agents on the given work queues.

Options:
  --role ROLE          viewer | operator | editor | admin (not above your own)
  --expires-in DAYS    the key stops working after DAYS days (default: never)
  --agent              an agent key (needs --queue)
  --queue Q            a work queue the agent key serves (repeat for several)`,
  options: {
    role: { type: "string" },
    "expires-in": { type: "string" },
    agent: { type: "boolean", default: false },
    queue: { type: "string", multiple: true, default: [] },
  },
  async run({ api, values, positionals }) {
    const role = values.role === undefined ? undefined : RoleSchema.safeParse(values.role);
    if (role && !role.success) {
      throw new CliError(
        `--role must be one of viewer, operator, editor, admin (got "${values.role}")`,
      );
    }
    const days = values["expires-in"];
    if (days !== undefined && !/^[1-9]\d{0,3}$/.test(days)) {
      throw new CliError(`--expires-in must be a whole number of days, 1 to 3650 (got "${days}")`);
    }
    const result = await api().post("/api/v1/api-keys", CreateApiKeyResponseSchema, {
      name: positionals[0]!,
      kind: values.agent ? "agent" : "user",
      ...(role ? { role: role.data } : {}),
      queues: values.queue,
      ...(days ? { expiresInDays: Number(days) } : {}),
    });
    if (!result.ok) throw new CliError(`could not create the key: ${result.error}`);
    if (values.json) return sayJson(result.data);
    const { apiKey, key } = result.data;
    say(key);
    warn(
      `Created ${apiKey.kind} key "${apiKey.name}" (${apiKey.id})` +
        (apiKey.queues.length ? ` for work queue(s) ${apiKey.queues.join(", ")}` : "") +
        (apiKey.expiresAt ? `, expires ${clock(apiKey.expiresAt)}` : "") +
        ". It is shown only now: store it in a file readable only by you.",
    );
  },
});

export const keyLsCommand = defineCommand({
  name: "key ls",
  aliases: ["keys", "key list"],
  operands: "",
  arity: { min: 0, max: 0 },
  summary: "list your API keys (an admin: everyone's)",
  help: `Lists API keys: name, id, the key's first characters, kind, role, queues, last use, expiry and
whether it was revoked. Never the keys themselves.`,
  options: {},
  async run({ api, values }) {
    const result = await api().request("/api/v1/api-keys", ListApiKeysResponseSchema);
    if (!result.ok) throw new CliError(`could not list the keys: ${result.error}`);
    if (values.json) return sayJson(result.data);
    say(
      table(
        ["NAME", "ID", "PREFIX", "KIND", "USER", "ROLE", "QUEUES", "LAST USED", "STATE"],
        result.data.apiKeys.map((k) => [
          k.name,
          k.id,
          k.prefix,
          k.kind,
          k.user,
          k.role ?? "",
          k.queues.join(","),
          k.lastUsedAt ? clock(k.lastUsedAt) : "never",
          k.state,
        ]),
      ),
    );
  },
});

export const keyRevokeCommand = defineCommand({
  name: "key revoke",
  operands: "ID",
  arity: { min: 1, max: 1 },
  summary: "revoke an API key: it stops working at once, with its browser sessions",
  help: `Revokes the API key ID (from pipebook key ls). Requests with it are refused at once, and browser
sessions signed in with it end.`,
  options: {},
  async run({ api, values, positionals }) {
    const id = positionals[0]!;
    const result = await api().post(
      `/api/v1/api-keys/${encodeURIComponent(id)}/revoke`,
      ApiKeySchema,
      {},
    );
    if (!result.ok) throw new CliError(`could not revoke key ${id}: ${result.error}`);
    if (values.json) return sayJson(result.data);
    say(`Revoked key "${result.data.name}" (${id})`);
  },
});
