/**
 * The HTTP GET that httpGet probes and lifecycle hooks make (upstream's
 * pkg/probe/http request building): the User-Agent `kube-probe/<major.minor>`
 * and `Accept: *\/*` unless the handler's headers say otherwise (an empty
 * Accept removes it), the handler's Host header as the request's host,
 * HTTPS without certificate verification, no keep-alive. Same-host redirects are followed
 * (at most 10); a redirect to another host is answered with the redirect
 * itself, marked `otherHostRedirect`.
 */
import http from 'node:http';
import https from 'node:https';
import type { HTTPHeader } from 'kubernetes-types/core/v1.js';
import { KUBERNETES_VERSION } from '../../api/version.js';

export const PROBE_USER_AGENT = `kube-probe/${KUBERNETES_VERSION.major}.${KUBERNETES_VERSION.minor}`;

/** Upstream's maxRespBodyLength (10 KiB). */
const MAX_BODY = 10 * 1024;
const MAX_REDIRECTS = 10;

export interface HttpGetResponse {
  status: number;
  /** The start of the body, at most 10 KiB. */
  body: string;
  otherHostRedirect: boolean;
}

/** The request headers of a handler: defaults, then the handler's own (Go's http.Header: last one of a name wins per Set; Add keeps both). */
export function probeHeaders(custom: readonly HTTPHeader[] = []): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  const given = new Map<string, string[]>();
  for (const h of custom) {
    const k = h.name.toLowerCase();
    given.set(k, [...(given.get(k) ?? []), h.value]);
  }
  for (const [k, v] of given) out[k] = v.length === 1 ? v[0] : v;
  if (!given.has('user-agent')) out['user-agent'] = PROBE_USER_AGENT;
  if (!given.has('accept')) out['accept'] = '*/*';
  else if (given.get('accept')!.every((v) => v === '')) delete out['accept'];
  return out;
}

/** Go's error text for a failed GET, e.g. `Get "http://10.0.0.5:80/": dial tcp 10.0.0.5:80: connect: connection refused`. */
function getError(url: URL, err: NodeJS.ErrnoException): Error {
  const hostPort = url.port ? url.host : `${url.host}:${url.protocol === 'https:' ? 443 : 80}`;
  const why = err.code === 'ECONNREFUSED' ? `dial tcp ${hostPort}: connect: connection refused`
    : err.code === 'EHOSTUNREACH' ? `dial tcp ${hostPort}: connect: no route to host`
      : err.message;
  return new Error(`Get "${url.href}": ${why}`);
}

function once(url: URL, headers: Record<string, string | string[]>, timeoutMs: number, signal?: AbortSignal): Promise<{ status: number; body: string; location?: string }> {
  const lib = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    // A fresh connection each time, as upstream's prober transport (DisableKeepAlives).
    const req = lib.get(url, { headers, agent: false, rejectUnauthorized: false, ...(signal ? { signal } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        if (size < MAX_BODY) chunks.push(c);
        size += c.length;
      });
      res.on('end', () => resolve({
        status: res.statusCode ?? 0,
        body: Buffer.concat(chunks).subarray(0, MAX_BODY).toString('utf8'),
        ...(res.headers.location ? { location: res.headers.location } : {}),
      }));
      res.on('error', (e) => reject(getError(url, e)));
    });
    if (timeoutMs > 0) {
      req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error('context deadline exceeded (Client.Timeout exceeded while awaiting headers)'), { code: 'ETIMEDOUT' })));
    }
    req.on('error', (e: NodeJS.ErrnoException) => reject(getError(url, e)));
  });
}

/** GETs `url`; rejects with Go's error text when no response came. `timeoutMs` 0: none. */
export async function httpGet(url: URL, headers: Record<string, string | string[]>, timeoutMs: number, signal?: AbortSignal): Promise<HttpGetResponse> {
  let current = url;
  for (let i = 0; ; i++) {
    const res = await once(current, headers, timeoutMs, signal);
    if (res.status < 300 || res.status >= 400 || !res.location || i >= MAX_REDIRECTS) {
      return { status: res.status, body: res.body, otherHostRedirect: false };
    }
    const next = new URL(res.location, current);
    if (next.hostname !== current.hostname) return { status: res.status, body: res.body, otherHostRedirect: true };
    current = next;
  }
}

/** `scheme://host:port/path` as upstream's formatURL builds it (the path gets a leading slash). */
export function handlerUrl(scheme: string, host: string, port: number, path: string): URL {
  const h = host.includes(':') ? `[${host}]` : host;
  const p = path.startsWith('/') ? path : `/${path}`;
  return new URL(`${scheme.toLowerCase()}://${h}:${port}${p}`);
}
