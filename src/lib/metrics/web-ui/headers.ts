/*
 * The headers every web UI response carries. The policy allows scripts, styles, images and
 * requests from this server only, no inline script or style, no plugins, no framing, and
 * Trusted Types with no policy: a string can never become markup or script, even by mistake in
 * a library (the pages build every element with createElement and textContent).
 */
import type {ServerResponse} from 'node:http'

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
  "trusted-types 'none'",
].join('; ')

const OTHERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
}

/**
 * Sets the policy and the other headers on `res`. A Content-Security-Policy the operator set in
 * the web config (http_server_config.headers) is kept beside ours: a browser enforces both, so
 * neither can loosen the other. Other headers the operator set win over ours.
 */
export function setUiHeaders(res: ServerResponse): void {
  const theirs = res.getHeader('Content-Security-Policy')
  const policies = theirs === undefined ? [] : Array.isArray(theirs) ? theirs : [String(theirs)]
  res.setHeader('Content-Security-Policy', [...policies.filter((p) => p !== CONTENT_SECURITY_POLICY), CONTENT_SECURITY_POLICY])
  for (const [k, v] of Object.entries(OTHERS)) if (!res.hasHeader(k)) res.setHeader(k, v)
}
