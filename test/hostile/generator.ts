/**
 * The hostile request generator: from a seed, a stream of requests over every
 * verb, content type, path form, query parameter and body the suite knows how
 * to spoil, each carrying what the checker needs to judge its reply.
 */
import { Rng } from './rng.js';
import {
  CLUSTER_PREFIX, KEEP_NAMESPACE, KEEP_SEEDS, KINDS, NAMESPACES, SEEDS_PER_KIND, collectionPath, groupVersionPath, keepName, seedName, type HostileKind,
} from './fixtures.js';
import { REFUSED_SPOILERS, hostileBody, jsonBody, validBody, type HostileBody } from './bodies.js';
import { patchBody, refusedPatchBody } from './patches.js';
import { hostilePath } from './paths.js';
import { encodeQuery, hostileQuery } from './queries.js';
import { addressedKey, serverPathname } from './addressed.js';

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection' | 'odd';

export interface HostileRequest {
  id: number;
  method: string;
  /** The request target exactly as sent (origin-form, or absolute-form). */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  anonymous: boolean;
  verb: Verb;
  /** What the case is made of, for the failure report. */
  tags: string[];
  /** When set, the only codes the reply may have. */
  expect?: readonly number[];
  /** The body holds a field of the wrong JSON type. */
  wrongType: boolean;
  /** The query names a resourceVersion newer than the store's. */
  futureResourceVersion: boolean;
  /** The reply may be a stream the client cuts short (a watch). */
  mayStream: boolean;
  /** A create (POST or apply) of a name no other request uses: after a 4xx it must not exist. */
  creates?: { getPath: string };
  /** What a successful reply may have changed, as addressedKey() names it. */
  touches?: string;
}

const ODD_METHODS = ['OPTIONS', 'TRACE', 'HEAD', 'PROPFIND', 'MKCOL', 'LOCK', 'PURGE', 'SEARCH', 'REPORT', 'LINK', 'UNLINK'];

const ACCEPTS = ['application/yaml', 'application/vnd.kubernetes.protobuf', 'application/json;as=Table;v=v1;g=meta.k8s.io',
  'application/json;as=Table;v=v1;g=meta.k8s.io,application/json', 'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io',
  'application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io', '*/*', 'application/*', 'application/json;as=Junk;v=v9;g=x', ';', ',,,',
  'application/vnd.kubernetes.protobuf;as=Table;v=v1;g=meta.k8s.io', 'application/json;stream=watch', 'application/cbor', 'text/html', 'application/xml'];
const UNACCEPTABLE = new Set(['text/html', 'application/xml', 'application/cbor', 'application/json;as=Junk;v=v9;g=x', 'application/vnd.kubernetes.protobuf;as=Table;v=v1;g=meta.k8s.io']);

/** An Accept the server answers 406 for, whatever the verb: nothing it offers, or protobuf for a kind without that form. */
function unacceptable(accept: string, k: HostileKind): boolean {
  return UNACCEPTABLE.has(accept) || (accept === 'application/vnd.kubernetes.protobuf' && !k.protobuf);
}

const ODD_NAMES = ['UPPER', 'a'.repeat(300), '..', '.', '%2e%2e', 'a%20b', 'a%2Fb', '%E2%98%83', '-leading', 'trailing-', 'a_b', '0', 'x.y.z', '%00', 'a%3Fb%23c'];

const VERB_WEIGHTS: [Verb, number][] = [['get', 12], ['list', 12], ['watch', 7], ['create', 20], ['update', 12], ['patch', 18], ['delete', 7], ['deletecollection', 4], ['odd', 4]];

function pickVerb(rng: Rng): Verb {
  let r = rng.int(VERB_WEIGHTS.reduce((s, [, w]) => s + w, 0));
  for (const [v, w] of VERB_WEIGHTS) {
    if (r < w) return v;
    r -= w;
  }
  return 'get';
}

function methodOf(verb: Verb, rng: Rng): string {
  switch (verb) {
    case 'get': case 'list': case 'watch': return rng.chance(0.1) ? 'HEAD' : 'GET';
    case 'create': return 'POST';
    case 'update': return 'PUT';
    case 'patch': return 'PATCH';
    case 'delete': case 'deletecollection': return 'DELETE';
    default: return rng.pick(ODD_METHODS);
  }
}

