// The log viewer's figures on a run of 1,000,000 lines, in Debian's Chromium (1280×800):
// - first lines painted: a fresh navigation to the run's logs (?view=logs) → line 1 in the page;
// - jump to the end: the "Last line" button → the run's last line in the page;
// - search: typing a term and Enter → the first highlighted match in the page (a rare term, found
//   once in the million lines, and a common one);
// - scrolling: frame intervals (requestAnimationFrame in the page) while the list is scrolled
//   continuously for 3 s and then dragged through in large jumps, as a scrollbar drag does.
import { chromium } from "@playwright/test";
import { KEY, now, startFrames, stats, stopFrames } from "./harness.mjs";

const frame = (page) =>
  page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve))));

export async function benchLogsPage(url, runId, { total, rare, common }) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
  });
  try {
    const page = await (
      await browser.newContext({ viewport: { width: 1280, height: 800 } })
    ).newPage();
    // Signs in as the studio's form does (a link no longer signs in by itself).
    await page.request.post(`${url}/api/auth/session`, { data: { apiKey: KEY } });
    await page.goto(`${url}/flows`);

    const first = [];
    const end = [];
    const rareSearch = [];
    const commonSearch = [];
    for (let i = 0; i < 6; i++) {
      await page.goto("about:blank");
      let t0 = now();
      await page.goto(`${url}/runs/${runId}?view=logs`);
      await page.locator('[data-line="1"]').waitFor();
      await frame(page);
      if (i) first.push(now() - t0);

      t0 = now();
      await page.getByRole("button", { name: "Last line" }).click();
      await page.locator(`[data-line="${total}"]`).waitFor();
      await frame(page);
      if (i) end.push(now() - t0);

      for (const [term, samples] of [
        [rare, rareSearch],
        [common, commonSearch],
      ]) {
        const box = page.getByLabel("Search the log");
        await box.fill(term);
        t0 = now();
        await box.press("Enter");
        await page.locator('[data-testid="log-lines"] mark').first().waitFor();
        await frame(page);
        if (i) samples.push(now() - t0);
        await box.fill("");
        await box.press("Enter");
        await page.locator('[data-line="1"]').waitFor();
      }
    }

    // Scrolling: continuous (a wheel or trackpad), then large jumps (the scrollbar dragged).
    await startFrames(page);
    const list = page.getByTestId("log-lines");
    await list.evaluate(
      (el) =>
        new Promise((resolve) => {
          const startedAt = performance.now();
          const step = () => {
            el.scrollTop += 400;
            if (performance.now() - startedAt < 3_000) requestAnimationFrame(step);
            else resolve();
          };
          requestAnimationFrame(step);
        }),
    );
    await list.evaluate(
      (el) =>
        new Promise((resolve) => {
          let n = 0;
          const step = () => {
            el.scrollTop = (el.scrollHeight * ((n * 37) % 100)) / 100;
            if (++n < 60) setTimeout(() => requestAnimationFrame(step), 50);
            else resolve();
          };
          requestAnimationFrame(step);
        }),
    );
    const frames = await stopFrames(page);
    return {
      first: stats(first),
      end: stats(end),
      rare: stats(rareSearch),
      common: stats(commonSearch),
      frames: stats(frames),
    };
  } finally {
    await browser.close();
  }
}
