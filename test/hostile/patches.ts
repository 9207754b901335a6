/**
 * PATCH bodies of the four kinds (JSON patch, merge patch, strategic merge
 * patch, server-side apply), valid and hostile: bad operations and pointers,
 * copy bombs, directives, wrong types, and apply configurations that name
 * another object.
 */
import { stringify as toYaml } from 'yaml';
import type { Rng } from './rng.js';
import type { HostileBody } from './bodies.js';
import { MAX_BODY_BYTES, deepJson, wrongTypeVariant } from './bodies.js';
import type { HostileKind } from './fixtures.js';

export const JSON_PATCH = 'application/json-patch+json';
export const MERGE_PATCH = 'application/merge-patch+json';
export const STRATEGIC_PATCH = 'application/strategic-merge-patch+json';
export const APPLY_PATCH = 'application/apply-patch+yaml';

const text = (s: unknown): Buffer => Buffer.from(typeof s === 'string' ? s : JSON.stringify(s), 'utf8');

const POINTERS = ['/metadata/labels/x', '/metadata/labels', '/metadata/annotations/a~1b', '/metadata/name', '/metadata/uid', '/metadata/resourceVersion',
  '/spec', '/spec/replicas', '/spec/containers/0/image', '/spec/containers/-', '/spec/containers/99', '/spec/containers/-1',
  '/data/a', '/data', '/', '', 'no-slash', '/__proto__/polluted', '/constructor/prototype/x', '/spec/template/spec/containers/0/ports/0/containerPort',
  '/metadata/finalizers/-', '/metadata/ownerReferences', '/spec/tags/0', '/status', '/kind', '/apiVersion'];

const VALUES: unknown[] = ['x', 1, -1, true, null, [], {}, { a: { b: [1, 2] } }, 'busybox:2', [{ name: 'c2', image: 'i' }], ['example.com/f']];

function jsonPatch(rng: Rng): { ops: unknown; tag: string; wrongType?: boolean } {
  switch (rng.int(9)) {
    case 0: {
      // Every copy doubles the array it copies into itself.
      const ops: unknown[] = [{ op: 'add', path: '/metadata/annotations', value: { seed: 'x'.repeat(1024) } },
        { op: 'add', path: '/metadata/labels', value: { bomb: 'a' } }, { op: 'add', path: '/bomb', value: ['x'.repeat(1024)] }];
      for (let i = 0; i < 40; i++) ops.push({ op: 'copy', from: '/bomb', path: '/bomb/-' });
      return { ops, tag: 'json-patch copy bomb' };
    }
    case 1: return { ops: Array.from({ length: 10001 }, () => ({ op: 'test', path: '/metadata/name', value: 'x' })), tag: 'json-patch 10001 ops' };
    case 2: return { ops: rng.pick([{}, 'x', 1, null, [1, 2], [[]], [null], [{ op: 1 }]]), tag: 'json-patch not a list of ops' };
    case 3: return { ops: [{ op: 'move', from: '/metadata', path: '/metadata/labels/inner' }], tag: 'json-patch move into own child' };
    case 4: {
      // Each add reaches to the bottom of the one before: the object nests far deeper than the patch.
      const steps = 1 + rng.int(12);
      const level = 400;
      const ops: string[] = [];
      let path = '/zzDeep';
      for (let i = 0; i < steps; i++) {
        ops.push(`{"op":"add","path":"${path}","value":${deepJson(level, 'object')}}`);
        path += `${'/a'.repeat(level - 1)}/b`;
      }
      if (rng.chance(0.3)) ops.push('{"op":"copy","from":"/zzDeep","path":"/zzCopy"}');
      return { ops: `[${ops.join(',')}]`, tag: `json-patch nested ${steps * level} deep through its paths` };
    }
    default: {
      const n = 1 + rng.int(4);
      const ops = Array.from({ length: n }, () => {
        const op = rng.pick(['add', 'remove', 'replace', 'move', 'copy', 'test', 'frobnicate', '']);
        const o: Record<string, unknown> = { op, path: rng.pick(POINTERS) };
        if (rng.chance(0.8)) o.value = structuredClone(rng.pick(VALUES));
        if (op === 'move' || op === 'copy' || rng.chance(0.1)) o.from = rng.pick(POINTERS);
        return o;
      });
      return { ops, tag: 'json-patch ops', wrongType: true };
    }
  }
}

/** A merge patch that sets one field of `obj` (at any level) to a value of another JSON type. */
function wrongTypePatch(rng: Rng, obj: Record<string, unknown>): { patch: unknown; tag: string; wrongType: true } {
  const w = wrongTypeVariant(rng, obj);
  const { metadata: _m, apiVersion: _a, kind: _k, ...rest } = w.value;
  return { patch: w.field.startsWith('metadata') ? { metadata: w.value.metadata } : rest, tag: `wrong-type ${w.field}`, wrongType: true };
}

