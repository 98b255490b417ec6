import type { NetworkInterfaceInfo } from "node:os";
import { describe, expect, it } from "vitest";
import { isLoopbackHost, networkUrls, plainHttpWarning } from "./addresses.ts";

const v4 = (address: string, internal = false) =>
  ({ address, family: "IPv4", internal }) as NetworkInterfaceInfo;
const v6 = (address: string, internal = false) =>
  ({ address, family: "IPv6", internal, scopeid: 0 }) as NetworkInterfaceInfo;
const interfaces = {
  lo: [v4("127.0.0.1", true), v6("::1", true)],
  eth0: [v4("192.0.2.2"), v6("fd00::2"), v6("fe80::fc:ff:fe00:1")],
  wlan0: [v4("10.1.2.3")],
};

describe("the addresses a server on a wildcard address is reached at", () => {
  it("0.0.0.0: every non-internal IPv4 address", () => {
    expect(networkUrls("0.0.0.0", 4200, interfaces)).toEqual([
      { url: "http://192.0.2.2:4200", interface: "eth0" },
      { url: "http://10.1.2.3:4200", interface: "wlan0" },
    ]);
  });

  it(":: also IPv6, but not link-local addresses", () => {
    expect(networkUrls("::", 4200, interfaces).map((u) => u.url)).toEqual([
      "http://192.0.2.2:4200",
      "http://[fd00::2]:4200",
      "http://10.1.2.3:4200",
    ]);
  });

  it("a named host is reached only there", () => {
    expect(networkUrls("127.0.0.1", 4200, interfaces)).toEqual([]);
    expect(networkUrls("192.0.2.2", 4200, interfaces)).toEqual([]);
  });
});

describe("listening beyond this machine without TLS", () => {
  it("warns for wildcard and network addresses, and says to put a TLS proxy in front", () => {
    for (const host of ["0.0.0.0", "::", "[::]", "192.0.2.2", "pipebook.example.com"]) {
      expect(isLoopbackHost(host)).toBe(false);
      expect(plainHttpWarning(host)).toMatch(/plain HTTP[\s\S]*reverse proxy with TLS/);
    }
  });

  it("is quiet on loopback", () => {
    for (const host of ["127.0.0.1", "127.0.1.1", "localhost", "::1", "[::1]"]) {
      expect(isLoopbackHost(host)).toBe(true);
      expect(plainHttpWarning(host)).toBeUndefined();
    }
  });
});
