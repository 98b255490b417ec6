// Next.js calls register() once per server process, before it serves any request. Start-up of
// the domain (database, migrations, background services) lives in server/boot; this only picks
// the Node.js runtime, as Next.js documents (NEXT_RUNTIME is set by Next.js itself).
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { startServer } = await import("./server/boot/start.ts");
    await startServer();
  }
}
