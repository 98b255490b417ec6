import { serveTrpc } from "@/server/trpc/serve";

export { serveTrpc as GET, serveTrpc as POST };
