/**
 * Turns a non-2xx reply into a StatusError: the Status body when the server
 * sent one (code, reason, message and details kept), else a Status built from
 * the HTTP code as client-go's newUnstructuredResponseError does.
 */
import type { Status } from 'kubernetes-types/meta/v1.js';
import { StatusError, type StatusReason } from '../api/errors.js';

const REASON_BY_CODE: Record<number, StatusReason> = {
  400: 'BadRequest', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 405: 'MethodNotAllowed',
  406: 'NotAcceptable', 409: 'Conflict', 410: 'Expired', 413: 'RequestEntityTooLarge',
  415: 'UnsupportedMediaType', 422: 'Invalid', 429: 'TooManyRequests', 500: 'InternalError',
  503: 'ServiceUnavailable', 504: 'Timeout',
};

/** The reason upstream assumes for an HTTP code when the body carries none. */
export function reasonForCode(code: number): StatusReason {
  return REASON_BY_CODE[code] ?? (code >= 500 ? 'InternalError' : 'BadRequest');
}

function isStatus(v: unknown): v is Status {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'Status';
}

/** A StatusError from a Status object (e.g. a watch ERROR event's object). */
export function statusToError(status: Status, httpCode?: number): StatusError {
  const code = status.code ?? httpCode ?? 500;
  const reason = (status.reason || reasonForCode(code)) as StatusReason;
  const message = status.message ?? `the server responded with status ${code}`;
  return new StatusError(code, reason, message, status.details ? { details: status.details } : {});
}

/** A StatusError for an HTTP reply with code `httpCode` and body `body`. */
export function responseToError(httpCode: number, body: string, retryAfter?: string): StatusError {
  let parsed: unknown;
  try { parsed = body ? JSON.parse(body) : undefined; } catch { parsed = undefined; }
  const headers = retryAfter ? { 'Retry-After': retryAfter } : undefined;
  if (isStatus(parsed)) {
    const e = statusToError(parsed, httpCode);
    return headers ? new StatusError(e.code, e.reason, e.message, { details: e.details, headers }) : e;
  }
  const text = body.trim().slice(0, 1024);
  return new StatusError(httpCode, reasonForCode(httpCode),
    text ? `the server responded with status ${httpCode}: ${text}` : `the server responded with status ${httpCode}`,
    headers ? { headers } : {});
}
