// GET /agent/pipebook-agent.mjs: the single-file agent that a remote VM downloads and runs with
// nothing but Node. It holds no secrets; the key comes from whoever starts it.
import fs from "node:fs";
import { getConfig } from "../config.ts";
import { PipebookError } from "../errors.ts";
import { route } from "./handler.ts";

export const getAgentBundle = route(
  {
    access: "public",
    docs: {
      operationId: "downloadAgent",
      summary: "Download the agent: one dependency-free file that Node ≥ 20 runs",
      tag: "Agents",
      responses: {
        200: {
          description: "The agent bundle (node pipebook-agent.mjs --help)",
          content: { "text/javascript": { schema: { type: "string" } } },
        },
      },
      errors: [404],
    },
  },
  async () => {
    const file = getConfig().agentBundle;
    let text: Buffer;
    try {
      text = await fs.promises.readFile(file);
    } catch {
      throw new PipebookError(
        "not_found",
        "the agent bundle is not built on this server (npm run build)",
      );
    }
    return new Response(new Uint8Array(text), {
      headers: {
        "content-type": "text/javascript; charset=utf-8",
        "content-disposition": 'attachment; filename="pipebook-agent.mjs"',
        "cache-control": "no-cache",
      },
    });
  },
);
