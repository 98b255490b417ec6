// The agent's side of the agent protocol. Every call returns { ok, data } or { ok: false, … }
// rather than throwing, says whether trying again could help, and checks every answer against the
// shared contract — a server of another version fails loudly here, not deep in the executor.
import type * as z from "zod";
import {
  CacheLookupResponseSchema,
  ClaimResponseSchema,
  HeartbeatResponseSchema,
  LockReportResponseSchema,
  RegisterAgentResponseSchema,
  ReportResponseSchema,
  StopAgentResponseSchema,
  StorageDownloadResponseSchema,
  StorageUploadResponseSchema,
  ArtifactsRecordResponseSchema,
  type ArtifactsRecordRequest,
  TaskContextResponseSchema,
  type ClaimResponse,
  type HeartbeatResponse,
  type LockReportRequest,
  type LockReportResponse,
  type RegisterAgentRequest,
  type RegisterAgentResponse,
  type ReportRequest,
  type ReportResponse,
  type StorageTransfer,
  type StorageUpload,
  type StoredResult,
  type TaskContext,
} from "../../contract/agent-protocol.ts";
import { ApiErrorSchema } from "../../contract/api-v1/common.ts";
import { httpRequest, type HttpAnswer, type NetworkError } from "./request.ts";

export type Failure = {
  ok: false;
  error: string;
  status?: number;
  code?: string;
  /** Network trouble, 5xx, 429: the same request may succeed later. */
  retryable: boolean;
  /** A refused report's log lines were stored anyway (contract/api-v1/common.ts). */
  lateLogsStored?: boolean;
};
export type Result<T> = { ok: true; data: T } | Failure;

const DEFAULT_TIMEOUT_MS = 30_000;
// Long-polls get the time they asked the server to wait, plus this.
const LONG_POLL_MARGIN_MS = 10_000;

export class AgentApi {
  constructor(
    readonly baseUrl: string,
    private readonly apiKey: string,
  ) {}

  private async call<T>(
    path: string,
    body: unknown,
    schema: z.ZodType<T>,
    options: { timeoutMs?: number; signal?: AbortSignal; runToken?: string } = {},
  ): Promise<Result<T>> {
    const timeout = AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
    let response: HttpAnswer;
    try {
      // A run's task context opens with that run's token only (body undefined: a GET).
      response = await httpRequest(`${this.baseUrl}${path}`, {
        method: body === undefined ? "GET" : "POST",
        headers: {
          authorization: `Bearer ${options.runToken ?? this.apiKey}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
      });
    } catch (error) {
      const why = timeout.aborted
        ? "timed out"
        : options.signal?.aborted
          ? "aborted"
          : ((error as NetworkError).code ?? (error as Error).message);
      return { ok: false, error: `cannot reach ${this.baseUrl} (${why})`, retryable: true };
    }
    const { status, text } = response;
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      return {
        ok: false,
        status,
        error: `${path}: HTTP ${status} with a body that is not JSON`,
        retryable: status >= 500,
      };
    }
    if (status < 200 || status > 299) {
      const parsed = ApiErrorSchema.safeParse(json);
      return {
        ok: false,
        status,
        code: parsed.success ? parsed.data.error.code : undefined,
        error: parsed.success ? parsed.data.error.message : `${path}: HTTP ${status}`,
        retryable: status >= 500 || status === 429,
        ...(parsed.success && parsed.data.error.lateLogsStored ? { lateLogsStored: true } : {}),
      };
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      return {
        ok: false,
        status,
        error: `${path}: the server's answer does not match this agent's protocol (${parsed.error.message})`,
        retryable: false,
      };
    }
    return { ok: true, data: parsed.data };
  }

  register(request: RegisterAgentRequest): Promise<Result<RegisterAgentResponse>> {
    return this.call("/api/v1/agents", request, RegisterAgentResponseSchema);
  }

  claim(
    agentId: string,
    capacity: number,
    waitMs: number,
    signal?: AbortSignal,
  ): Promise<Result<ClaimResponse>> {
    return this.call(`/api/v1/agents/${agentId}/claim`, { capacity, waitMs }, ClaimResponseSchema, {
      timeoutMs: waitMs + LONG_POLL_MARGIN_MS,
      signal,
    });
  }

  heartbeat(
    agentId: string,
    runs: string[],
    waitMs: number,
    signal?: AbortSignal,
  ): Promise<Result<HeartbeatResponse>> {
    return this.call(
      `/api/v1/agents/${agentId}/heartbeat`,
      { runs, waitMs },
      HeartbeatResponseSchema,
      {
        timeoutMs: waitMs + LONG_POLL_MARGIN_MS,
        signal,
      },
    );
  }

  stop(agentId: string, release: string[]): Promise<Result<{ released: string[] }>> {
    return this.call(`/api/v1/agents/${agentId}/stop`, { release }, StopAgentResponseSchema, {
      timeoutMs: 5_000,
    });
  }

  report(flowRunId: string, report: ReportRequest): Promise<Result<ReportResponse>> {
    return this.call(`/api/v1/flow-runs/${flowRunId}/report`, report, ReportResponseSchema);
  }

  /** The secrets and variables a task declares, by the run's token (never the agent's key). */
  taskContext(runToken: string, task: string): Promise<Result<TaskContext>> {
    return this.call(
      `/api/v1/run-context/tasks/${encodeURIComponent(task)}`,
      undefined,
      TaskContextResponseSchema,
      { runToken },
    );
  }

  cache(
    flowRunId: string,
    leaseId: string,
    keys: string[],
  ): Promise<Result<{ hits: Record<string, { result?: unknown; stored?: StoredResult }> }>> {
    return this.call(
      `/api/v1/flow-runs/${flowRunId}/cache`,
      { leaseId, keys },
      CacheLookupResponseSchema,
    );
  }

  /** Records the versions a dependency build resolved with the run's flow version. */
  lock(flowRunId: string, request: LockReportRequest): Promise<Result<LockReportResponse>> {
    return this.call(`/api/v1/flow-runs/${flowRunId}/lock`, request, LockReportResponseSchema);
  }

  /** Where to PUT a large result of a run this agent holds. */
  storageUpload(
    flowRunId: string,
    request: {
      leaseId: string;
      task: string;
      item?: number;
      attempt: number;
      sizeBytes: number;
      artifact?: { contentType: string };
    },
  ): Promise<Result<StorageUpload>> {
    return this.call(
      `/api/v1/flow-runs/${flowRunId}/storage/upload`,
      request,
      StorageUploadResponseSchema,
    );
  }

  /** Records the artifacts an attempt uploaded (each through storageUpload first). */
  recordArtifacts(
    flowRunId: string,
    request: ArtifactsRecordRequest,
  ): Promise<Result<{ recorded: number }>> {
    return this.call(
      `/api/v1/flow-runs/${flowRunId}/artifacts`,
      request,
      ArtifactsRecordResponseSchema,
    );
  }

  /** Where to GET a stored result the run reads. */
  storageDownload(
    flowRunId: string,
    request: { leaseId: string; storage: string | null; key: string },
  ): Promise<Result<StorageTransfer>> {
    return this.call(
      `/api/v1/flow-runs/${flowRunId}/storage/download`,
      request,
      StorageDownloadResponseSchema,
    );
  }
}
