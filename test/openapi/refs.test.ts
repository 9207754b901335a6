/** $ref walking and the Swagger 2.0 to OpenAPI 3.0 schema rewrite. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyPatchMeta } from '../../src/api/openapi/patch-meta-merge.js';
import { forEachRef, reachableDefinitions, toOpenApiV3Schema } from '../../src/api/openapi/refs.js';
import type { Schema } from '../../src/api/openapi/schema.js';

test('a $ref with siblings becomes allOf; a bare $ref stays; the input is untouched', () => {
  const input: Schema = {
    type: 'object',
    properties: {
      spec: { $ref: '#/definitions/a.Spec', description: 'the spec' },
      items: { type: 'array', items: { $ref: '#/definitions/a.Item' } },
      $ref: { type: 'string', description: 'a property named $ref' },
    },
  };
  const copy = structuredClone(input);
  const out = toOpenApiV3Schema(input);
  assert.deepEqual(input, copy);
  assert.deepEqual(out.properties?.['spec'], { allOf: [{ $ref: '#/components/schemas/a.Spec' }], description: 'the spec' });
  assert.deepEqual(out.properties?.['items'], { type: 'array', items: { $ref: '#/components/schemas/a.Item' } });
  assert.deepEqual(out.properties?.['$ref'], { type: 'string', description: 'a property named $ref' });
});

test('forEachRef and reachableDefinitions follow only string $refs', () => {
  const defs: Record<string, Schema> = {
    'a.A': { properties: { b: { $ref: '#/definitions/a.B' }, $ref: { type: 'string' } } },
    'a.B': { properties: { c: { items: { $ref: '#/definitions/a.C' } } } },
    'a.C': { type: 'string' },
    'a.D': { type: 'string' },
  };
  const seen: string[] = [];
  forEachRef(defs['a.A'], (t) => seen.push(t));
  assert.deepEqual(seen, ['a.B']);
  assert.deepEqual(reachableDefinitions(defs, ['a.A']), ['a.A', 'a.B', 'a.C']);
  assert.deepEqual(reachableDefinitions(defs, ['a.Missing']), ['a.Missing']);
});

test('applyPatchMeta copies, adds the extensions, accepts short names, reports unmatched', () => {
  const defs: Record<string, Schema> = {
    'io.k8s.api.core.v1.PodSpec': { properties: { containers: { type: 'array' }, volumes: { type: 'array' } } },
  };
  const { definitions, unmatched } = applyPatchMeta(defs, {
    'io.k8s.api.core.v1.PodSpec': { containers: { patchStrategy: 'merge', patchMergeKey: 'name', listType: 'map', listMapKeys: ['name'] }, nope: {} },
    PodSpec: { volumes: { patchStrategy: 'merge,retainKeys', patchMergeKey: 'name' } },
    'io.k8s.api.core.v1.Missing': { x: { listType: 'atomic' } },
  });
  assert.deepEqual(definitions['io.k8s.api.core.v1.PodSpec']?.properties?.['containers'], {
    type: 'array', 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': 'name',
    'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'],
  });
  assert.equal(definitions['io.k8s.api.core.v1.PodSpec']?.properties?.['volumes']?.['x-kubernetes-patch-strategy'], 'merge,retainKeys');
  assert.deepEqual(defs['io.k8s.api.core.v1.PodSpec']?.properties?.['containers'], { type: 'array' }, 'input untouched');
  assert.deepEqual(unmatched.sort(), ['io.k8s.api.core.v1.Missing.x', 'io.k8s.api.core.v1.PodSpec.nope']);
});
