export { postFlowRun as POST } from "@/server/api/v1/deployments";
