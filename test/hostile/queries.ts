/**
 * Hostile query parameters: selectors (malformed, huge, unknown fields),
 * resourceVersion, paging, watch parameters, dryRun, fieldValidation and the
 * delete options, each drawn from valid, odd and junk values.
 */
import type { Rng } from './rng.js';

export interface HostileQuery {
  params: [string, string][];
  tags: string[];
  /** The query names a resourceVersion newer than the store's, which upstream answers with 504 Timeout. */
  futureResourceVersion: boolean;
  /** The only codes the query alone may be answered with, when the rest of the request is valid. */
  expect?: readonly number[];
  /** Codes a write may get from the query before its body is looked at (a junk dryRun or fieldValidation). */
  refusesWrites: readonly number[];
}

const LABEL_SELECTORS = ['app=hostile', 'app!=x', 'app in (hostile,web)', 'app notin (x)', 'app', '!app', 'tier,app=hostile',
  'a in (', 'a in ()', '=x', 'app==', '!', 'a,,b', 'a=b=c', '(', 'a notin', 'A_B-C.d/e=f', 'x/y/z=1', 'a=' + 'v'.repeat(64),
  'a in (' + Array.from({ length: 2000 }, (_, i) => `v${i}`).join(',') + ')', 'a>1', 'a<', 'a>x', 'a gt 1', '\u0000', 'app=hostile,' + 'k=v,'.repeat(500) + 'z',
  '%', 'a=%zz', '😀=1'];

const FIELD_SELECTORS = ['metadata.name=seed-0', 'metadata.name!=seed-0', 'metadata.namespace=hostile-a', 'metadata.name==x', 'spec.nodeName=n1',
  'status.phase=Running', 'spec.foo=bar', 'nope', '=x', 'metadata.name', 'metadata.name=a,metadata.name=b', 'metadata.name in (a)',
  'metadata.name=' + 'x'.repeat(10_000), 'metadata.name=a\\,b', 'metadata.name=a\\', 'type=Opaque', 'involvedObject.kind=Pod', ',', 'metadata.name=~x'];

const RESOURCE_VERSIONS = ['0', '1', '', 'abc', '-1', '-0', '1.5', '0x10', '1e3', '18446744073709551616', '9007199254740993', ' 1', '1 ', '01'];

function oneOf(rng: Rng, name: string, values: readonly string[]): [string, string] {
  return [name, rng.pick(values)];
}

