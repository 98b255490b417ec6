// Every Monaco editor created with options — and every `updateOptions` — writes those options
// into Monaco's one global configuration, and each write that "changes" something makes every
// model of the page re-read its settings: about 1 ms per model, so 100–150 ms per new editor in
// a flow of 200 cells. Object-valued options (minimap, scrollbar, padding) always count as a
// change, because the check is by identity. This guard lets a write through only when a value
// differs from the last one written, so only the first editor pays. Monaco's standalone services
// are internal modules; if they move, the guard is skipped and the editor stays correct, only
// slower (the studio bench would show it).
import { StandaloneServices } from "monaco-editor/editor/standalone/browser/standaloneServices";
import { IConfigurationService } from "monaco-editor/platform/configuration/common/configuration";

type ConfigurationWrites = { updateValues(values: [string, unknown][]): Promise<void> };

export function guardConfigurationWrites(): void {
  const none = { dispose() {} };
  StandaloneServices.withServices(() => {
    const service = StandaloneServices.get(IConfigurationService) as Partial<ConfigurationWrites>;
    if (typeof service.updateValues !== "function") return none;
    const write = service.updateValues.bind(service);
    const written = new Map<string, string>();
    service.updateValues = (values) => {
      const changed = values.filter(([key, value]) => {
        const text = JSON.stringify(value);
        if (written.get(key) === text) return false;
        written.set(key, text);
        return true;
      });
      return changed.length ? write(changed) : Promise.resolve();
    };
    return none;
  });
}
