import { errorBody, json } from "./respond.ts";

export async function notFound(request: Request): Promise<Response> {
  const { pathname } = new URL(request.url);
  return json(
    404,
    errorBody(
      "not_found",
      `no such endpoint: ${request.method} ${pathname} (see /api/v1/openapi.json)`,
    ),
  );
}