function deleteOptionsBody(rng: Rng, k: HostileKind): HostileBody | undefined {
  switch (rng.int(6)) {
    case 0: case 1: return undefined;
    case 2: return jsonBody({ kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: rng.pick(['Background', 'Foreground', 'Orphan', 'junk', 7]), gracePeriodSeconds: rng.pick([0, 1, -1, 'x', 1e30, 9007199254740991]) }, 'delete options');
    case 3: return jsonBody({ preconditions: { uid: rng.pick(['x', '', 5]), resourceVersion: rng.pick(['1', 'abc', null]) }, dryRun: rng.pick([['All'], ['junk'], 'All', 1]) }, 'delete preconditions');
    case 4: return jsonBody(rng.pick([[], 'x', 42, null, { orphanDependents: 'yes' }, { kind: 'Pod' }]), 'delete options junk');
    default: return hostileBody(rng, k, k.sample('x'));
  }
}

/** Makes the requests of one run; the same seed always gives the same requests. */
export class HostileGenerator {
  private readonly rng: Rng;
  private next = 0;

  /** `origin` is `https://host:port`, for absolute-form targets; `revision` is roughly the store's revision at the start. */
  constructor(seed: number, private readonly origin: string, private readonly revision: () => number) {
    this.rng = new Rng(seed);
  }

