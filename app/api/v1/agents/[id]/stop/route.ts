export { postStop as POST } from "@/server/api/v1/agents";
