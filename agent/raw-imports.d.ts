// Kernel sources are embedded in the agent bundle as text (esbuild and Vite read `?raw`), so
// the agent stays a single file that writes them out where it runs.
declare module "*?raw" {
  const text: string;
  export default text;
}
