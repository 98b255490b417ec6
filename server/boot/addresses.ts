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

/** Whether only this machine can connect: localhost, 127.0.0.0/8 or ::1. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  return (
    bare === "localhost" ||
    bare === "::1" ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare) ||
    /^::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare)
  );
}

/**
 * The warning for a server that other machines can reach: it speaks plain HTTP, so keys,
 * session cookies, parameters and logs would cross the network readable by anyone on the path.
 */
export function plainHttpWarning(host: string): string | undefined {
  if (isLoopbackHost(host)) return undefined;
  return [
    `Warning: listening on ${host}, beyond this machine, over plain HTTP (no TLS): API keys, session`,
    "cookies, parameters and logs cross the network unencrypted. Put a reverse proxy with TLS in",
    "front (Caddy, nginx, a cloud load balancer with a certificate) and keep Pipebook on 127.0.0.1",
    "behind it, or reach it only through an encrypted tunnel (SSH, a VPN).",
  ].join("\n");
}
