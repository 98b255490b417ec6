// The server as a process: what `npm start` promises in the README.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { deploy, flowYaml, importYaml, trigger, uniqueName } from "./support/fixtures.ts";
import { startFailing, startServer, tempHome } from "./support/server-process.ts";
import { isBuildCurrent, sourceFingerprint } from "../scripts/build-fingerprint.mjs";

const KEY = "server-spec-bootstrap-key-0123456789";
const auth = { authorization: `Bearer ${KEY}` };

test("a restart keeps flows, deployments and runs (PGlite data under PIPEBOOK_HOME)", async ({
  playwright,
}) => {
  test.setTimeout(180_000);
  const home = tempHome();
  const env = { PIPEBOOK_HOME: home, PIPEBOOK_BOOTSTRAP_API_KEY: KEY };
  const first = await startServer(["--port", "0"], env);
  expect(first.output()).toContain("applying migration");
  const api = await playwright.request.newContext({ baseURL: first.url, extraHTTPHeaders: auth });
  const name = uniqueName("restart");
  const { deployment, run } = await deployAndTrigger(api, name);
  expect(await first.stop()).toBe(0);
  await api.dispose();

  const second = await startServer(["--port", "0"], env);
  expect(second.output()).toContain("database schema is up to date");
  const again = await playwright.request.newContext({
    baseURL: second.url,
    extraHTTPHeaders: auth,
  });
  const flows = await (await again.get("/api/v1/flows")).json();
  expect(flows.flows).toContainEqual(expect.objectContaining({ name, version: 1 }));
  const read = await (await again.get(`/api/v1/flow-runs/${run.id}`)).json();
  expect(read).toMatchObject({ id: run.id, deployment: { id: deployment.id } });
  await again.dispose();
  await second.stop();
});

test("a first start without a bootstrap key makes an admin key and prints a sign-in link", async ({
  playwright,
}) => {
  const home = tempHome();
  const server = await startServer(["--port", "0"], {
    PIPEBOOK_HOME: home,
    PIPEBOOK_BOOTSTRAP_API_KEY: "",
  });
  expect(server.output()).toContain(
    `Created the admin API key (for the CLI and scripts) in ${home}/admin-api-key`,
  );
  const link = /Sign in to the studio: (\S+)#key=(pb_\S+)/.exec(server.output());
  expect(link?.[1]).toBe(`${server.url}/login`);
  const api = await playwright.request.newContext({ baseURL: server.url });
  const flows = await api.get("/api/v1/flows", {
    headers: { authorization: `Bearer ${link![2]}` },
  });
  expect(flows.status()).toBe(200);
  await api.dispose();
  await server.stop();
});

test("--port and --host choose where it listens; PORT and HOST too", async ({ playwright }) => {
  const port = await freePort();
  const server = await startServer(["--port", String(port), "--host", "127.0.0.1"], {
    PIPEBOOK_HOME: tempHome(),
  });
  expect(server.url).toBe(`http://127.0.0.1:${port}`);
  await server.stop();
  const envPort = await freePort();
  const viaEnv = await startServer([], {
    PIPEBOOK_HOME: tempHome(),
    PORT: String(envPort),
    HOST: "localhost",
  });
  expect(viaEnv.url).toBe(`http://localhost:${envPort}`);
  const api = await playwright.request.newContext({ baseURL: `http://127.0.0.1:${envPort}` });
  expect((await api.get("/api/health")).status()).toBe(200);
  await api.dispose();
  await viaEnv.stop();
});

