/**
 * Hostile request targets: bad percent-escapes, dot segments (plain and
 * encoded), over-long segments, unknown groups and versions, too many
 * segments, empty segments and absolute-form URIs. Each keeps to the suite's
 * own namespaces, so no mutation can reach objects the suite does not own.
 */
import type { Rng } from './rng.js';

export interface HostilePath {
  path: string;
  tag: string;
  /** The only codes an authenticated request to this path may get. */
  expect?: readonly number[];
  /** A malformed URL: even a request without credentials gets a 400 (the URL is parsed first). */
  malformedUrl?: boolean;
}

/**
 * Dot segments are not resolved (Go's server leaves them be): they name no
 * resource (404), or are refused as a namespace or name (400). Never do they
 * climb to the namespace or collection above.
 */
const DOT_SEGMENTS = [400, 404];

const SEGMENT_JUNK = ['%zz', '%', '%f', '%ff%fe', '%00', '%c0%af', '%e2%82', '%2f', '%252e', 'a%20b', '%u0041', '%%', '%2', '~', '..%2f'];

/** `base` with one of its segments spoiled, or the whole target replaced by something that addresses nothing. */
export function hostilePath(rng: Rng, base: string, origin: string): HostilePath {
  const parts = base.split('/');
  const at = 1 + rng.int(parts.length - 1);
  switch (rng.int(12)) {
    case 0: {
      const junk = rng.pick(SEGMENT_JUNK);
      const bad = /%(?![0-9A-Fa-f]{2})/.test(junk);
      const spoiled = [...parts];
      spoiled[at] = rng.chance(0.5) ? junk : `${spoiled[at]}${junk}`;
      return { path: spoiled.join('/'), tag: `escape ${junk}`, ...(bad ? { expect: [400], malformedUrl: true } : {}) };
    }
    case 1: return { path: rng.pick(['/api/v1/../../etc/passwd', '/api/v1/namespaces/../../../etc', '/apis/../api/v1/namespaces/hostile-a/configmaps', `${base}/..`, `${base}/./.`, `${base}/x/..`]), tag: 'dot segments', expect: DOT_SEGMENTS };
    case 2: return { path: rng.pick(['/api/v1/%2e%2e/%2e%2e/etc', '/api/v1/namespaces/%2e%2e/configmaps', '/api/%2E%2E/v1', `${base}/%2e`, '/api/v1/namespaces/hostile-a/configmaps/%2e%2e']), tag: 'encoded dot segments', expect: DOT_SEGMENTS };
    case 3: {
      const spoiled = [...parts];
      spoiled[at] = 'a'.repeat(rng.pick([256, 4096, 10_000]));
      return { path: spoiled.join('/'), tag: 'long segment' };
    }
    case 4: return { path: rng.pick(['/apis/nope.example.com/v1/widgets', '/apis/apps/v9/deployments', '/api/v2/pods', '/apis/nope.example.com', '/apis/hostile.k8ts.io/v2/namespaces/hostile-a/widgets', '/apis/apps/v1beta1/namespaces/hostile-a/deployments', '/api/v1/namespaces/hostile-a/frobnicators', '/apis/apps/v1/namespaces/hostile-a/configmaps']), tag: 'unknown group/version/resource', expect: [404] };
    case 5: return { path: `${base}/${Array.from({ length: 3 + rng.int(60) }, () => rng.word(3)).join('/')}`, tag: 'too many segments', expect: [404] };
    case 6: return { path: base.replace(/\//g, () => (rng.chance(0.3) ? '//' : '/')).replace(/^\/+/, rng.pick(['/', '//'])), tag: 'empty segments' };
    case 7: return { path: `${origin}${base}`, tag: 'absolute-form' };
    case 8: return { path: rng.pick([`http://evil.example.com${base}`, `https://user:pw@127.0.0.1:1${base}`, `${origin}//${base}`]), tag: 'absolute-form other authority' };
    case 9: {
      const path = rng.pick(['/', '/api', '/apis', '/api/v1', '/apis/apps/v1', '/openapi/v2', '/openapi/v3', '/openapi/v3/apis/apps/v1', '/version', '/metrics', '/livez', '/nope', '/healthz/../readyz', '/api/v1/watch', '/api/v1/watch/namespaces/hostile-a/configmaps/%zz']);
      return { path, tag: 'well-known path', ...(path.includes('%zz') ? { expect: [400], malformedUrl: true } : {}) };
    }
    case 10: {
      const spoiled = [...parts];
      spoiled[at] = rng.pick(['UPPER', 'a_b', '-', 'a.b.c', '%E2%98%83', '0', 'namespaces', 'status', 'watch', 'proxy', 'log']);
      return { path: spoiled.join('/'), tag: `odd segment ${spoiled[at]}` };
    }
    default: return { path: `${base}${rng.pick(['/', '//', '/status', '/scale', '/finalize', '/proxy', '/log', '/exec', '/attach', '/portforward', '/binding', '/eviction', '/ephemeralcontainers', '/resize'])}`, tag: 'subresource or trailing slash' };
  }
}
