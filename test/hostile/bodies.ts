/**
 * Hostile request bodies: valid objects in JSON, YAML and protobuf, and every
 * way to spoil them (truncation, deep nesting, oversize, wrong types, invalid
 * UTF-8, protobuf garbage, YAML alias bombs, empty and non-object bodies).
 */
import { stringify as toYaml } from 'yaml';
import { encodeKubernetesProtobuf } from '../../src/api/protobuf/index.js';
import type { Rng } from './rng.js';
import type { HostileKind } from './fixtures.js';

export const JSON_TYPE = 'application/json';
export const YAML_TYPE = 'application/yaml';
export const PROTOBUF_TYPE = 'application/vnd.kubernetes.protobuf';

/** Upstream's limit on request bodies. */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;
/** Upstream's (Go encoding/json's) limit on nesting depth. */
export const MAX_DEPTH = 10000;

export interface HostileBody {
  bytes: Buffer;
  contentType: string | undefined;
  /** What was done to the body, for the failure report. */
  tag: string;
  /** The body holds a field of the wrong JSON type. */
  wrongType?: boolean;
  /** The only codes the body alone may be answered with, when the rest of the request is valid. */
  expect?: readonly number[];
  /** The metadata.resourceVersion the body sets, if any. */
  resourceVersion?: string;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const text = (s: string): Buffer => Buffer.from(s, 'utf8');

export function jsonBody(obj: unknown, tag = 'json'): HostileBody {
  return { bytes: text(JSON.stringify(obj)), contentType: JSON_TYPE, tag };
}

/** A valid whole object in one of the formats the server decodes. */
export function validBody(rng: Rng, k: HostileKind, obj: Record<string, unknown>): HostileBody {
  const r = rng.int(10);
  if (r < 2) return { bytes: text(toYaml(obj)), contentType: YAML_TYPE, tag: 'yaml' };
  if (r < 4 && k.protobuf) return { bytes: Buffer.from(encodeKubernetesProtobuf(obj)), contentType: PROTOBUF_TYPE, tag: 'protobuf' };
  return jsonBody(obj);
}

/** Every [path, value] in a JSON value, the root included. */
function walk(v: Json, path: (string | number)[] = [], out: [(string | number)[], Json][] = []): [(string | number)[], Json][] {
  out.push([path, v]);
  if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i], out));
  else if (v !== null && typeof v === 'object') for (const [key, x] of Object.entries(v)) walk(x, [...path, key], out);
  return out;
}

function setAt(root: Json, path: (string | number)[], value: Json): Json {
  if (path.length === 0) return value;
  let cur = root as Record<string | number, Json>;
  for (const p of path.slice(0, -1)) cur = cur[p] as Record<string | number, Json>;
  cur[path[path.length - 1]] = value;
  return root;
}

function typeOf(v: Json): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

const WRONG_VALUES: Json[] = ['nope', '', 42, -1, 1.5, 1e308, true, false, null, [], ['x'], [1, [2]], {}, { k: 'v' }, { nested: { deeper: [null] } }];

/** `obj` with one field (at any level) replaced by a value of another JSON type. */
export function wrongTypeVariant(rng: Rng, obj: Record<string, unknown>): { value: Record<string, unknown>; field: string } {
  const copy = structuredClone(obj) as Json;
  const paths = walk(copy).filter(([p]) => p.length > 0);
  const [path, old] = rng.pick(paths);
  const choices = WRONG_VALUES.filter((w) => typeOf(w) !== typeOf(old));
  setAt(copy, path, structuredClone(rng.pick(choices)));
  return { value: copy as Record<string, unknown>, field: path.join('.') };
}

