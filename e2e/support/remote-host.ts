// Another host for an agent, on this machine: a network namespace joined to this one by a veth
// pair, so that a test can take an agent's network away as a VM loses it.
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import net from "node:net";

export type RemoteHost = ReturnType<typeof remoteHost>;

/**
 * A namespace with its own address. `cut` and `restore` take the link down and up — a network
 * outage: no connection is closed, packets just stop, as when a VM's network goes away. Run the
 * agent through `prefix` to put it there; the server must listen on `hostIp` (or 0.0.0.0).
 */
export function remoteHost() {
  const suffix = crypto.randomBytes(3).toString("hex");
  const ns = `pb${suffix}`;
  const hostIf = `pbh${suffix}`;
  const agentIf = `pba${suffix}`;
  const subnet = `10.${200 + (parseInt(suffix.slice(0, 2), 16) % 50)}.${parseInt(suffix.slice(2, 4), 16)}`;
  const hostIp = `${subnet}.1`;
  const agentIp = `${subnet}.2`;
  const ip = (...args: string[]) => execFileSync("ip", args, { stdio: "pipe" });
  ip("netns", "add", ns);
  try {
    ip("link", "add", hostIf, "type", "veth", "peer", "name", agentIf);
    ip("link", "set", agentIf, "netns", ns);
    ip("addr", "add", `${hostIp}/24`, "dev", hostIf);
    ip("link", "set", hostIf, "up");
    ip("netns", "exec", ns, "ip", "addr", "add", `${agentIp}/24`, "dev", agentIf);
    ip("netns", "exec", ns, "ip", "link", "set", agentIf, "up");
    ip("netns", "exec", ns, "ip", "link", "set", "lo", "up");
  } catch (error) {
    ip("netns", "delete", ns);
    throw error;
  }
  return {
    hostIp,
    agentIp,
    prefix: ["ip", "netns", "exec", ns],
    cut: () => ip("link", "set", hostIf, "down"),
    restore: () => ip("link", "set", hostIf, "up"),
    remove: () => {
      try {
        ip("link", "delete", hostIf);
      } catch {
        // Went with the namespace.
      }
      ip("netns", "delete", ns);
    },
  };
}

export function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, host, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}
