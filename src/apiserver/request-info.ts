/**
 * Parses a request path into what it addresses (upstream's RequestInfoFactory):
 * the API prefix, group, version, namespace, resource, name, subresource, and
 * the verb derived from the method and query.
 */
import type { IncomingMessage } from 'node:http';
import { badRequest } from '../api/errors.js';

export type RequestVerb =
  | 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export interface ResourceRequestInfo {
  /** `api` for the core group, `apis` for the others. */
  prefix: 'api' | 'apis';
  group: string;
  version: string;
  /** Namespace from the path ('' for cluster-scoped or all-namespaces requests). */
  namespace: string;
  resource: string;
  name: string;
  subresource: string;
  verb: RequestVerb;
}

/** Everything below /api or /apis that is not a resource (discovery documents). */
export interface DiscoveryRequestInfo {
  prefix: 'api' | 'apis';
  group?: string;
  version?: string;
}

export type RequestInfo =
  | { kind: 'resource'; info: ResourceRequestInfo }
  | { kind: 'discovery'; info: DiscoveryRequestInfo }
  | { kind: 'other' };

function isWatch(query: URLSearchParams): boolean {
  const w = query.get('watch');
  return w === 'true' || w === '1';
}

/**
 * Recognises `/api/v1/...` and `/apis/<group>/<version>/...`; the deprecated
 * `/api/v1/watch/...` form is accepted too.
 */
export function parseRequestInfo(method: string, pathname: string, query: URLSearchParams): RequestInfo {
  const parts = pathname.split('/').filter((p) => p !== '').map((p) => (p.includes('%') ? unescapeSegment(p) : p));
  if (parts.length === 0 || (parts[0] !== 'api' && parts[0] !== 'apis')) return { kind: 'other' };
  const prefix = parts[0] as 'api' | 'apis';
  let rest = parts.slice(1);
  let group = '';
  if (prefix === 'apis') {
    if (rest.length === 0) return { kind: 'discovery', info: { prefix } };
    group = rest[0];
    rest = rest.slice(1);
    if (rest.length === 0) return { kind: 'discovery', info: { prefix, group } };
  }
  if (rest.length === 0) return { kind: 'discovery', info: { prefix } };
  const version = rest[0];
  rest = rest.slice(1);
  if (rest.length === 0) return { kind: 'discovery', info: { prefix, group, version } };

  let watchPath = false;
  if (rest[0] === 'watch') { watchPath = true; rest = rest.slice(1); }
  let namespace = '';
  // `namespaces/<ns>/<resource>...` addresses a namespaced resource; `namespaces/<ns>`
  // alone (or with a subresource such as status/finalize) is the Namespace itself.
  if (rest[0] === 'namespaces' && rest.length >= 3 && !['status', 'finalize'].includes(rest[2])) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource = '', name = '', subresource = ''] = rest;
  if (rest.length > 3 || resource === '') return { kind: 'other' };

  let verb: RequestVerb;
  switch (method) {
    case 'POST': verb = 'create'; break;
    case 'PUT': verb = 'update'; break;
    case 'PATCH': verb = 'patch'; break;
    case 'DELETE': verb = name ? 'delete' : 'deletecollection'; break;
    default:
      if (watchPath || isWatch(query)) verb = 'watch';
      else verb = name ? 'get' : 'list';
  }
  // Cluster-scoped GET /api/v1/namespaces/<name> is a get on namespaces: already
  // parsed as resource=namespaces, name=<name>.
  return { kind: 'resource', info: { prefix, group, version, namespace, resource, name, subresource, verb } };
}

/**
 * One path segment with its percent-escapes decoded. A malformed escape is a
 * 400, as Go's URL parser answers; escapes that decode to bytes which are not
 * UTF-8 keep those bytes (as U+FFFD), so the segment names nothing and the
 * request ends in a 404 rather than an error.
 */
function unescapeSegment(segment: string): string {
  if (/%(?![0-9A-Fa-f]{2})/.test(segment)) throw badRequest(`invalid URL escape ${JSON.stringify(segment.slice(0, 64))}`);
  try {
    return decodeURIComponent(segment);
  } catch {
    const bytes = segment.replace(/%([0-9A-Fa-f]{2})|[^%]+/g, (m, hex: string | undefined) => (hex ? String.fromCharCode(parseInt(hex, 16)) : m));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
}

/**
 * The request's URL split into pathname and query, as Go's server splits it:
 * the path is taken as sent, so dot segments (plain or escaped) stay
 * segments and name nothing, rather than climbing to another resource
 * (`DELETE .../configmaps/..` must not reach the namespace). An absolute-form
 * target keeps only its path; a target that is neither is a 400.
 */
export function splitUrl(req: IncomingMessage): { pathname: string; query: URLSearchParams } {
  let raw = req.url ?? '/';
  if (!raw.startsWith('/')) {
    const origin = ABSOLUTE_FORM.exec(raw);
    if (!origin) throw badRequest(`invalid request URI ${JSON.stringify(raw.slice(0, 64))}`);
    raw = raw.slice(origin[0].length);
    if (!raw.startsWith('/')) raw = `/${raw}`;
  }
  const q = raw.indexOf('?');
  return { pathname: q < 0 ? raw : raw.slice(0, q), query: new URLSearchParams(q < 0 ? '' : raw.slice(q + 1)) };
}

/** `scheme://authority` at the start of an absolute-form request target. */
const ABSOLUTE_FORM = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?]*/;
