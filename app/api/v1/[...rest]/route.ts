// Unknown paths under /api/v1 answer in the API's error shape, not with an HTML page.
export {
  notFound as GET,
  notFound as POST,
  notFound as PUT,
  notFound as PATCH,
  notFound as DELETE,
} from "@/server/api/not-found";