  request(): HostileRequest {
    const id = this.next++;
    const rng = this.rng.fork();
    const k = rng.pick(KINDS);
    // Now and then a hostile write to an object only such writes aim at: see KEEP_NAMESPACE.
    const keep = k.namespaced && rng.chance(0.05);
    const verb: Verb = keep ? rng.pick(['update', 'patch'] as const) : pickVerb(rng);
    const ns = keep ? KEEP_NAMESPACE : k.namespaced ? (rng.chance(0.08) ? '' : rng.pick(NAMESPACES)) : '';
    const tags: string[] = [`${verb} ${k.plural}`];
    const expects: (readonly number[])[] = [];
    let wrongType = false;

    // The target object: a seed, a name nobody else uses, or an odd one.
    const fresh = k.namespaced ? `h${id}-${rng.word(4)}` : `${CLUSTER_PREFIX}h${id}`;
    const r = rng.int(10);
    const name = keep ? keepName(rng.int(KEEP_SEEDS)) : r < 6 ? seedName(k, rng.int(SEEDS_PER_KIND)) : r < 8 ? fresh : rng.pick(ODD_NAMES);
    const collection = k.namespaced && ns === '' ? `${groupVersionPath(k)}/${k.plural}` : collectionPath(k, ns);
    let sub = '';
    if (rng.chance(0.12) && ['get', 'update', 'patch', 'create', 'odd'].includes(verb)) sub = rng.pick([...k.subresources, 'status', 'scale', 'nope']);
    const itemPath = `${collection}/${name}${sub ? `/${sub}` : ''}`;
    let path = ['list', 'watch', 'deletecollection'].includes(verb) || (verb === 'create' && !sub) ? collection : itemPath;
    if (verb === 'create' && sub) path = itemPath;

    // The body.
    const obj = k.sample(verb === 'create' ? fresh : name);
    if (k.namespaced && ns && rng.chance(0.1)) (obj.metadata as Record<string, unknown>).namespace = rng.pick(['hostile-b', 'hostile-a', 'nowhere', '']);
    let body: HostileBody | undefined;
    if (keep) body = verb === 'patch' ? refusedPatchBody(rng) : hostileBody(rng, k, obj, REFUSED_SPOILERS);
    else if (verb === 'create' || verb === 'update') body = rng.chance(0.5) ? validBody(rng, k, obj) : hostileBody(rng, k, obj);
    else if (verb === 'patch') body = rng.chance(0.85) ? patchBody(rng, k, obj) : hostileBody(rng, k, obj);
    else if (verb === 'delete' || verb === 'deletecollection') body = deleteOptionsBody(rng, k);
    else if (rng.chance(0.1)) body = hostileBody(rng, k, obj);
    if (body) {
      tags.push(body.tag);
      wrongType = body.wrongType === true;
      if (body.expect && ['create', 'update'].includes(verb) && !sub && r < 8) expects.push(body.expect);
    }

    // The query.
    const query = verb === 'watch' || rng.chance(0.5) ? hostileQuery(rng, verb, this.revision()) : undefined;
    const params = query?.params ?? [];
    if (query) {
      tags.push(...query.tags);
      // dryRun is checked before the body is read, so a junk value decides the reply of a write to a known object.
      if (query.expect && ['create', 'update', 'patch'].includes(verb) && !sub && r < 8) expects.push(query.expect);
    }
    if (body?.contentType === 'application/apply-patch+yaml' && rng.chance(0.8)) params.push(['fieldManager', 'hostile']);
    if (verb === 'watch' && rng.chance(0.5)) params.unshift(['watch', 'true']);
    if (verb === 'watch' && !params.some(([p]) => p === 'watch')) path = path.replace(/^(\/apis?\/(?:[^/]+\/)?v1)\//, '$1/watch/');

    // Headers.
    const headers: Record<string, string> = {};
    const accept = rng.chance(0.2) ? rng.pick(ACCEPTS) : undefined;
    if (accept) {
      headers.Accept = accept;
      tags.push(`accept ${accept}`);
      if (unacceptable(accept, k) && ['get', 'list'].includes(verb) && !sub && r < 8) expects.push([406]);
    }
    if (body?.contentType) headers['Content-Type'] = body.contentType;
    if (body && rng.chance(0.15)) headers['Transfer-Encoding'] = 'chunked';
    if (rng.chance(0.03)) headers['Content-Encoding'] = rng.pick(['gzip', 'br', 'junk']);
    if (rng.chance(0.01)) {
      // Long header values, well inside the 1 MiB upstream accepts.
      headers.Accept = `${headers.Accept ?? 'application/json'};${'a=b;'.repeat(10_000)}`;
      if (body?.contentType) headers['Content-Type'] = `${body.contentType};${'x=y;'.repeat(10_000)}`;
      tags.push('long headers');
    }

    // Sometimes the path itself is the attack.
    let pathTag: ReturnType<typeof hostilePath> | undefined;
    if (rng.chance(0.15)) {
      pathTag = hostilePath(rng, path, this.origin);
      path = pathTag.path;
      tags.push(pathTag.tag);
      if (pathTag.expect) expects.push(pathTag.expect);
    }
    const method = methodOf(verb, rng);
    // A spoiled path, or a collection outside the suite's namespaces, could reach objects the suite does not
    // own: deletes there are kept to the objects it labelled.
    if (method === 'DELETE' && (pathTag || verb === 'deletecollection' && (!k.namespaced || ns === ''))) {
      params.unshift(['labelSelector', 'app=hostile']);
    }
    path += encodeQuery(rng, params);

    const anonymous = rng.chance(0.2);
    // Where several parts of a request are each enough to refuse it, any of their codes may come first;
    // a spoiled path decides alone.
    if (expects.length > 0 && k.namespaced && ns === '' && (verb === 'create' || verb === 'deletecollection')) expects.push([405]);
    if (expects.length > 0 && accept && unacceptable(accept, k)) expects.push([406]);
    if (expects.length > 0 && query && ['create', 'update', 'patch'].includes(verb)) expects.push(query.refusesWrites);
    let expect: readonly number[] | undefined = pathTag ? pathTag.expect : expects.length > 0 ? [...new Set(expects.flat())] : undefined;
    // A method no resource route serves is refused once the resource is known, whatever the rest of the path.
    if (expect && verb === 'odd') expect = [...expect, 405];
    if (anonymous) {
      const publicPath = /^\/(healthz|livez|readyz|version)$/.test(serverPathname(path));
      expect = publicPath ? undefined : pathTag?.malformedUrl ? [400, 401] : [401];
      tags.push('anonymous');
    } else if (pathTag?.malformedUrl) {
      expect = [400];
    }
    if (method === 'HEAD') tags.push('HEAD');

    const isWatch = verb === 'watch' || params.some(([p, v]) => p === 'watch' && (v === 'true' || v === '1')) || path.includes('/watch/');
    const mutating = ['POST', 'PUT', 'PATCH', 'DELETE'].includes(method);
    const createsFresh = !pathTag && !sub && (!k.namespaced || ns !== '') && (verb === 'create' || (verb === 'patch' && name === fresh));
    const touches = mutating ? addressedKey(method, path) : '';
    return {
      id, method, path, headers, anonymous, verb, tags, expect, wrongType,
      futureResourceVersion: query?.futureResourceVersion ?? false,
      mayStream: isWatch,
      ...(body ? { body: body.bytes } : {}),
      ...(createsFresh ? { creates: { getPath: `${collection}/${fresh}` } } : {}),
      ...(touches ? { touches } : {}),
    };
  }
}
