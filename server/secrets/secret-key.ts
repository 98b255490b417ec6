// The server's secret key: PIPEBOOK_SECRET_KEY when given, else the file <PIPEBOOK_HOME>/secret-key,
// made on first start with 32 random bytes and mode 0600. Read once per process and kept on
// globalThis (every bundle Next.js makes of this file shares it).
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { ConfigError, decodeSecretKey, getConfig, type Config } from "../config.ts";
import { secretKey, type SecretKey } from "./crypto.ts";

const KEY = Symbol.for("pipebook.secret-key");
type Holder = { [KEY]?: SecretKey };

export type LoadedKey = {
  key: SecretKey;
  /** Set when this start made the key file. */
  createdFile?: string;
  /** Something the operator should fix (a key file others can read). */
  warning?: string;
};

/** Reads (or on first start makes) the key the configuration names, and installs it. */
export function loadSecretKey(config: Pick<Config, "secretKey">): LoadedKey {
  const source = config.secretKey;
  if (source.source === "env") return install({ key: secretKey(source.key) });
  const file = source.path;
  let createdFile: string | undefined;
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    try {
      // "wx": a second process starting at the same moment must not overwrite the first's key.
      fs.writeFileSync(file, `${crypto.randomBytes(32).toString("base64")}\n`, {
        flag: "wx",
        mode: 0o600,
      });
      createdFile = file;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
  const decoded = decodeSecretKey(fs.readFileSync(file, "utf8"));
  if (typeof decoded === "string") {
    throw new ConfigError(
      `the secret key file ${file} is not a valid key: it ${decoded}. Secrets set with the lost key cannot be read again; move the file away to start with a new key.`,
    );
  }
  const mode = fs.statSync(file).mode & 0o777;
  const warning =
    mode & 0o077
      ? `the secret key file ${file} can be read by other users (mode ${mode.toString(8)}): chmod 600 ${file}`
      : undefined;
  return install({ key: secretKey(decoded), createdFile, warning });
}

function install(loaded: LoadedKey): LoadedKey {
  (globalThis as Holder)[KEY] = loaded.key;
  return loaded;
}

/** The installed key (loaded from the configuration on first use). */
export function getSecretKey(): SecretKey {
  return (globalThis as Holder)[KEY] ?? loadSecretKey(getConfig()).key;
}

/** For tests: use this key in this process. */
export function installSecretKey(key: SecretKey): void {
  (globalThis as Holder)[KEY] = key;
}