test("on 0.0.0.0 or ::, the banner gives every address it is reached at, each with a sign-in link", async ({
  playwright,
}) => {
  test.setTimeout(120_000);
  const networkAddresses = (family: "IPv4" | "IPv6") =>
    Object.entries(os.networkInterfaces()).flatMap(([name, list]) =>
      (list ?? [])
        .filter((a) => a.family === family && !a.internal && !a.address.startsWith("fe80"))
        .map((a) => ({ name, host: family === "IPv6" ? `[${a.address}]` : a.address })),
    );
  test.skip(networkAddresses("IPv4").length === 0, "this machine has no network interface");
  for (const [host, local, families] of [
    ["0.0.0.0", "127.0.0.1", ["IPv4"]],
    ["::", "[::1]", ["IPv4", "IPv6"]],
  ] as const) {
    const server = await startServer(["--port", "0", "--host", host], {
      PIPEBOOK_HOME: tempHome(),
      PIPEBOOK_BOOTSTRAP_API_KEY: "",
    });
    const port = new URL(server.url).port;
    expect(server.url).toBe(`http://${local}:${port}`);
    const key = /Sign in to the studio: \S+#key=(pb_\S+)/.exec(server.output())![1]!;
    const expected = families.flatMap((family) => networkAddresses(family));
    const api = await playwright.request.newContext();
    for (const { name, host: address } of expected) {
      const url = `http://${address}:${port}`;
      expect(server.output()).toContain(`On the network (${name}): ${url}\n`);
      expect(server.output()).toContain(`Sign in from the network: ${url}/login#key=${key}\n`);
      // Each address really answers.
      expect((await api.get(`${url}/api/health`)).status()).toBe(200);
    }
    expect(server.output().match(/On the network/g)).toHaveLength(expected.length);
    await api.dispose();
    await server.stop();
  }
  // On one address, only that one.
  const one = await startServer(["--port", "0", "--host", "127.0.0.1"], {
    PIPEBOOK_HOME: tempHome(),
  });
  expect(one.output()).not.toContain("On the network");
  await one.stop();
});

test("beyond loopback it warns that it speaks plain HTTP and says what to do; on loopback not", async () => {
  const wide = await startServer(["--port", "0", "--host", "0.0.0.0"], {
    PIPEBOOK_HOME: tempHome(),
  });
  await expect
    .poll(() => wide.output())
    .toMatch(
      /Warning: listening on 0\.0\.0\.0, beyond this machine, over plain HTTP \(no TLS\)[\s\S]*reverse proxy with TLS/,
    );
  await wide.stop();
  const local = await startServer(["--port", "0", "--host", "127.0.0.1"], {
    PIPEBOOK_HOME: tempHome(),
  });
  expect(local.output()).not.toContain("plain HTTP");
  await local.stop();
  expect(local.output()).not.toContain("plain HTTP");
});

test("the data folder and everything the server writes in it are private to its user", async () => {
  test.setTimeout(120_000);
  // A data folder as earlier versions left it: world-readable, with a world-readable file.
  const home = tempHome();
  fs.chmodSync(home, 0o755);
  fs.writeFileSync(path.join(home, "notes"), "x", { mode: 0o644 });
  fs.chmodSync(path.join(home, "notes"), 0o644);
  const server = await startServer(["--port", "0"], {
    PIPEBOOK_HOME: home,
    PIPEBOOK_BOOTSTRAP_API_KEY: "",
    PIPEBOOK_LOCAL_AGENT: "1",
  });
  expect(server.output()).toContain(`made private: the data folder ${home} was 0755, now 0700`);
  expect(server.output()).toContain("made private: notes was 0644, now 0600");
  // The database and the admin key were written by this start; the local agent works in a
  // private folder outside the data folder (its tasks must not see the data folder).
  await expect.poll(() => server.output()).toMatch(/\[agent\] .*connected to/);
  expect(fs.existsSync(path.join(home, "agent"))).toBe(false);
  await server.stop();
  const open: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      const mode = fs.lstatSync(file).mode & 0o777;
      if (mode & 0o077) open.push(`${path.relative(home, file)} ${mode.toString(8)}`);
      if (entry.isDirectory()) walk(file);
    }
  };
  expect(fs.statSync(home).mode & 0o777).toBe(0o700);
  walk(home);
  expect(fs.readdirSync(home).sort()).toEqual(expect.arrayContaining(["admin-api-key", "db"]));
  expect(fs.readdirSync(path.join(home, "db")).length).toBeGreaterThan(10);
  expect(open, "files and folders others could read").toEqual([]);
  // A second start finds nothing to tighten and says nothing about it.
  const again = await startServer(["--port", "0"], { PIPEBOOK_HOME: home });
  expect(again.output()).not.toContain("made private");
  await again.stop();
});

