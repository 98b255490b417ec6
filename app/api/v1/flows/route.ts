export { importFlow as POST, getFlows as GET } from "@/server/api/v1/flows";
