export { dispatch as GET } from "@/server/api/routes";
