/**
 * The error catalogue: every failure the API can report, as a typed error that
 * carries the Kubernetes Status it becomes on the wire (reason, code, message,
 * details). Messages follow upstream's texts, because clients match on them
 * (k8s.io/apimachinery/pkg/api/errors).
 */
import type { Status, StatusCause } from 'kubernetes-types/meta/v1.js';
import type { FieldError } from './field-errors.js';
import { fieldErrorsToCauses, summarizeFieldErrors } from './field-errors.js';

export type StatusReason =
  | 'BadRequest' | 'Unauthorized' | 'Forbidden' | 'NotFound' | 'AlreadyExists'
  | 'Conflict' | 'Gone' | 'Expired' | 'Invalid' | 'MethodNotAllowed' | 'NotAcceptable'
  | 'RequestEntityTooLarge' | 'UnsupportedMediaType' | 'TooManyRequests'
  | 'InternalError' | 'Timeout' | 'ServiceUnavailable';

/** Identifies the object an error is about, as Status.details does. */
export interface ErrorSubject {
  /** Group of the resource ("" for core). */
  group: string;
  /** Resource plural ("deployments"), used in messages as `deployments.apps`. */
  resource: string;
  /** Kind, used in Invalid messages (`Deployment.apps "web" is invalid`). */
  kind?: string;
  name?: string;
}

export class StatusError extends Error {
  readonly code: number;
  readonly reason: StatusReason;
  readonly details?: Status['details'];
  /** Extra response headers, e.g. Retry-After. */
  readonly headers?: Record<string, string>;

  constructor(code: number, reason: StatusReason, message: string,
    opts: { details?: Status['details']; cause?: unknown; headers?: Record<string, string> } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'StatusError';
    this.code = code;
    this.reason = reason;
    this.details = opts.details;
    this.headers = opts.headers;
  }

  /** The wire form: a v1 Status with status "Failure" (clients lose reason and message without it). */
  toStatus(): Status {
    const s: Status = {
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
      message: this.message, reason: this.reason, code: this.code,
    };
    if (this.details && Object.keys(this.details).length > 0) s.details = this.details;
    return s;
  }
}

/** `deployments.apps` or `pods`: how upstream names a group-resource in messages. */
export function qualifiedResource(group: string, resource: string): string {
  return group ? `${resource}.${group}` : resource;
}

function details(s: ErrorSubject, extra: Partial<NonNullable<Status['details']>> = {}): Status['details'] {
  const d: NonNullable<Status['details']> = {};
  if (s.name !== undefined && s.name !== '') d.name = s.name;
  if (s.group) d.group = s.group;
  d.kind = s.resource;
  return { ...d, ...extra };
}

export function notFound(s: ErrorSubject): StatusError {
  const what = qualifiedResource(s.group, s.resource);
  const msg = s.name ? `${what} "${s.name}" not found` : `${what} not found`;
  return new StatusError(404, 'NotFound', msg, { details: details(s) });
}

export function alreadyExists(s: ErrorSubject): StatusError {
  return new StatusError(409, 'AlreadyExists',
    `${qualifiedResource(s.group, s.resource)} "${s.name}" already exists`, { details: details(s) });
}

export const CONFLICT_MODIFIED =
  'the object has been modified; please apply your changes to the latest version and try again';

export function conflict(s: ErrorSubject, why: string = CONFLICT_MODIFIED): StatusError {
  return new StatusError(409, 'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(s.group, s.resource)} "${s.name ?? ''}": ${why}`,
    { details: details(s) });
}

export function invalid(s: ErrorSubject, errs: FieldError[]): StatusError {
  const kind = s.kind ?? s.resource;
  const qk = s.group ? `${kind}.${s.group}` : kind;
  const summary = summarizeFieldErrors(errs);
  return new StatusError(422, 'Invalid', `${qk} "${s.name ?? ''}" is invalid: ${summary}`, {
    details: { ...(s.name ? { name: s.name } : {}), ...(s.group ? { group: s.group } : {}), kind,
      causes: fieldErrorsToCauses(errs) },
  });
}

export function badRequest(message: string, causes?: StatusCause[]): StatusError {
  return new StatusError(400, 'BadRequest', message, causes ? { details: { causes } } : {});
}

export function methodNotAllowed(message: string): StatusError {
  return new StatusError(405, 'MethodNotAllowed', message);
}

export function notAcceptable(message: string): StatusError {
  return new StatusError(406, 'NotAcceptable', message);
}

export function unsupportedMediaType(contentType: string): StatusError {
  return new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json; received ${JSON.stringify(contentType)}`);
}

/** An old resourceVersion or continue token: the client must relist (HTTP 410). */
export function expired(message: string): StatusError {
  return new StatusError(410, 'Expired', message);
}

/** Returned for a watch or list at a revision the store has compacted away. */
export function resourceVersionTooOld(requested: number | string, oldest?: number): StatusError {
  return expired(oldest === undefined
    ? `too old resource version: ${requested}`
    : `too old resource version: ${requested} (${oldest})`);
}

export function unauthorized(message = 'Unauthorized'): StatusError {
  return new StatusError(401, 'Unauthorized', message);
}

export function forbidden(message: string): StatusError {
  return new StatusError(403, 'Forbidden', message);
}

export function tooLarge(limitBytes: number): StatusError {
  return new StatusError(413, 'RequestEntityTooLarge',
    `Request entity too large: limit is ${limitBytes}`);
}

export function tooManyRequests(retryAfterSeconds: number): StatusError {
  return new StatusError(429, 'TooManyRequests', 'Too many requests, please try again later.', {
    details: { retryAfterSeconds }, headers: { 'Retry-After': String(retryAfterSeconds) },
  });
}

export function internalError(err: unknown): StatusError {
  const msg = err instanceof Error ? err.message : String(err);
  return new StatusError(500, 'InternalError', `Internal error occurred: ${msg}`, {
    details: { causes: [{ message: msg }] }, cause: err,
  });
}

export function timeout(message: string): StatusError {
  return new StatusError(504, 'Timeout', message);
}

export function isStatusError(e: unknown): e is StatusError {
  return e instanceof StatusError;
}
