export { getOpenApi as GET } from "@/server/api/v1/openapi";
