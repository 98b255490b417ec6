// The two internal Monaco modules configuration-guard.ts reaches into (they ship no types).
declare module "monaco-editor/editor/standalone/browser/standaloneServices" {
  export const StandaloneServices: {
    get(id: unknown): unknown;
    withServices(callback: () => { dispose(): void }): { dispose(): void };
  };
}
declare module "monaco-editor/platform/configuration/common/configuration" {
  export const IConfigurationService: unknown;
}