/** A query for `verb`; `watch` adds the watch parameters (timeoutSeconds always present and short). */
export function hostileQuery(rng: Rng, verb: string, currentRevision: number): HostileQuery {
  const params: [string, string][] = [];
  const tags: string[] = [];
  let future = false;
  let expect: number[] | undefined;
  const n = rng.int(4);
  for (let i = 0; i < n; i++) {
    switch (rng.int(13)) {
      case 0: params.push(oneOf(rng, 'labelSelector', LABEL_SELECTORS)); tags.push('labelSelector'); break;
      case 1: params.push(oneOf(rng, 'fieldSelector', FIELD_SELECTORS)); tags.push('fieldSelector'); break;
      case 2: {
        const rv = rng.chance(0.25) ? String(currentRevision + 1000 + rng.int(1_000_000)) : rng.pick(RESOURCE_VERSIONS);
        if (/^\d+$/.test(rv) && Number(rv) > currentRevision) future = true;
        params.push(['resourceVersion', rv]);
        if (rng.chance(0.5)) params.push(oneOf(rng, 'resourceVersionMatch', ['NotOlderThan', 'Exact', 'junk', '']));
        tags.push('resourceVersion');
        break;
      }
      case 3: params.push(oneOf(rng, 'limit', ['1', '2', '0', '-1', '-9999999999', 'abc', '1.5', '99999999999999999999', ''])); tags.push('limit'); break;
      case 4: {
        const token = rng.pick([
          'abc', '', '=', '%%%', Buffer.from(rng.bytes(24)).toString('base64'),
          Buffer.from('{"v":"meta.k8s.io/v1","rv":1,"start":"seed-0"}').toString('base64'),
          Buffer.from('{"v":"meta.k8s.io/v1","rv":-5,"start":"../../x"}').toString('base64'),
          Buffer.from('{"v":"meta.k8s.io/v1","rv":1e400,"start":{}}').toString('base64'),
          Buffer.from('{"v":"meta.k8s.io/v1","rv":99999999,"start":"z"}').toString('base64url'),
          Buffer.from('[1,2,3]').toString('base64'), Buffer.from('null').toString('base64'),
          'A'.repeat(5000),
        ]);
        params.push(['continue', token]);
        if (rng.chance(0.5)) params.push(['limit', '1']);
        tags.push('continue');
        break;
      }
      case 5: params.push(oneOf(rng, 'dryRun', ['All', 'all', 'junk', '', 'All,All'])); tags.push('dryRun'); break;
      case 6: params.push(oneOf(rng, 'fieldValidation', ['Strict', 'Warn', 'Ignore', 'strict', 'junk', ''])); tags.push('fieldValidation'); break;
      case 7: params.push(oneOf(rng, 'gracePeriodSeconds', ['0', '1', '30', '-1', '-100', 'abc', '1.5', '99999999999999999999', '9007199254740991', '86400000000'])); tags.push('gracePeriodSeconds'); break;
      case 8: params.push(oneOf(rng, 'propagationPolicy', ['Orphan', 'Background', 'Foreground', 'junk', '', 'orphan'])); tags.push('propagationPolicy'); break;
      case 9: params.push(oneOf(rng, 'fieldManager', ['hostile', '', 'x'.repeat(200), '\u0001', 'kubectl-client-side-apply'])); tags.push('fieldManager'); break;
      case 10: params.push(oneOf(rng, 'force', ['true', 'false', 'junk'])); tags.push('force'); break;
      case 11: params.push(oneOf(rng, 'pretty', ['true', 'junk'])); params.push(oneOf(rng, 'includeObject', ['None', 'Metadata', 'Object', 'junk'])); tags.push('pretty/includeObject'); break;
      default: params.push([rng.pick(['watch', 'allowWatchBookmarks', 'sendInitialEvents', 'orphanDependents', 'resourceVersionMatch']), rng.pick(['true', 'false', '1', '0', 'junk', ''])]); tags.push('boolean junk'); break;
    }
  }
  if (verb === 'watch') {
    params.push(['timeoutSeconds', rng.pick(['1', '1', '1', '2', '0', '-1', 'abc', '', '1.5', '99999999999999999999', '9007199254740991'])]);
    if (rng.chance(0.5)) params.push(['allowWatchBookmarks', rng.pick(['true', 'false', 'junk'])]);
    if (rng.chance(0.4)) {
      params.push(['sendInitialEvents', rng.pick(['true', 'false', 'junk'])]);
      if (rng.chance(0.6)) params.push(['resourceVersionMatch', rng.pick(['NotOlderThan', 'Exact', 'junk'])]);
      if (rng.chance(0.5)) params.push(['resourceVersion', rng.pick(['', '0', '1'])]);
    }
    tags.push('watch params');
  }
  // Upstream answers a junk dryRun with 422 (ValidateCreateOptions); k8ts with 400.
  if (params.length === 1 && params[0][0] === 'dryRun' && params[0][1] !== 'All') expect = [400, 422];
  const junkDryRun = params.some(([p, v]) => p === 'dryRun' && v !== 'All');
  const junkValidation = params.some(([p, v]) => p === 'fieldValidation' && !['Strict', 'Warn', 'Ignore', ''].includes(v));
  const refusesWrites = [...(junkDryRun ? [400, 422] : []), ...(junkValidation ? [400] : [])];
  return { params, tags, futureResourceVersion: future, expect, refusesWrites };
}

/** Query text with the parameters in order; a few values are left unencoded on purpose. */
export function encodeQuery(rng: Rng, params: [string, string][]): string {
  if (params.length === 0) return '';
  const enc = (s: string): string => (rng.chance(0.1) && /^[\x21-\x7e]*$/.test(s) && !/[#?]/.test(s) ? s : encodeURIComponent(s));
  return '?' + params.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&');
}
