// `pipebook secret set NAME`: the value comes from stdin (typed without echo at a terminal) or
// from --from-file — never from the command line, where it would stay in the shell's history and
// in every process listing.
import fs from "node:fs";
import { SetSecretResponseSchema } from "../../contract/api-v1.ts";
import { defineCommand } from "../command.ts";
import { CliError, say, sayJson } from "../output.ts";
import { readHidden, readStdin } from "../read-input.ts";

export const secretSetCommand = defineCommand({
  name: "secret set",
  operands: "NAME",
  // A second operand is refused with a reason, not the generic "too many operands".
  arity: { min: 1, max: 2 },
  summary: "set a secret's value (from stdin or a file; never shown again)",
  help: `Creates the secret or replaces its value. The value is read from stdin — typed without echo
at a terminal, or piped (one final newline is dropped: echo adds one) — or from a file, kept
exactly as it is. It is stored encrypted, never shown again, given only to tasks that declare it
(secrets: [NAME]) and masked as *** in their logs and results.

  printf %s "$TOKEN" | pipebook secret set GITHUB_TOKEN
  pipebook secret set GCP_KEY --from-file key.json

Options:
  --from-file FILE     read the value from FILE`,
  options: { "from-file": { type: "string" } },
  run: async ({ api, values, positionals }) => {
    const [name, extra] = positionals as [string, string | undefined];
    if (extra !== undefined) {
      throw new CliError(
        "the value is not taken from the command line (it would stay in the shell's history and the process list): pipe it in, type it when asked, or use --from-file FILE",
        2,
      );
    }
    const file = values["from-file"];
    let value: string;
    if (file) {
      try {
        value = fs.readFileSync(file, "utf8");
      } catch (error) {
        throw new CliError(
          `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`,
        );
      }
    } else if (process.stdin.isTTY) {
      value = await readHidden(`Value of ${name} (not shown): `);
    } else {
      value = (await readStdin()).replace(/\r?\n$/, "");
    }
    const result = await api().request(
      `/api/v1/secrets/${encodeURIComponent(name)}`,
      SetSecretResponseSchema,
      { method: "PUT", body: JSON.stringify({ value }) },
    );
    if (!result.ok) throw new CliError(`could not set secret ${name}: ${result.error}`);
    if (values.json) return sayJson(result.data);
    say(
      `${result.data.created ? "Created" : "Replaced the value of"} secret ${name}: tasks that declare it (secrets: [${name}]) read it; its value is masked as *** in their logs and results`,
    );
  },
});
