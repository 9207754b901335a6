import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUILTIN_RESOURCES } from '../../src/api/resources.js';
import { buildTable, customResourceDefaultConvertor, tableConvertorFor } from '../../src/apiserver/tables/index.js';
import { NOW, ago, obj } from './helpers.js';

const pod = (name: string, rv: string) => obj({
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name, namespace: 'default', resourceVersion: rv, labels: { app: 'web' }, creationTimestamp: ago(5, 'm') },
  spec: { containers: [{ name: 'c', image: 'nginx' }] },
  status: { phase: 'Succeeded' },
});

test('list table with includeObject=Metadata (kubectl default)', () => {
  const conv = tableConvertorFor('', 'pods');
  const table = buildTable([pod('a', '10'), pod('b', '11')], conv, {
    includeObject: 'Metadata', now: NOW, listMeta: { resourceVersion: '42', continue: 'tok', remainingItemCount: 3 },
  });
  assert.equal(table.kind, 'Table');
  assert.equal(table.apiVersion, 'meta.k8s.io/v1');
  assert.deepEqual(table.metadata, { resourceVersion: '42', continue: 'tok', remainingItemCount: 3 });
  assert.equal(table.columnDefinitions?.length, 9);
  assert.deepEqual(table.columnDefinitions?.[0], {
    name: 'Name', type: 'string', format: 'name', priority: 0,
    description: table.columnDefinitions?.[0]?.description,
  });
  assert.match(table.columnDefinitions![0]!.description, /^Name must be unique within a namespace/);
  assert.equal(table.rows.length, 2);
  assert.deepEqual(table.rows[0]!.cells, ['a', '0/1', 'Succeeded', '0', '5m', '<none>', '<none>', '<none>', '<none>']);
  assert.deepEqual(table.rows[0]!.object, {
    kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1',
    metadata: { name: 'a', namespace: 'default', resourceVersion: '10', labels: { app: 'web' }, creationTimestamp: ago(5, 'm') },
  });
  assert.deepEqual(table.rows[0]!.conditions, [
    { type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' },
  ]);
  // Every row has one cell per column.
  for (const r of table.rows) assert.equal(r.cells.length, table.columnDefinitions!.length);
});

test('includeObject=Object embeds the object; None serializes object as null', () => {
  const conv = tableConvertorFor('', 'pods');
  const p = pod('a', '10');
  assert.equal(buildTable([p], conv, { includeObject: 'Object', now: NOW }).rows[0]!.object, p);
  const none = buildTable([p], conv, { includeObject: 'None', now: NOW });
  assert.equal(none.rows[0]!.object, null);
  assert.match(JSON.stringify(none.rows[0]), /"object":null/);
});

test('single object or watch event: metadata.resourceVersion is the object\'s; noHeaders nulls the columns', () => {
  const conv = tableConvertorFor('apps', 'deployments');
  const d = obj({ metadata: { name: 'web', resourceVersion: '77' }, spec: { replicas: 1, selector: {}, template: {} } });
  const first = buildTable([d], conv, { includeObject: 'Metadata', now: NOW });
  assert.deepEqual(first.metadata, { resourceVersion: '77' });
  assert.equal(first.columnDefinitions?.length, 8);
  const later = buildTable([d], conv, { includeObject: 'Metadata', noHeaders: true, now: NOW });
  assert.equal(later.columnDefinitions, null);
  assert.match(JSON.stringify(later), /"columnDefinitions":null/);
  assert.equal(later.rows[0]!.cells.length, 8);
  assert.equal(later.rows[0]!.conditions, undefined);
});

test('empty list: rows is an empty array, metadata from listMeta', () => {
  const t = buildTable([], tableConvertorFor('', 'configmaps'), { includeObject: 'Metadata', now: NOW, listMeta: { resourceVersion: '5' } });
  assert.deepEqual(t.rows, []);
  assert.deepEqual(t.metadata, { resourceVersion: '5' });
  assert.deepEqual(JSON.parse(JSON.stringify(t)).rows, []);
});

test('buildTable does not mutate objects and column definitions are copies', () => {
  const conv = tableConvertorFor('', 'pods');
  const p = pod('a', '10');
  const before = JSON.stringify(p);
  const t = buildTable([p], conv, { includeObject: 'Metadata', now: NOW });
  t.columnDefinitions![0]!.name = 'changed';
  assert.equal(JSON.stringify(p), before);
  assert.equal(conv.columns()[0]!.name, 'Name');
});

test('every built-in resource: as many cells as columns, for a bare and an empty object', () => {
  for (const r of BUILTIN_RESOURCES) {
    const conv = tableConvertorFor(r.group, r.plural);
    const n = conv.columns().length;
    for (const o of [obj({ metadata: { name: 'x' } }), obj({})]) {
      const cells = conv.cells(o, NOW);
      assert.equal(cells.length, n, `${r.group}/${r.plural}`);
    }
    assert.ok(conv.columns().every((c) => typeof c.description === 'string' && c.description.length > 0), `${r.group}/${r.plural} descriptions`);
  }
});

test('custom resources without printer columns: Name and an Age date column', () => {
  assert.deepEqual(customResourceDefaultConvertor.columns().map((c) => [c.name, c.type, c.format]), [['Name', 'string', 'name'], ['Age', 'date', '']]);
  assert.deepEqual(customResourceDefaultConvertor.cells(obj({ metadata: { name: 'w', creationTimestamp: '2024-05-01T10:00:00Z' } }), NOW), ['w', '2024-05-01T10:00:00Z']);
  assert.deepEqual(customResourceDefaultConvertor.cells(obj({ metadata: { name: 'w' } }), NOW), ['w', null]);
});