/** JSON nested `depth` levels deep, as arrays or objects. */
export function deepJson(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array' ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

/** The YAML "billion laughs": nine levels of aliases, each ten times the one before. */
export function billionLaughs(): string {
  const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  const names = 'abcdefghi';
  for (let i = 1; i < names.length; i++) {
    const prev = names[i - 1];
    lines.push(`${names[i]}: &${names[i]} [${Array(9).fill(`*${prev}`).join(',')}]`);
  }
  return lines.join('\n') + '\n';
}

/** The ways hostileBody() spoils a body; a name twice is drawn twice as often. */
export const SPOILERS = [
  'truncated-json', 'truncated-yaml', 'deep-array', 'deep-object', 'oversize', 'wrong-type', 'wrong-type', 'wrong-type',
  'invalid-utf8', 'lone-surrogates', 'protobuf-garbage', 'billion-laughs', 'yaml-anchor', 'empty', 'not-an-object',
  'proto-keys', 'unknown-content-type', 'no-content-type', 'odd-content-type', 'random-bytes', 'odd-numbers', 'system-fields',
] as const;
export type Spoiler = typeof SPOILERS[number];

/**
 * Spoilers a whole-object write is always refused for. (A wrong type ought to
 * be too, but until the type check lands some, such as a number for a label,
 * are still stored.)
 */
export const REFUSED_SPOILERS: readonly Spoiler[] = ['truncated-json', 'deep-array', 'oversize', 'empty', 'not-an-object', 'unknown-content-type'];

/** A body that spoils `obj` in one of the ways `from` names; `obj` stays as it was. */
export function hostileBody(rng: Rng, k: HostileKind, obj: Record<string, unknown>, from: readonly Spoiler[] = SPOILERS): HostileBody {
  const json = JSON.stringify(obj);
  const spoiler: Spoiler = rng.pick(from);
  switch (spoiler) {
    case 'truncated-json': return { bytes: text(json.slice(0, rng.int(json.length))), contentType: JSON_TYPE, tag: 'truncated-json', expect: [400] };
    case 'truncated-yaml': {
      const y = toYaml(obj);
      // Cut YAML is often still YAML, with a field of the wrong type where the cut fell.
      return { bytes: text(y.slice(0, rng.int(y.length))), contentType: YAML_TYPE, tag: 'truncated-yaml', wrongType: true };
    }
    case 'deep-array': {
      const depth = rng.pick([100, 1000, MAX_DEPTH - 1, MAX_DEPTH + 1, 100_000]);
      return { bytes: text(deepJson(depth, 'array')), contentType: JSON_TYPE, tag: `deep-array-${depth}`, expect: [400] };
    }
    case 'deep-object': {
      const depth = rng.pick([100, 500, 600, 1000, 5000, MAX_DEPTH + 1, 100_000]);
      // Deep nesting inside an unknown field of an otherwise valid object: dropped (or refused), never a crash.
      const host = k.kind === 'Widget' ? 'extra' : 'zzzUnknown';
      const inner = json.replace(/"spec":\{|"data":\{|"metadata":\{/, (m) => `${m}"${host}":${deepJson(depth, 'object')},`);
      return { bytes: text(inner), contentType: rng.pick([JSON_TYPE, YAML_TYPE]), tag: `deep-object-${depth}` };
    }
    case 'oversize': {
      const pad = 'x'.repeat(MAX_BODY_BYTES + 1 + rng.int(1024));
      const big = { ...obj, metadata: { ...(obj.metadata as object), annotations: { big: pad } } };
      return { bytes: text(JSON.stringify(big)), contentType: JSON_TYPE, tag: 'oversize', expect: [413] };
    }
    case 'wrong-type': {
      // Protobuf cannot carry a wrong type: the schema decides each field's type.
      const w = wrongTypeVariant(rng, obj);
      const yaml = rng.chance(0.3);
      return { bytes: text(yaml ? toYaml(w.value) : JSON.stringify(w.value)), contentType: yaml ? YAML_TYPE : JSON_TYPE, tag: `wrong-type ${w.field}`, wrongType: true };
    }
    case 'invalid-utf8': {
      // Invalid UTF-8 bytes inside a string value.
      const bad = rng.pick([Buffer.from([0xff, 0xfe]), Buffer.from([0xc0, 0xaf]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xe2, 0x82])]);
      const i = json.indexOf('"hostile"');
      const at = i < 0 ? 1 : i + 1;
      return { bytes: Buffer.concat([text(json.slice(0, at)), bad, text(json.slice(at))]), contentType: rng.pick([JSON_TYPE, YAML_TYPE]), tag: 'invalid-utf8' };
    }
    case 'lone-surrogates': return { bytes: text(json.replace('"hostile"', '"\\ud800\\udfff\\ud800"')), contentType: JSON_TYPE, tag: 'lone-surrogates' };
    case 'protobuf-garbage': return protobufGarbage(rng, k, obj);
    case 'billion-laughs': return { bytes: text(billionLaughs()), contentType: rng.pick([YAML_TYPE, 'application/apply-patch+yaml']), tag: 'billion-laughs' };
    case 'yaml-anchor': {
      const y = `base: &b\n  app: hostile\n${toYaml({ ...obj, metadata: { ...(obj.metadata as object), labels: '*b' } }).replace("'*b'", '*b').replace('"*b"', '*b')}`;
      return { bytes: text(y), contentType: YAML_TYPE, tag: 'yaml-anchor' };
    }
    case 'empty': return { bytes: text(rng.pick(['', ' ', '\n\n', '\t'])), contentType: rng.pick([JSON_TYPE, YAML_TYPE, PROTOBUF_TYPE]), tag: 'empty', expect: [400] };
    case 'not-an-object': {
      const v = rng.pick(['[]', 'null', '42', '"str"', 'true', '[{}]', '-0', '1e999']);
      return { bytes: text(v), contentType: rng.pick([JSON_TYPE, YAML_TYPE]), tag: `not-an-object ${v}`, expect: [400] };
    }
    case 'proto-keys': {
      const hostile = rng.pick([
        '{"__proto__":{"polluted":true},"metadata":{"name":"p"}}',
        `${json.slice(0, -1)},"__proto__":{"isAdmin":true},"constructor":{"prototype":{"x":1}}}`,
        `${json.slice(0, -1)},"metadata":{"name":"dup"}}`,
        json.replace('{', '{"apiVersion":7,"kind":["x"],'),
      ]);
      return { bytes: text(hostile), contentType: JSON_TYPE, tag: 'proto-keys-or-duplicates' };
    }
    case 'unknown-content-type': return { bytes: text(json), contentType: rng.pick(['text/plain', 'application/xml', 'image/png', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', ';;;', 'application/', 'application/cbor']), tag: 'unknown-content-type', expect: [415] };
    case 'no-content-type': return { bytes: text(json), contentType: undefined, tag: 'no-content-type' };
    case 'odd-content-type': return { bytes: text(json), contentType: rng.pick(['application/json; charset=utf-16', 'APPLICATION/JSON', 'application/json;;', 'application/json; foo']), tag: 'odd-content-type' };
    case 'random-bytes': return { bytes: rng.bytes(1 + rng.int(512)), contentType: rng.pick([JSON_TYPE, YAML_TYPE, 'application/merge-patch+json']), tag: 'random-bytes' };
    case 'odd-numbers': {
      const numbers = json.replace(/:(\d+)/g, () => `:${rng.pick(['1e400', '-1e400', '9999999999999999999999', '0.0000001', '-0', '1.5'])}`);
      return { bytes: text(numbers), contentType: JSON_TYPE, tag: 'odd-numbers', wrongType: true };
    }
    case 'system-fields': {
      // Fields the server sets itself, sent anyway; as the right types, then (sometimes) as wrong ones.
      const resourceVersion = rng.pick(['1', 'abc', '-1', '0', '999999999']);
      const typed = rng.chance(0.5);
      const fields = {
        ...obj, spec: { ...(obj.spec as object ?? {}), zzUnknown: 1 }, status: { phase: 'Running' },
        metadata: {
          ...(obj.metadata as object), resourceVersion, uid: 'x', generation: 7, selfLink: '/x', deletionTimestamp: '2020-01-01T00:00:00Z',
          creationTimestamp: typed ? '2020-01-01T00:00:00Z' : rng.pick(['yesterday', 12]),
          managedFields: typed ? [] : rng.pick(['x', [{ manager: 7 }]]),
        },
      };
      return { ...jsonBody(fields), tag: `system-fields${typed ? '' : ' (wrong types)'}`, wrongType: !typed, resourceVersion };
    }
  }
}

function protobufGarbage(rng: Rng, k: HostileKind, obj: Record<string, unknown>): HostileBody {
  const magic = Buffer.from([0x6b, 0x38, 0x73, 0x00]);
  const valid = k.protobuf ? Buffer.from(encodeKubernetesProtobuf(obj)) : Buffer.concat([magic, rng.bytes(64)]);
  const pick = rng.int(7);
  let bytes: Buffer;
  let tag: string;
  switch (pick) {
    case 0: bytes = Buffer.concat([magic, rng.bytes(rng.int(300))]); tag = 'pb-random-after-magic'; break;
    case 1: bytes = magic.subarray(0, rng.int(5)); tag = 'pb-short-magic'; break;
    case 2: bytes = valid.subarray(0, 4 + rng.int(Math.max(1, valid.length - 4))); tag = 'pb-truncated'; break;
    case 3: {
      bytes = Buffer.from(valid);
      for (let i = 0; i < 1 + rng.int(8); i++) bytes[4 + rng.int(bytes.length - 4)] = rng.int(256);
      tag = 'pb-flipped';
      break;
    }
    case 4: bytes = Buffer.from(JSON.stringify(obj)); tag = 'pb-json-inside'; break;
    case 5: {
      // A length prefix far larger than the body.
      bytes = Buffer.concat([magic, Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]), rng.bytes(16)]);
      tag = 'pb-huge-length';
      break;
    }
    default: {
      // A well-formed envelope naming another kind.
      const other = rng.pick<Record<string, unknown>>([
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } },
        { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'other' }, target: { kind: 'Node', name: 'n' } },
        { apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: 1 },
        { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'other' } },
      ]);
      bytes = Buffer.from(encodeKubernetesProtobuf(other));
      tag = `pb-other-kind ${String(other.kind)}`;
    }
  }
  return { bytes, contentType: PROTOBUF_TYPE, tag };
}
