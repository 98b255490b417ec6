// The fixed transitions of the state machine's SQL are checked against the transition table when
// their modules load: an illegal one must stop the import, naming itself.
import { describe, expect, it } from "vitest";
import {
  canTransitionFlowRun,
  canTransitionTaskRun,
  FLOW_RUN_STATES,
  type FlowRunState,
} from "../../../contract/run-states.ts";
import {
  checkFixedTransition,
  FIXED_TRANSITIONS,
  fixedFlowRunTransition,
  fixedTaskRunTransition,
  soleFromSql,
} from "./fixed-transitions.ts";
import "./index.ts";
import { stateList, stateLiteral } from "./sql.ts";

describe("fixed transitions", () => {
  it("refuses one the table forbids, naming it, the illegal pair and the table", () => {
    expect(() =>
      fixedFlowRunTransition({
        name: "bad reaper",
        from: ["Pending", "Cancelling"],
        to: "Crashed",
      }),
    ).toThrow(
      'the fixed flow run transition "bad reaper" (server/runs/state-machine) writes Cancelling → Crashed, which the transition table in contract/run-states.ts does not allow: change the statement or the table',
    );
    expect(() =>
      fixedTaskRunTransition({ name: "bad retry", from: ["Completed"], to: "Pending" }),
    ).toThrow(/"bad retry".*Completed → Pending/);
  });

  it("refuses an empty from-list and a name that is no state", () => {
    expect(() =>
      checkFixedTransition(
        { name: "none", kind: "flow run", from: [], to: "Pending" },
        FLOW_RUN_STATES,
        canTransitionFlowRun,
      ),
    ).toThrow(
      'the fixed flow run transition "none" (server/runs/state-machine) names no from-state',
    );
    expect(() =>
      checkFixedTransition(
        { name: "typo", kind: "flow run", from: ["Runing" as FlowRunState], to: "Crashed" },
        FLOW_RUN_STATES,
        canTransitionFlowRun,
      ),
    ).toThrow('names "Runing", which is no flow run state');
  });

  it("are all declared and allowed once the state machine has loaded", () => {
    const names = FIXED_TRANSITIONS.map((t) => t.name);
    for (const expected of [
      "claim",
      "release",
      "lease expiry",
      "lease expiry (task not started)",
      "lease expiry (task started)",
      "forced cancel (lease expiry)",
      "forced cancel (task)",
      "flow-level retry",
      "flow-level retry (task)",
    ]) {
      expect(names).toContain(expected);
    }
    for (const t of FIXED_TRANSITIONS) {
      const can = t.kind === "flow run" ? canTransitionFlowRun : canTransitionTaskRun;
      for (const from of t.from) expect(can(from as never, t.to as never), `${t.name}`).toBe(true);
    }
  });

  it("writes their states as SQL literals, and only state names", () => {
    const retry = FIXED_TRANSITIONS.find((t) => t.name === "flow-level retry")!;
    expect(retry.fromSql.sql).toBe("('Failed','Crashed')");
    expect(retry.fromSql.values).toEqual([]);
    expect(retry.toSql.sql).toBe("'Scheduled'");
    expect(stateList(["Pending"]).sql).toBe("('Pending')");
    expect(() => stateLiteral("x') OR true --")).toThrow(`"x') OR true --" is not a state name`);
    expect(() => stateList([])).toThrow("a state list must name at least one state");
    expect(() => soleFromSql(retry)).toThrow(
      'the fixed flow run transition "flow-level retry" has 2 from-states',
    );
  });
});
