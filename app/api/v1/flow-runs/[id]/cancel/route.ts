export { postCancelFlowRun as POST } from "@/server/api/v1/flow-runs";
