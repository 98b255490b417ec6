export { getHealth as GET } from "@/server/api/health";
