/**
 * Reading a request target the way the server does (Go's way): the path as
 * sent, without resolving dot segments, each segment's escapes decoded. From
 * it, which of the suite's existing objects a write can change.
 */
import { KINDS } from './fixtures.js';

/** The path of `target` without query; absolute-form targets lose their scheme and authority. */
export function serverPathname(target: string): string {
  const path = target.startsWith('/') ? target : target.replace(/^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?]*/, '');
  const q = path.indexOf('?');
  return q < 0 ? path : path.slice(0, q);
}

/**
 * The key `plural/namespace/name` of the object a write to `target` can
 * change, `plural/namespace/*` for a collection (namespace '' for all of
 * them), or '' for none of the suite's objects (a POST to a collection only
 * adds objects; a path the server refuses changes nothing).
 */
export function addressedKey(method: string, target: string): string {
  let parts: string[];
  try {
    parts = serverPathname(target).split('/').filter((p) => p !== '').map((p) => decodeURIComponent(p));
  } catch {
    return '';
  }
  let group: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 2) [group, rest] = ['', parts.slice(2)];
  else if (parts[0] === 'apis' && parts.length >= 3) [group, rest] = [parts[1], parts.slice(3)];
  else return '';
  if (rest[0] === 'watch') rest = rest.slice(1);
  let ns = '';
  if (rest[0] === 'namespaces' && rest.length >= 3 && !['status', 'finalize'].includes(rest[2])) {
    ns = rest[1];
    rest = rest.slice(2);
  }
  const [resource, name] = rest;
  // A Binding names the pod in its body.
  if (group === '' && resource === 'bindings') return `pods/${ns}/*`;
  const k = KINDS.find((x) => x.group === group && x.plural === resource);
  if (!k || (method === 'POST' && name === undefined)) return '';
  return `${k.plural}/${ns}/${name ?? '*'}`;
}
