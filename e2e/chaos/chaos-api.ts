// The chaos test's view of Pipebook: the public API through whichever replica answers, as a
// load balancer with health checks would send it (one replica is down while it restarts).
import type { ServerProcess } from "../support/server-process.ts";
import { numbered } from "../support/numbered-lines.ts";

export type RunEvent = { task: string | null; to: string; at: string };
export type LogLine = { task: string | null; message: string; timestamp: string };
type Shape = { lines: number; every: number };

const FINAL = new Set(["Completed", "Failed", "Cancelled", "Crashed"]);

export class ChaosApi {
  private next = 0;

  constructor(
    private readonly servers: ServerProcess[],
    private readonly key: string,
  ) {}

  /** One call, to the replicas in turn; a replica that does not answer (or answers 5xx) is skipped. */
  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let lastError: unknown;
    for (let tries = 0; tries < 40; tries++) {
      const server = this.servers[this.next++ % this.servers.length]!;
      let response: Response;
      let json: unknown;
      try {
        response = await fetch(`${server.url}/api/v1${path}`, {
          method,
          headers: { authorization: `Bearer ${this.key}`, "content-type": "application/json" },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(10_000),
        });
        json = await response.json();
      } catch (error) {
        lastError = error;
        await new Promise((r) => setTimeout(r, 250));
        continue;
      }
      if (response.ok) return json as T;
      lastError = new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
      // A 4xx is the test's own mistake: no point in asking the other replica.
      if (response.status < 500) throw lastError;
    }
    throw lastError;
  }

  /**
   * Flows "chaos-short" and "chaos-long" (a numbered "count" task, then a shell task), each with
   * two deployments on queue "chaos": [retried by the flow up to 3 times, not retried].
   */
  async deployAll<K extends string>(
    shapes: Record<K, Shape>,
  ): Promise<Record<K, [string, string]>> {
    const ids = {} as Record<K, [string, string]>;
    for (const [kind, shape] of Object.entries(shapes) as [K, Shape][]) {
      const flow = `chaos-${kind.toLowerCase()}`;
      await this.call("POST", "/flows", {
        name: flow,
        tasks: [
          numbered(shape.lines, shape.every),
          { name: "after", language: "shell", dependsOn: ["count"], code: 'echo "got $COUNT"' },
        ],
      });
      const deploy = async (name: string, retries: number) =>
        (
          await this.call<{ id: string }>("POST", "/deployments", {
            flow,
            name,
            workQueue: "chaos",
            retries,
          })
        ).id;
      ids[kind] = [await deploy("retried", 3), await deploy("once", 0)];
    }
    return ids;
  }

  async trigger(deploymentId: string): Promise<string> {
    return (await this.call<{ id: string }>("POST", `/deployments/${deploymentId}/runs`, {})).id;
  }

  /** Polls until every run is final; returns each run's final state. */
  async waitAllFinal(ids: string[], timeoutMs: number): Promise<Map<string, string>> {
    const finals = new Map<string, string>();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const open = ids.filter((id) => !finals.has(id));
      if (open.length === 0) return finals;
      if (Date.now() > deadline) {
        const states = await Promise.all(
          open.map(
            async (id) =>
              `${id} ${(await this.call<{ state: string }>("GET", `/flow-runs/${id}`)).state}`,
          ),
        );
        throw new Error(`${open.length} runs not final in time:\n${states.join("\n")}`);
      }
      for (let i = 0; i < open.length; i += 20) {
        await Promise.all(
          open.slice(i, i + 20).map(async (id) => {
            const run = await this.call<{ state: string }>("GET", `/flow-runs/${id}`);
            if (FINAL.has(run.state)) finals.set(id, run.state);
          }),
        );
      }
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }

  async history(id: string): Promise<RunEvent[]> {
    return (await this.call<{ events: RunEvent[] }>("GET", `/flow-runs/${id}/history`)).events;
  }

  async logLines(id: string): Promise<LogLine[]> {
    const lines: LogLine[] = [];
    let after: string | null = null;
    for (;;) {
      const page: { logs: LogLine[]; next: string | null } = await this.call(
        "GET",
        `/flow-runs/${id}/logs${after ? `?after=${after}` : ""}`,
      );
      lines.push(...page.logs);
      if (page.next === null || page.logs.length === 0) return lines;
      after = page.next;
    }
  }
}
