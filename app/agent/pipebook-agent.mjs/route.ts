export { getAgentBundle as GET } from "@/server/api/agent-bundle";
