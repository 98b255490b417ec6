export { postHeartbeat as POST } from "@/server/api/v1/agents";
