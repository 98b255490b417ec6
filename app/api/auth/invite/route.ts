export { postAcceptInvite as POST } from "@/server/api/auth-accounts";
