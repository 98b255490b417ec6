// Every /api/v1 endpoint, by the one route table (server/api/routes.ts). In production the
// launcher serves these paths itself; this is the same table under `next dev`.
export {
  dispatch as GET,
  dispatch as HEAD,
  dispatch as POST,
  dispatch as PUT,
  dispatch as PATCH,
  dispatch as DELETE,
} from "@/server/api/routes";
