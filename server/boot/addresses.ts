// Where a server listening on a wildcard address can be reached from other machines: every
// non-internal address of this host's network interfaces — IPv4 for 0.0.0.0; IPv6 too for ::,
// which also takes IPv4 connections (Node listens dual-stack). Link-local IPv6 addresses are
// left out: they work only with an interface named in the URL, which browsers do not accept.
import type { NetworkInterfaceInfo } from "node:os";

export type NetworkUrl = { url: string; interface: string };

export function networkUrls(
  host: string,
  port: number,
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>,
): NetworkUrl[] {
  const ipv6 = host === "::" || host === "[::]";
  if (host !== "0.0.0.0" && !ipv6) return [];
  const urls: NetworkUrl[] = [];
  for (const [name, addresses] of Object.entries(interfaces)) {
    for (const a of addresses ?? []) {
      if (a.internal) continue;
      if (a.family === "IPv4") {
        urls.push({ url: `http://${a.address}:${port}`, interface: name });
      } else if (ipv6 && !/^fe[89ab]/i.test(a.address)) {
        urls.push({ url: `http://[${a.address}]:${port}`, interface: name });
      }
    }
  }
  return urls;
}
