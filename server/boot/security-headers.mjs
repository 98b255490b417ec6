// The security headers of every response — studio pages, /api/v1, tRPC, the agent bundle — in
// one place. The launcher (bin/pipebook-server.mjs) puts them on each response before handing
// the request to Next.js or to the API's table, so both transports send the same set, under
// `npm start` and `npm run dev` alike. Plain JavaScript: the launcher imports it before Next.js
// has compiled anything.
import crypto from "node:crypto";

/** A fresh nonce for one response's scripts (16 random bytes, as CSP recommends at least). */
export function newNonce() {
  return crypto.randomBytes(16).toString("base64");
}

/**
 * The Content-Security-Policy. Scripts: the studio's own files and the inline scripts that
 * carry this response's nonce (Next.js reads the nonce from the request's policy and stamps it
 * on its inline scripts; the root layout stamps the theme script) — an injected script has no
 * nonce and does not run. Styles may be inline: React Flow positions nodes with style
 * attributes and Monaco adds <style> elements. Monaco's workers are same-origin files or blob:
 * URLs. Eval is allowed (Ajv builds validators with it; Next.js's hot reload too); inline
 * scripts without the nonce are not. In development hot reload also needs a WebSocket.
 * @param {{ nonce: string, dev?: boolean }} options
 */
export function contentSecurityPolicy({ nonce, dev = false }) {
  return [
    "default-src 'self'",
    // 'unsafe-eval': Ajv compiles the parameter forms' JSON Schemas to functions in the browser.
    `script-src 'self' 'nonce-${nonce}' 'unsafe-eval'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "worker-src 'self' blob:",
    `connect-src 'self'${dev ? " ws: wss:" : ""}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/**
 * Every header, by name. frame-ancestors 'none' and X-Frame-Options keep the studio out of
 * other sites' frames (clickjacking); nosniff stops a browser from running a JSON answer or a
 * log download as a script; same-origin referrers keep run and flow URLs from other sites.
 * @param {{ nonce: string, dev?: boolean }} options
 * @returns {Record<string, string>}
 */
export function securityHeaders(options) {
  return {
    "Content-Security-Policy": contentSecurityPolicy(options),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
  };
}
