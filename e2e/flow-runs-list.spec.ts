// GET /api/v1/flow-runs on both databases: filters as query parameters (repeated or
// comma-separated), pages by cursor, and bad input refused with what was wrong.
import { deployFlow, expect, test, trigger, uniqueName } from "./support/fixtures.ts";

type Page = {
  runs: { id: string; state: string }[];
  next: string | null;
  counts: Record<string, number>;
};

test("lists runs by filter and pages them by cursor", async ({ api }) => {
  const flow = uniqueName("list");
  // No agent serves the queue: the runs wait (Scheduled), and one is cancelled.
  const deployment = await deployFlow(
    api,
    { name: flow, tasks: [{ name: "a", language: "shell", code: "echo 1" }] },
    { workQueue: uniqueName("nobody"), tags: ["etl", "gpu"] },
  );
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) ids.push(await trigger(api, deployment.id));
  expect((await api.post(`/api/v1/flow-runs/${ids[0]}/cancel`)).status()).toBe(202);

  const get = async (query: string) => {
    const response = await api.get(`/api/v1/flow-runs?${query}`);
    expect(response.status(), await response.text()).toBe(200);
    return (await response.json()) as Page;
  };
  const all = await get(`flow=${flow}`);
  expect(all.runs.map((r) => r.id).sort()).toEqual([...ids].sort());
  expect(all.counts.Cancelled).toBe(1);
  expect((all.counts.Scheduled ?? 0) + (all.counts.Late ?? 0)).toBe(4);

  const repeated = await get(`flow=${flow}&state=Cancelled&state=Scheduled&state=Late`);
  const comma = await get(`flow=${flow}&state=Cancelled,Scheduled,Late`);
  expect(repeated.runs).toEqual(comma.runs);
  expect(repeated.runs).toHaveLength(5);
  expect((await get(`flow=${flow}&state=Cancelled`)).runs.map((r) => r.id)).toEqual([ids[0]]);
  expect((await get(`flow=${flow}&tag=etl&tag=gpu`)).runs).toHaveLength(5);
  expect((await get(`flow=${flow}&tag=etl,nightly`)).runs).toHaveLength(0);
  expect((await get(`deployment=${flow}/e2e`)).runs).toHaveLength(5);

  const seen: string[] = [];
  let page = await get(`flow=${flow}&limit=2`);
  seen.push(...page.runs.map((r) => r.id));
  while (page.next) {
    page = await get(`flow=${flow}&limit=2&cursor=${encodeURIComponent(page.next)}`);
    seen.push(...page.runs.map((r) => r.id));
  }
  expect(seen).toEqual(all.runs.map((r) => r.id));
});

test("bad filters are refused, saying what was wrong", async ({ api }) => {
  const refused = async (query: string, status: number, pattern: RegExp) => {
    const response = await api.get(`/api/v1/flow-runs?${query}`);
    expect(response.status()).toBe(status);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(
      pattern,
    );
  };
  await refused("state=Done", 400, /state/);
  await refused("state=Failed&state=Done", 400, /state/);
  await refused("limit=500", 400, /limit/);
  await refused("cursor=nonsense", 400, /cursor/);
  await refused("from=yesterday", 400, /from/);
  await refused("states=Failed", 400, /did you mean "state"/);
  await refused(`flow=${uniqueName("nope")}`, 404, /was not found/);
  await refused("deployment=onlyaname", 400, /FLOW\/NAME/);
});
