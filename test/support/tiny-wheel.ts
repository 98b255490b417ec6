// A tiny Python wheel made on the spot (no Python index is reachable on the test machines): a
// wheel is a zip of the package and its .dist-info, which Python's zipfile writes in a few ms.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const SCRIPT = String.raw`
import base64, hashlib, sys, zipfile
out, name, version, body = sys.argv[1:5]
files = {
    f"{name}/__init__.py": body,
    f"{name}-{version}.dist-info/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
    f"{name}-{version}.dist-info/WHEEL": "Wheel-Version: 1.0\nGenerator: pipebook-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
}
record = []
with zipfile.ZipFile(f"{out}/{name}-{version}-py3-none-any.whl", "w") as whl:
    for path, text in files.items():
        data = text.encode()
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{path},sha256={digest},{len(data)}")
        whl.writestr(path, data)
    record.append(f"{name}-{version}.dist-info/RECORD,,")
    whl.writestr(f"{name}-{version}.dist-info/RECORD", "\n".join(record) + "\n")
`;

/** Writes `<name>-<version>-py3-none-any.whl` holding a module `name` with `body` into `dir`. */
export function buildTinyWheel(
  dir: string,
  name: string,
  version: string,
  body: string,
  python = "python3",
): string {
  fs.mkdirSync(dir, { recursive: true });
  execFileSync(python, ["-c", SCRIPT, dir, name, version, body]);
  return path.join(dir, `${name}-${version}-py3-none-any.whl`);
}
