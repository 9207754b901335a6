/** Upstream's CronTab example end to end: CRD create, then objects pruned, defaulted, validated and printed. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summarizeFieldErrors } from '../../src/api/field-errors.js';
import { compileSchema } from '../../src/api/apiextensions/compiled-schema.js';
import { printerColumnCells } from '../../src/api/apiextensions/printer-columns.js';
import { CRD_STRATEGY } from '../../src/apiserver/registry/apiextensions/custom-resource-definition.js';
import { crontabCrd } from './fixtures.js';

test('CronTab: the CRD validates, its objects are pruned, validated and printed', () => {
  const crd = crontabCrd();
  CRD_STRATEGY.defaults!(crd);
  CRD_STRATEGY.prepareForCreate!(crd);
  assert.deepEqual(CRD_STRATEGY.validate(crd), []);

  const version = crd.spec.versions[0];
  const engine = compileSchema(version.schema?.openAPIV3Schema);
  const ct: Record<string, unknown> = {
    apiVersion: 'stable.example.com/v1', kind: 'CronTab',
    metadata: { name: 'my-new-cron-object', namespace: 'default', creationTimestamp: '2024-01-01T00:00:00Z' },
    spec: { cronSpec: '* * * * */5', image: 'my-awesome-cron-image', someRandomField: 42 },
  };
  assert.deepEqual(engine.prune(ct), ['spec.someRandomField']);
  engine.applyDefaults(ct);
  assert.deepEqual(engine.validate(ct), []);
  assert.deepEqual(printerColumnCells(ct, version.additionalPrinterColumns ?? []), ['* * * * */5', null, '2024-01-01T00:00:00Z']);

  const bad = { ...ct, spec: { cronSpec: '* * * *', image: 'my-awesome-cron-image', replicas: 15 } };
  assert.equal(summarizeFieldErrors(engine.validate(bad)),
    "[spec.cronSpec: Invalid value: \"* * * *\": spec.cronSpec in body should match '^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$', " +
    'spec.replicas: Invalid value: 15: spec.replicas in body should be less than or equal to 10]');
  assert.equal(summarizeFieldErrors(engine.validate({ ...ct, spec: { replicas: 'three' } })),
    'spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"');
});

test('CronTab with a defaulted field: defaults survive a round trip and are validated', () => {
  const crd = crontabCrd();
  const schema = crd.spec.versions[0].schema!.openAPIV3Schema!;
  schema.properties!.spec.properties!.replicas.default = 1;
  schema.properties!.spec.properties!.image.default = 'busybox';
  CRD_STRATEGY.defaults!(crd);
  CRD_STRATEGY.prepareForCreate!(crd);
  assert.deepEqual(CRD_STRATEGY.validate(crd), []);
  const engine = compileSchema(schema);
  const ct: Record<string, unknown> = { apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name: 'a' }, spec: { cronSpec: '0 0 * * *' } };
  engine.prune(ct);
  engine.applyDefaults(ct);
  assert.deepEqual(ct.spec, { cronSpec: '0 0 * * *', replicas: 1, image: 'busybox' });
  assert.deepEqual(engine.validate(ct), []);
});
