// Artifacts in Chromium against a real server and a real agent: a task writes an HTML report to
// $PIPEBOOK_ARTIFACTS; the run page's Artifacts tab and the task's panel list it with its size and
// type, and the download is the report itself, as an attachment the browser will not render
// (nosniff, CSP sandbox) — a task's HTML never runs on the studio's origin.
import fs from "node:fs";
import { startAgent, stopAllAgents, waitForRun } from "./support/agents.ts";
import { deployFlow, expect, test, trigger, uniqueName } from "./support/fixtures.ts";
import { signIn } from "./support/studio.ts";

test.afterEach(async () => {
  await stopAllAgents();
});

const REPORT =
  "<!doctype html><html><body><h1>Weekly report</h1><script>window.ran = true</script></body></html>";

test("a run's HTML report is listed on the run page and downloads safely", async ({
  page,
  api,
  baseURL,
}) => {
  const queue = uniqueName("q");
  const deployment = await deployFlow(
    api,
    {
      name: uniqueName("artifacts"),
      tasks: [
        {
          name: "report",
          language: "python",
          code: `from pipebook import save_artifact\ndef main():\n    save_artifact("report.html", ${JSON.stringify(REPORT)})\n    return 1`,
        },
        {
          name: "plain",
          language: "shell",
          dependsOn: ["report"],
          code: 'printf "a,b\\n1,2\\n" > "$PIPEBOOK_ARTIFACTS/table.csv"',
        },
      ],
    },
    { workQueue: queue },
  );
  const runId = await trigger(api, deployment.id);
  startAgent({ apiUrl: baseURL!, queues: [queue] });
  const run = await waitForRun(api, runId, { timeoutMs: 60_000 });
  expect(run.state).toBe("Completed");

  await signIn(page);
  await page.goto(`/runs/${runId}`);
  await page.getByRole("tab", { name: "artifacts" }).click();
  await expect(page).toHaveURL(/view=artifacts/);
  const rows = page.getByTestId("artifact-row");
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toContainText("report.html");
  await expect(rows.nth(0)).toContainText("report");
  await expect(rows.nth(0)).toContainText(`${REPORT.length} B`);
  await expect(rows.nth(0)).toContainText("text/html");
  await expect(rows.nth(1)).toContainText("table.csv");
  await expect(rows.nth(1)).toContainText("text/csv");

  // The download is the report, as a file.
  const downloading = page.waitForEvent("download");
  await rows.nth(0).getByRole("link", { name: "Download report.html" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe("report.html");
  expect(fs.readFileSync((await download.path())!, "utf8")).toBe(REPORT);

  // Its headers, as the browser's own session fetches it.
  const href = await rows.nth(0).getByRole("link").getAttribute("href");
  const answer = await page.request.get(href!);
  expect(answer.status()).toBe(200);
  expect(answer.headers()).toMatchObject({
    "content-type": "text/html",
    "content-disposition": `attachment; filename="report.html"; filename*=UTF-8''report.html`,
    "x-content-type-options": "nosniff",
    "content-security-policy": "sandbox",
  });
  expect(await answer.text()).toBe(REPORT);

  // The task's panel lists its own.
  await rows.nth(1).getByRole("button", { name: "plain" }).click();
  const panel = page.getByTestId("task-panel");
  await expect(panel.getByTestId("artifact-row")).toHaveCount(1);
  await expect(panel.getByTestId("artifact-row")).toContainText("table.csv");
  await expect(panel.getByTestId("artifact-row")).toContainText("8 B");
});
