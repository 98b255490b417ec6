export { getDeploymentById as GET } from "@/server/api/v1/deployments";
