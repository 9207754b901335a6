/**
 * The proxy subresource paths, which carry a path of their own after
 * `proxy` and so do not fit the resource parser:
 * `/api/v1/namespaces/{ns}/pods/{name}/proxy[/{path}]`, the same for
 * services, and `/api/v1/nodes/{name}/proxy[/{path}]`. `{name}` may be
 * `name:port` or `scheme:name:port` (upstream's SplitSchemeNamePort).
 */
export interface ProxyRequestInfo {
  resource: 'pods' | 'services' | 'nodes';
  namespace: string;
  /** The object's name, without scheme and port. */
  name: string;
  /** `http`, `https`, or '' when not given. */
  scheme: string;
  /** A port number or name, or '' when not given. */
  port: string;
  /** The rest of the path after `proxy`, with its leading '/' ('/' when none). */
  path: string;
}

/** Parses a proxy path; undefined for anything else. Throws nothing. */
export function parseProxyPath(pathname: string): ProxyRequestInfo | undefined {
  const m = /^\/api\/v1\/(?:namespaces\/([^/]+)\/(pods|services)|(nodes))\/([^/]+)\/proxy(\/.*)?$/.exec(pathname);
  if (!m) return undefined;
  const resource = (m[2] ?? m[3]) as ProxyRequestInfo['resource'];
  const split = splitSchemeNamePort(safeDecode(m[4]));
  if (!split) return undefined;
  return { resource, namespace: m[1] ? safeDecode(m[1]) : '', ...split, path: m[5] ?? '/' };
}

/** Upstream's utilnet.SplitSchemeNamePort: `name`, `name:port`, `scheme:name:port` (scheme http or https). */
export function splitSchemeNamePort(id: string): { scheme: string; name: string; port: string } | undefined {
  const parts = id.split(':');
  let scheme = '';
  let name: string;
  let port = '';
  if (parts.length === 1) [name] = parts;
  else if (parts.length === 2) [name, port] = parts;
  else if (parts.length === 3) [scheme, name, port] = parts;
  else return undefined;
  if (name === '' || (scheme !== '' && scheme !== 'http' && scheme !== 'https')) return undefined;
  return { scheme, name, port };
}

function safeDecode(s: string): string {
  try { return decodeURIComponent(s); } catch { return s; }
}
