/** Printer columns, JSONPath, scale helpers and the published OpenAPI schema. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findResults, getPath, parseJsonPath, setPath } from '../../src/api/apiextensions/json-path.js';
import { DEFAULT_PRINTER_COLUMNS, printerColumnCells, printerColumnDefinitions } from '../../src/api/apiextensions/printer-columns.js';
import { scaleFromCustomResource, setSpecReplicas } from '../../src/api/apiextensions/scale.js';
import { toOpenApiSchema } from '../../src/api/apiextensions/openapi.js';
import { CRONTAB_SCHEMA } from './fixtures.js';

const obj = {
  metadata: { name: 'x', creationTimestamp: '2024-05-06T07:08:09Z', labels: { 'app.kubernetes.io/name': 'web' } },
  spec: { cronSpec: '* * * * */5', replicas: 3, ratio: 2.7, on: true, containers: [{ name: 'a' }, { name: 'b' }], map: { b: 1, a: 'x' } },
  status: { conditions: [{ type: 'Ready', status: 'True' }] },
};

test('parseJsonPath and findResults: fields, indexes, wildcards, quoted keys, braces', () => {
  assert.deepEqual(parseJsonPath('{.spec.containers[0].name}'), [{ field: 'spec' }, { field: 'containers' }, { index: 0 }, { field: 'name' }]);
  assert.deepEqual(findResults(obj, parseJsonPath('.spec.containers[*].name')), ['a', 'b']);
  assert.deepEqual(findResults(obj, parseJsonPath(".metadata.labels['app.kubernetes.io/name']")), ['web']);
  assert.deepEqual(findResults(obj, parseJsonPath('.spec.containers[-1].name')), ['b']);
  assert.deepEqual(findResults(obj, parseJsonPath('.spec.missing.x')), []);
  assert.throws(() => parseJsonPath('.spec.containers[?(@.name=="a")]'), /unsupported JSONPath/);
});

test('printerColumnCells types cells as upstream tableconvertor does', () => {
  const columns = [
    { name: 'Spec', type: 'string', jsonPath: '.spec.cronSpec' },
    { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' },
    { name: 'Ratio', type: 'integer', jsonPath: '.spec.ratio' },
    { name: 'Num', type: 'number', jsonPath: '.spec.ratio' },
    { name: 'On', type: 'boolean', jsonPath: '.spec.on' },
    { name: 'First', type: 'string', jsonPath: '.spec.containers[*].name' },
    { name: 'Ready', type: 'string', jsonPath: '.status.conditions[0].status' },
    { name: 'Map', type: 'string', jsonPath: '.spec.map' },
    { name: 'Missing', type: 'string', jsonPath: '.spec.nothing' },
    { name: 'WrongType', type: 'boolean', jsonPath: '.spec.replicas' },
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
    { name: 'Bad', type: 'date', jsonPath: '.spec.cronSpec' },
  ];
  assert.deepEqual(printerColumnCells(obj, columns), [
    '* * * * */5', 3, 2, 2.7, true, 'a', 'True', 'map[a:x b:1]', null, null, '2024-05-06T07:08:09Z', '<invalid>',
  ]);
  assert.deepEqual(printerColumnDefinitions([columns[1], { ...columns[0], description: 'the spec', priority: 1 }]), [
    { name: 'Replicas', type: 'integer', format: '', description: 'Custom resource definition column (in JSONPath format): .spec.replicas', priority: 0 },
    { name: 'Spec', type: 'string', format: '', description: 'the spec', priority: 1 },
  ]);
  assert.deepEqual(printerColumnCells(obj, DEFAULT_PRINTER_COLUMNS), ['2024-05-06T07:08:09Z']);
});

test('getPath/setPath and the scale subresource', () => {
  const cr: Record<string, unknown> = { metadata: { name: 'c', namespace: 'ns', uid: 'u', resourceVersion: '5' }, spec: { replicas: 2 }, status: { replicas: 1, selector: 'app=web' } };
  assert.equal(getPath(cr, '.spec.replicas'), 2);
  assert.equal(getPath(cr, '.spec.none'), undefined);
  const scale = { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' };
  assert.deepEqual(scaleFromCustomResource(cr, scale), {
    apiVersion: 'autoscaling/v1', kind: 'Scale',
    metadata: { name: 'c', namespace: 'ns', uid: 'u', resourceVersion: '5', creationTimestamp: undefined },
    spec: { replicas: 2 }, status: { replicas: 1, selector: 'app=web' },
  });
  setSpecReplicas(cr, scale, 7);
  assert.equal(getPath(cr, '.spec.replicas'), 7);
  setPath(cr, '.spec.deep.er', 1);
  assert.deepEqual((cr.spec as Record<string, unknown>).deep, { er: 1 });
  assert.throws(() => setPath(cr, '.spec.replicas.x', 1), /not an object/);
  assert.deepEqual(scaleFromCustomResource({ metadata: { name: 'e' } }, scale).spec, { replicas: 0 });
});

test('toOpenApiSchema: descriptions and extensions kept, ObjectMeta $ref at metadata, GVK', () => {
  const s = toOpenApiSchema({
    ...structuredClone(CRONTAB_SCHEMA), description: 'A CronTab',
    properties: { ...structuredClone(CRONTAB_SCHEMA.properties), port: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }], description: 'port' } },
  }, { gvk: { group: 'stable.example.com', version: 'v1', kind: 'CronTab' } });
  assert.equal(s.description, 'A CronTab');
  assert.equal(s.properties?.metadata.$ref, '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
  assert.equal(s.properties?.apiVersion.type, 'string');
  assert.deepEqual(s.properties?.spec.properties?.replicas, { type: 'integer', minimum: 1, maximum: 10 });
  assert.deepEqual(s.properties?.port, { description: 'port', 'x-kubernetes-int-or-string': true });
  assert.deepEqual(s['x-kubernetes-group-version-kind'], [{ group: 'stable.example.com', version: 'v1', kind: 'CronTab' }]);
});
