export { postDeployment as POST, getDeployments as GET } from "@/server/api/v1/deployments";
