// The environment a task starts with: an allow-list of the agent's own, never its credentials
// nor the server's (the local agent is the server's child). What a task needs beyond it comes
// from the flow (declared secrets and variables) or from `--task-env NAME`.
const ALLOWED = new Set([
  "PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LANGUAGE", "TZ", "TERM",
  "LD_LIBRARY_PATH", "PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "CONDA_PREFIX", "NODE_PATH",
  "SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "NODE_EXTRA_CA_CERTS",
  "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "no_proxy", "all_proxy",
]); // prettier-ignore

/** Names no task ever gets, even when asked for with --task-env. */
export function forbiddenTaskVariable(name: string): boolean {
  return name.startsWith("PIPEBOOK_") || name === "DATABASE_URL";
}

export function taskEnvironment(
  env: Record<string, string | undefined>,
  extra: string[] = [],
): NodeJS.ProcessEnv {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || forbiddenTaskVariable(name)) continue;
    if (ALLOWED.has(name) || name.startsWith("LC_") || extra.includes(name)) out[name] = value;
  }
  return out as NodeJS.ProcessEnv;
}
