// A cached task's key (flow file `cache: { key }`), computed by the agent from what it is about to
// run and looked up on the server (POST /api/v1/flow-runs/{id}/cache). Shared so that the policy's
// meaning is written once, and unit-tested without an agent.
import { canonicalJson, sha256 } from "./content-hash.ts";
import { assertNever } from "./run-states.ts";
import {
  DEFAULT_CACHE_KEY_POLICY,
  type CacheKeyPolicy,
  type Language,
} from "./flow-file/schema.ts";

export type CacheKeyInput = {
  /** The flow's name: with `inputs`, two flows' tasks of one name must not share entries. */
  flow: string;
  task: string;
  language: Language;
  /** As the agent runs it (TypeScript compiled to JavaScript at save). */
  code: string;
  /** The task's bound inputs: parameters and upstream results, without the run's context. */
  inputs: Record<string, unknown>;
};

export function cacheKeyPolicy(cache: { key?: CacheKeyPolicy } | undefined): CacheKeyPolicy {
  if (!cache) return "none";
  return cache.key ?? DEFAULT_CACHE_KEY_POLICY;
}

/** The key to look up and store under, or null when the task is not cached. */
export function cacheKey(
  cache: { key?: CacheKeyPolicy } | undefined,
  input: CacheKeyInput,
): string | null {
  const policy = cacheKeyPolicy(cache);
  switch (policy) {
    case "none":
      return null;
    case "code+inputs":
      // Unchanged since caching first shipped (then under the name `inputs`), so entries written
      // by earlier versions still hit. Two tasks with the same code and inputs may share one.
      return sha256(
        canonicalJson({ language: input.language, code: input.code, inputs: input.inputs }),
      );
    case "inputs":
      return sha256(
        canonicalJson({ policy, flow: input.flow, task: input.task, inputs: input.inputs }),
      );
    default:
      return assertNever(policy);
  }
}
