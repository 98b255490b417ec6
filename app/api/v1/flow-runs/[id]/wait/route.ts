export { getFlowRunWait as GET } from "@/server/api/v1/flow-runs";
