// The rule both transports apply to every input before it goes near the database: what
// PostgreSQL cannot store (a NUL character, absurd nesting) is the caller's mistake, refused
// with where it is — not a database error and a 500.
import { storableProblem } from "../../contract/storable-json.ts";
import { PipebookError } from "../errors.ts";

/** Throws a bad_request PipebookError naming the place, e.g. "invalid body: the value at name …". */
export function refuseUnstorable(value: unknown, where: string): void {
  const problem = storableProblem(value);
  if (problem) {
    const at = problem.path.length ? ` at ${problem.path.join(".")}` : "";
    throw new PipebookError("bad_request", `invalid ${where}: the value${at} ${problem.message}`);
  }
}