function mergeLike(rng: Rng, k: HostileKind, obj: Record<string, unknown>, strategic: boolean): { patch: unknown; tag: string; wrongType?: boolean } {
  switch (rng.int(7)) {
    case 0: return { patch: { metadata: { labels: { patched: rng.word(5) } } }, tag: 'labels' };
    case 1: return wrongTypePatch(rng, obj);
    case 2: return { patch: rng.pick([null, [], 42, 'x', true, [{}]]), tag: 'not an object' };
    case 3: {
      if (!strategic) return { patch: { spec: null, data: null, metadata: { labels: null, name: null } }, tag: 'nulls' };
      const directives = rng.pick<unknown>([
        { $patch: 'replace' }, { $patch: 'delete' }, { $patch: 'bogus' }, { metadata: { $patch: 'delete' } },
        { spec: { containers: [{ name: 'c', $patch: 'delete' }] } },
        { spec: { containers: [{ $patch: 'delete' }] } },
        { spec: { $retainKeys: ['containers'], containers: [{ name: 'c', image: 'x' }] } },
        { spec: { $retainKeys: 'nope' } },
        { spec: { '$setElementOrder/containers': [{ name: 'zz' }, { name: 'c' }], containers: [{ name: 'zz', image: 'x' }] } },
        { spec: { '$setElementOrder/containers': 'nope' } },
        { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } },
        { metadata: { '$deleteFromPrimitiveList/finalizers': 'a' } },
        { spec: { template: { spec: { containers: [{ name: 'c', ports: [{ containerPort: 'x' }] }] } } } },
        { spec: { containers: 'nope', volumes: [{ $patch: 'replace' }] } },
      ]);
      return { patch: directives, tag: 'strategic directives', wrongType: true };
    }
    case 4: {
      const depth = rng.pick([50, 1000, 5000, 10_001]);
      const host = k.kind === 'Widget' ? 'spec' : 'zzUnknown';
      // Built as text: the client's own JSON.stringify is recursive too.
      const patch = `{"metadata":{"annotations":{"nested":"x"}},"${host}":{"extra":${deepJson(depth, 'object')}}}`;
      return { patch, tag: `deep patch ${depth}` };
    }
    case 5: return { patch: { metadata: { name: rng.pick(['renamed', '', 'seed-0']), namespace: rng.pick(['other', '', 'hostile-b']), uid: 'forged', resourceVersion: rng.pick(['1', 'x', '']) } }, tag: 'metadata identity' };
    default: return { patch: { metadata: { annotations: { big: 'x'.repeat(rng.pick([10, 300_000, MAX_BODY_BYTES + 10])) } } }, tag: 'big annotation' };
  }
}

/** A PATCH body for an object of kind `k` named `name`, whose current form is like `obj`. */
export function patchBody(rng: Rng, k: HostileKind, obj: Record<string, unknown>): HostileBody {
  const type = rng.pick([JSON_PATCH, MERGE_PATCH, STRATEGIC_PATCH, APPLY_PATCH]);
  if (type === JSON_PATCH) {
    const p = jsonPatch(rng);
    return { bytes: text(p.ops), contentType: type, tag: p.tag, wrongType: p.wrongType };
  }
  if (type === APPLY_PATCH) {
    const variant = rng.int(5);
    if (variant === 0) {
      const w = wrongTypeVariant(rng, obj);
      return { bytes: text(rng.chance(0.5) ? toYaml(w.value) : JSON.stringify(w.value)), contentType: type, tag: `apply wrong-type ${w.field}`, wrongType: true };
    }
    if (variant === 1) return { bytes: text(rng.pick(['[]', 'null', '42', '- a\n- b\n', 'a: [', '{"kind":', '---\na: 1\n---\nb: 2\n'])), contentType: type, tag: 'apply junk' };
    if (variant === 2) {
      const renamed = { ...obj, metadata: { ...(obj.metadata as object), name: 'another-name' } };
      return { bytes: text(toYaml(renamed)), contentType: type, tag: 'apply other name' };
    }
    return { bytes: text(rng.chance(0.5) ? toYaml(obj) : JSON.stringify(obj)), contentType: type, tag: 'apply' };
  }
  const p = mergeLike(rng, k, obj, type === STRATEGIC_PATCH);
  return { bytes: text(p.patch), contentType: type, tag: `${type === MERGE_PATCH ? 'merge' : 'strategic'} ${p.tag}`, wrongType: p.wrongType };
}

/** A PATCH body the server must refuse: what KEEP_NAMESPACE's objects get. */
export function refusedPatchBody(rng: Rng): HostileBody {
  switch (rng.int(3)) {
    case 0: {
      const p = jsonPatch(rng);
      const ops = p.tag === 'json-patch ops' ? [{ op: 'test', path: '/metadata/name', value: 'not-this-name' }, ...(p.ops as unknown[])] : p.ops;
      return { bytes: text(ops), contentType: JSON_PATCH, tag: `${p.tag} (refused)` };
    }
    case 1: return { bytes: text(rng.pick(['42', '"x"', 'true', '{', ''])), contentType: rng.pick([MERGE_PATCH, STRATEGIC_PATCH]), tag: 'scalar or broken merge patch' };
    default: return { bytes: text(rng.pick(['[]', 'null', '42', '{'])), contentType: APPLY_PATCH, tag: 'apply junk (refused)' };
  }
}