test("installing again, as the first `npx pipebook` does, leaves the studio's build current", () => {
  const root = path.resolve(import.meta.dirname, "..");
  const outputs = () =>
    ["dist", "server/db/generated"].flatMap((dir) =>
      fs
        .readdirSync(path.join(root, dir), { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => {
          const file = path.join(e.parentPath, e.name);
          return `${path.relative(root, file)} ${fs.statSync(file).mtimeMs}`;
        }),
    );
  const before = { fingerprint: sourceFingerprint(root), outputs: outputs() };
  expect(isBuildCurrent(root, before.fingerprint)).toBe(true);
  // The package's postinstall, as npm runs it in the project when npx installs the package.
  execFileSync("npm", ["run", "--silent", "postinstall"], { cwd: root, stdio: "pipe" });
  // Unchanged content keeps its files untouched, and the build stays current: no rebuild.
  expect(outputs()).toEqual(before.outputs);
  expect(sourceFingerprint(root)).toBe(before.fingerprint);
  expect(isBuildCurrent(root)).toBe(true);
});

test("refuses to start, saying why: bad settings, a busy port, a database in use", async () => {
  test.setTimeout(180_000);
  const badUrl = await startFailing([], {
    PIPEBOOK_HOME: tempHome(),
    DATABASE_URL: "postgresql://postgres@127.0.0.1:1/none",
  });
  expect(badUrl.code).toBe(1);
  expect(badUrl.output).toContain(
    "could not connect to PostgreSQL at postgresql://postgres@127.0.0.1:1/none",
  );

  const badPort = await startFailing(["--port", "http"], {});
  expect(badPort.output).toContain('--port must be a number from 0 to 65535 (got "http")');

  const badEnv = await startFailing([], {
    PIPEBOOK_HOME: tempHome(),
    PIPEBOOK_BOOTSTRAP_API_KEY: "short",
  });
  expect(badEnv.output).toContain("PIPEBOOK_BOOTSTRAP_API_KEY: must be at least 16 characters");

  const home = tempHome();
  const running = await startServer(["--port", "0"], { PIPEBOOK_HOME: home });
  const busyPort = new URL(running.url).port;
  const portTaken = await startFailing(["--port", busyPort], { PIPEBOOK_HOME: tempHome() });
  expect(portTaken.output).toContain(`port ${busyPort} on 127.0.0.1 is already in use`);
  const sameHome = await startFailing(["--port", "0"], { PIPEBOOK_HOME: home });
  expect(sameHome.output).toMatch(/in use by another Pipebook process \(pid \d+\)/);
  await running.stop();
});

async function deployAndTrigger(api: APIRequestContext, name: string) {
  await importYaml(api, flowYaml(name));
  const deployment = await deploy(api, name);
  return { deployment, run: { id: await trigger(api, deployment.id) } };
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

test("npm start runs a local agent on queue default: a run executes with no other setup", async ({
  playwright,
}) => {
  test.setTimeout(120_000);
  const home = tempHome();
  const server = await startServer(["--port", "0"], {
    PIPEBOOK_HOME: home,
    PIPEBOOK_BOOTSTRAP_API_KEY: KEY,
    PIPEBOOK_LOCAL_AGENT: "1",
  });
  expect(server.output()).toContain('Local agent: serving work queue "default"');
  const api = await playwright.request.newContext({ baseURL: server.url, extraHTTPHeaders: auth });
  const { run } = await deployAndTrigger(api, uniqueName("local"));
  await expect
    .poll(async () => (await (await api.get(`/api/v1/flow-runs/${run.id}`)).json()).state, {
      timeout: 30_000,
    })
    .toBe("Completed");
  expect(server.output()).toMatch(/\[agent\] .*connected to http:\/\/127\.0\.0\.1:\d+ as agent/);
  await api.dispose();
  expect(await server.stop()).toBe(0);
  // The agent went with the server.
  const left = execFileSync("ps", ["-eo", "args"], { encoding: "utf8" })
    .split("\n")
    .filter(
      (line) =>
        line.includes("pipebook-agent.mjs start") && line.includes(new URL(server.url).port),
    );
  expect(left).toEqual([]);
});
