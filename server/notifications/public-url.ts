// The studio's address as links in notifications name it: PIPEBOOK_PUBLIC_URL, else the address
// the server listens at (known once it listens: server/boot/start.ts sets it). On globalThis:
// every bundle Next.js makes of this file must see the one value.
import { getConfig } from "../config.ts";

const KEY = Symbol.for("pipebook.listening-url");
type Holder = { [KEY]?: string };

export function setListeningUrl(url: string): void {
  (globalThis as Holder)[KEY] = url;
}

export function publicUrl(): string {
  const config = getConfig();
  return (
    config.publicUrl ??
    (globalThis as Holder)[KEY] ??
    `http://${config.host === "0.0.0.0" ? "127.0.0.1" : config.host}:${config.port}`
  ).replace(/\/+$/, "");
}
