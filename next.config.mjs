/** @type {import('next').NextConfig} */
const nextConfig = {
  // These load native code or WebAssembly at run time: Node resolves them from node_modules
  // instead of the bundler copying them into chunks.
  serverExternalPackages: [
    "@electric-sql/pglite",
    "pglite-prisma-adapter",
    "@prisma/client",
    "@prisma/adapter-pg",
    "pg",
    "esbuild",
  ],
  poweredByHeader: false,
  reactStrictMode: true,
  typedRoutes: false,
};

export default nextConfig;
