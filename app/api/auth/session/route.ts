export { postSession as POST, deleteSession as DELETE } from "@/server/api/auth-session";
