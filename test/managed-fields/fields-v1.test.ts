import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFieldsV1, encodeFieldsV1, FieldSet, FieldsV1DecodeError, pathToString, toFieldSet } from '../../src/api/managed-fields/index.js';
import type { FieldPath } from '../../src/api/managed-fields/index.js';
import { types, root } from './fixtures.js';

const f = (...n: string[]): FieldPath => n.map((field) => ({ field }));

test('encodes the upstream example with "." on a list item that has children', () => {
  const s = FieldSet.of(
    f('metadata', 'labels', 'app'),
    [...f('spec', 'containers'), { key: [['name', 'app']] }],
    [...f('spec', 'containers'), { key: [['name', 'app']] }, { field: 'image' }],
  );
  assert.equal(JSON.stringify(encodeFieldsV1(s)),
    '{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:containers":{"k:{\\"name\\":\\"app\\"}":{".":{},"f:image":{}}}}}');
});

test('orders fields before keys before values before indexes; keys sort their fields', () => {
  const s = FieldSet.of([{ index: 0 }], [{ value: 'x' }], [{ key: [['b', 1], ['a', 'z']] }], f('z'), f('a'));
  assert.deepEqual(Object.keys(encodeFieldsV1(s)), ['f:a', 'f:z', 'k:{"a":"z","b":1}', 'v:"x"', 'i:0']);
});

test('decode/encode round trip, "." and leaves', () => {
  const json = { 'f:metadata': { 'f:finalizers': { '.': {}, 'v:"a"': {} } }, 'f:spec': { 'f:replicas': {} } };
  const s = decodeFieldsV1(json);
  assert.deepEqual(encodeFieldsV1(s), json);
  assert.equal(s.has(f('metadata', 'finalizers')), true);
  assert.deepEqual(s.leaves().paths().map(pathToString), ['.metadata.finalizers[="a"]', '.spec.replicas']);
  assert.throws(() => decodeFieldsV1({ 'k:{bad': {} }), FieldsV1DecodeError);
  assert.deepEqual(encodeFieldsV1(decodeFieldsV1({ 'x:unknown': {}, 'f:a': {} })), { 'f:a': {} });
});

test('union, difference, intersection, recursiveDifference', () => {
  const a = FieldSet.of(f('a', 'b'), f('a', 'c'), f('d'));
  const b = FieldSet.of(f('a', 'c'), f('e'), f('a'));
  assert.deepEqual(a.union(b).paths().map(pathToString), ['.a', '.a.b', '.a.c', '.d', '.e']);
  assert.deepEqual(a.difference(b).paths().map(pathToString), ['.a.b', '.d']);
  assert.deepEqual(a.intersection(b).paths().map(pathToString), ['.a.c']);
  assert.deepEqual(a.recursiveDifference(b).paths().map(pathToString), ['.d']);
});

test('ObjectToFieldSet for a Deployment: struct fields are not members, map keys and list items are', () => {
  const s = toFieldSet({
    metadata: { labels: { app: 'x' }, finalizers: ['f1'] },
    spec: { replicas: 1, selector: { matchLabels: { app: 'x' } }, template: { spec: { containers: [{ name: 'c', args: ['1', '2'], ports: [{ containerPort: 80 }] }] } } },
  }, types.rootType(root)!);
  assert.deepEqual(encodeFieldsV1(s), {
    'f:metadata': { 'f:finalizers': { 'v:"f1"': {} }, 'f:labels': { 'f:app': {} } },
    'f:spec': {
      'f:replicas': {}, 'f:selector': {},
      'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"c"}': {
        '.': {}, 'f:args': {}, 'f:name': {},
        'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } },
      } } } },
    },
  });
});
