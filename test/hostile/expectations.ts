/**
 * What a reply to a hostile request may be: the table of (code, reason)
 * pairs upstream answers errors with, the Status shape every error must
 * have, and the per-case codes the generator asks for. check() returns what
 * is wrong with one reply, or nothing.
 */
import type { HostileRequest } from './generator.js';

/** Every error reply's (code, reason), as upstream's k8s.io/apimachinery/pkg/api/errors gives them. */
export const EXPECTED_ERRORS: ReadonlyMap<number, readonly string[]> = new Map([
  [400, ['BadRequest']],
  [401, ['Unauthorized']],
  // A namespace being deleted refuses new content.
  [403, ['Forbidden']],
  [404, ['NotFound']],
  [405, ['MethodNotAllowed']],
  [406, ['NotAcceptable']],
  [409, ['Conflict', 'AlreadyExists']],
  [410, ['Expired', 'Gone']],
  [413, ['RequestEntityTooLarge']],
  [415, ['UnsupportedMediaType']],
  [422, ['Invalid']],
  [429, ['TooManyRequests']],
]);

/**
 * Upstream answers a read at a resourceVersion newer than the store's, once
 * it gave up waiting, with 504 Timeout "Too large resource version"; client-go's
 * reflector relies on exactly that (IsTooLargeResourceVersionError). Allowed
 * only for requests that name such a resourceVersion.
 */
export const FUTURE_RESOURCE_VERSION = { code: 504, reason: 'Timeout' } as const;

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** The client cut a stream short (a watch that outlived the test's patience). */
  cut: boolean;
  /** The body was longer than the client keeps; `body` is its start. */
  truncated: boolean;
}

/** Why a 5xx was let pass. */
export type Allowance = 'upstream 504 Timeout: too large resourceVersion';

export type Verdict =
  | { ok: true; allowed?: Allowance }
  | { ok: false; why: string };

interface StatusBody { kind?: unknown; apiVersion?: unknown; status?: unknown; code?: unknown; reason?: unknown; message?: unknown }

/** Why `text` is not an error Status for `code`, or undefined when it is one with an expected reason. */
export function statusProblem(text: string, code: number, allowed5xx?: { reason: string; message?: string }): string | undefined {
  let s: StatusBody;
  try {
    s = JSON.parse(text) as StatusBody;
  } catch {
    return `error body is not JSON: ${JSON.stringify(text.slice(0, 200))}`;
  }
  if (s === null || typeof s !== 'object') return 'error body is not a JSON object';
  if (s.kind !== 'Status' || s.apiVersion !== 'v1') return `error body is not a v1 Status (kind ${String(s.kind)}, apiVersion ${String(s.apiVersion)})`;
  if (s.status !== 'Failure') return `Status.status is ${JSON.stringify(s.status)}, not "Failure"`;
  if (s.code !== code) return `Status.code ${String(s.code)} differs from the HTTP code ${code}`;
  if (typeof s.reason !== 'string' || s.reason === '') return 'Status has no reason';
  if (typeof s.message !== 'string') return 'Status has no message';
  const allowed = code >= 500 ? (allowed5xx ? [allowed5xx.reason] : []) : EXPECTED_ERRORS.get(code);
  if (!allowed?.includes(s.reason)) return `(${code}, ${s.reason}) is not in the table of expected (code, reason) pairs`;
  if (allowed5xx?.message !== undefined && s.message !== allowed5xx.message) return `unexpected message for (${code}, ${s.reason}): ${s.message}`;
  return undefined;
}

/** Watch events must be JSON lines; an ERROR event must carry an expected Status. */
function watchProblem(req: HostileRequest, text: string, cut: boolean): string | undefined {
  const lines = text.split('\n');
  if (cut) lines.pop();
  for (const line of lines) {
    if (line.trim() === '') continue;
    let e: { type?: unknown; object?: unknown };
    try {
      e = JSON.parse(line) as typeof e;
    } catch {
      return `watch line is not JSON: ${JSON.stringify(line.slice(0, 200))}`;
    }
    if (typeof e.type !== 'string' || typeof e.object !== 'object' || e.object === null) return `watch line is not an event: ${line.slice(0, 200)}`;
    if (e.type === 'ERROR') {
      const code = (e.object as { code?: unknown }).code;
      const p = statusProblem(JSON.stringify(e.object), typeof code === 'number' ? code : -1, req.futureResourceVersion ? FUTURE_RESOURCE_VERSION : undefined);
      if (p) return `watch ERROR event: ${p}`;
    }
  }
  return undefined;
}

export function check(req: HostileRequest, reply: Reply): Verdict {
  const { status } = reply;
  const text = reply.body.toString('utf8');
  if (status >= 500) {
    const candidates: [Allowance, { reason: string; message?: string }][] = [];
    if (req.futureResourceVersion && status === FUTURE_RESOURCE_VERSION.code) candidates.push(['upstream 504 Timeout: too large resourceVersion', FUTURE_RESOURCE_VERSION]);
    for (const [allowed, pair] of candidates) {
      if (req.method === 'HEAD' || !statusProblem(text, status, pair)) return { ok: true, allowed };
    }
    return { ok: false, why: `${status}: ${text.slice(0, 500)}` };
  }
  if (req.expect && !req.expect.includes(status)) {
    return { ok: false, why: `expected ${req.expect.join(' or ')}, got ${status}: ${text.slice(0, 300)}` };
  }
  if (status >= 400) {
    if (req.method === 'HEAD') return { ok: true };
    const p = statusProblem(text, status);
    return p ? { ok: false, why: p } : { ok: true };
  }
  if (status < 200 || status >= 300) return { ok: false, why: `unexpected status ${status}` };
  const type = String(reply.headers['content-type'] ?? '');
  if (req.method !== 'HEAD' && type.startsWith('application/json')) {
    if (String(reply.headers['transfer-encoding'] ?? '') === 'chunked') {
      const p = watchProblem(req, text, reply.cut);
      if (p) return { ok: false, why: p };
    } else if (!reply.cut && !reply.truncated) {
      try {
        JSON.parse(text);
      } catch {
        return { ok: false, why: `2xx body is not JSON: ${JSON.stringify(text.slice(0, 200))}` };
      }
    }
  }
  return { ok: true };
}
