import { describe, expect, it } from "vitest";
import { daskSchedulerProblem } from "./dask-scheduler.ts";

describe("Dask scheduler addresses", () => {
  it("takes what distributed.Client takes", () => {
    for (const ok of [
      "tcp://127.0.0.1:8786",
      "tcp://scheduler",
      "tls://dask.example.com:8786",
      "ws://10.0.0.5:8786",
      "tcp://[::1]:8786",
    ]) {
      expect(daskSchedulerProblem(ok), ok).toBeNull();
    }
  });

  it("refuses anything else, saying what is expected", () => {
    expect(daskSchedulerProblem("127.0.0.1:8786")).toContain("expected protocol://host:port");
    expect(daskSchedulerProblem("http://s:8786")).toContain(
      "must be one of tcp, tls, ws, wss, ucx",
    );
    expect(daskSchedulerProblem("tcp://s:99999")).toContain("the port must be 1–65535");
    expect(daskSchedulerProblem("tcp://-rm:1")).toContain("expected protocol://host:port");
    expect(daskSchedulerProblem("tcp://s:1 --x")).toContain("expected protocol://host:port");
  });
});
