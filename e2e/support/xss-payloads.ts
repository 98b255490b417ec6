// The payloads of the script-injection test (xss.spec.ts): HTML, script, javascript: links and
// template strings, a flow that carries them everywhere, and the checks that none of them ran.
import type { Page } from "@playwright/test";
import { expect } from "./fixtures.ts";
import { signIn } from "./studio.ts";

// Each sets window.__xss if a page ever lets it run.
export const IMG = `<img src=x onerror="window.__xss=1">`;
export const SCRIPT = `<script>window.__xss=1</script>`;
export const JS_URL = `javascript:window.__xss=1`;
export const SVG = `"><svg onload=window.__xss=1>`;
export const TEMPLATE = `{{constructor.constructor('window.__xss=1')()}}`;
const IFRAME = `<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>`;
// In server-rendered data a "</script>" would end the script that carries it.
const CLOSE_SCRIPT = `</script><script>window.__xss=1</script>`;
const MARKDOWN_LINK = `[open](javascript:window.__xss=1)`;
export const ALL = [IMG, SCRIPT, JS_URL, SVG, TEMPLATE, IFRAME, CLOSE_SCRIPT].join(" ");
/** For fields of at most 100 characters (API key names, agent versions). */
export const SHORT = `${IMG} ${SVG} ${SCRIPT}`;

/** What a payload would leave behind in the page had it been parsed as HTML or run. */
const INJECTED = [
  'img[src="x"]',
  "svg[onload]",
  "[onerror]",
  "[onload]",
  "iframe[srcdoc]",
  'a[href^="javascript:" i]',
  '[src^="javascript:" i]',
].join(", ");

const PYTHON = `import sys
from pipebook import get_logger

def main(**inputs):
    print(${JSON.stringify(ALL)})
    print(${JSON.stringify(SVG)}, file=sys.stderr)
    get_logger().error(${JSON.stringify(IMG)})
    return {${JSON.stringify(ALL)}: [${JSON.stringify(SCRIPT)}, ${JSON.stringify(JS_URL)}], "link": ${JSON.stringify(JS_URL)}, "inputs": inputs}
`;

// The doc comment shows in Monaco's hover, which renders Markdown.
const TYPESCRIPT = `/**
 * Shouts ${IMG} ${SVG}
 * ${MARKDOWN_LINK} ${SCRIPT}
 */
function shout(text: string): string {
  return text;
}

export default function main({ payload }: { payload: string }) {
  console.log(shout(${JSON.stringify(ALL)}));
  console.error(${JSON.stringify(SVG)});
  return { [${JSON.stringify(IMG)}]: payload, link: ${JSON.stringify(JS_URL)} };
}
`;

const SHELL = `cat <<'PAYLOAD'
${ALL}
PAYLOAD
echo "$CHOICE" >&2
echo ${JSON.stringify(TEMPLATE)}
`;

const parameters = {
  type: "object",
  properties: {
    [IMG]: { type: "string", description: ALL, default: SCRIPT },
    choice: { enum: [IMG, JS_URL, TEMPLATE], default: JS_URL, title: SVG, description: SCRIPT },
    payload: { type: "string", default: ALL },
    nested: { type: "object", default: { [IMG]: [SCRIPT, JS_URL] } },
  },
};

export const flowFile = (name: string, description: string) => ({
  name,
  description,
  parameters,
  tasks: [
    { name: "py_print", language: "python", code: PYTHON },
    { name: "ts_print", language: "typescript", code: TYPESCRIPT },
    { name: "sh_print", language: "shell", code: SHELL },
    {
      name: "py_fail",
      language: "python",
      dependsOn: ["py_print"],
      code: `def main():\n    raise ValueError(${JSON.stringify(ALL)})\n`,
    },
    {
      name: "ts_fail",
      language: "typescript",
      code: `export default function main() {\n  throw new Error(${JSON.stringify(ALL)});\n}\n`,
    },
    { name: "after_fail", language: "shell", dependsOn: ["py_fail"], code: "echo never\n" },
  ],
});

/** Signs in and records every dialog (alert, confirm, prompt) the page opens. */
export async function watchedPage(page: Page): Promise<{ dialogs: string[] }> {
  const dialogs: string[] = [];
  page.on("dialog", (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  await signIn(page);
  return { dialogs };
}

/** Nothing ran, no dialog opened, no element a payload describes is in the page. */
export async function expectInert(page: Page, watched: { dialogs: string[] }, where: string) {
  const found = await page.evaluate((selector) => {
    const w = window as unknown as { __xss?: unknown; parent: { __xss?: unknown } };
    return {
      xss: w.__xss ?? null,
      injected: [...document.querySelectorAll(selector)].map((e) => e.outerHTML.slice(0, 200)),
      scripts: [...document.scripts]
        .filter((s) => s.textContent?.trim().startsWith("window.__xss"))
        .map((s) => s.outerHTML),
    };
  }, INJECTED);
  expect(found, `on ${where}`).toEqual({ xss: null, injected: [], scripts: [] });
  expect(watched.dialogs, `dialogs opened on ${where}`).toEqual([]);
}
