export { postReport as POST } from "@/server/api/v1/agents";
