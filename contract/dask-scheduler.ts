// A Dask scheduler's address, as a deployment (runner: dask) or an agent (--dask-scheduler) gives
// it: protocol://host[:port], the form distributed.Client takes. Checked when a deployment is
// saved and again when the agent starts, so a typo is refused with what was expected instead of a
// run that fails at the cluster's door. One rule, imported by both.
import * as z from "zod";

const PROTOCOLS = ["tcp", "tls", "ws", "wss", "ucx"];
// A DNS name or IPv4 address, or an IPv6 address in brackets; then an optional port.
const ADDRESS =
  /^([a-z]+):\/\/([A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})|\[[0-9A-Fa-f:.]+\])(?::(\d{1,5}))?$/;

/** Why `address` is not a Dask scheduler address, or null when it is one. */
export function daskSchedulerProblem(address: string): string | null {
  const match = ADDRESS.exec(address);
  const example = "e.g. tcp://127.0.0.1:8786 or tls://scheduler.example.com:8786";
  if (!match) {
    return `"${address}" is not a Dask scheduler address: expected protocol://host:port, ${example}`;
  }
  const [, protocol, , port] = match;
  if (!PROTOCOLS.includes(protocol!)) {
    return `"${address}": the Dask scheduler's protocol must be one of ${PROTOCOLS.join(", ")} (got "${protocol}"), ${example}`;
  }
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) {
    return `"${address}": the port must be 1–65535, ${example}`;
  }
  return null;
}

export const DaskSchedulerSchema = z
  .string()
  .max(300)
  .superRefine((value, ctx) => {
    const problem = daskSchedulerProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  })
  .describe("the Dask scheduler's address for runner dask, e.g. tcp://127.0.0.1:8786");
