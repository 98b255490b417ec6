export { postSetup as POST } from "@/server/api/auth-accounts";
