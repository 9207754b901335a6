/** CustomResourceDefinition defaults, create/update hooks and validation messages (upstream's texts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorMessage, type FieldError } from '../../src/api/field-errors.js';
import type { WithMeta } from '../../src/api/object.js';
import type { CustomResourceDefinition, JSONSchemaProps } from '../../src/api/apiextensions/types.js';
import { CRD_STRATEGY, crdWarnings } from '../../src/apiserver/registry/apiextensions/custom-resource-definition.js';
import { crontabCrd } from './fixtures.js';

type Crd = WithMeta & CustomResourceDefinition;

const lines = (errs: FieldError[]): string[] => errs.map((e) => `${e.field}: ${fieldErrorMessage(e)}`);

function created(crd: Crd): Crd {
  CRD_STRATEGY.defaults!(crd);
  CRD_STRATEGY.prepareForCreate!(crd);
  return crd;
}

const errorsOf = (crd: Crd): string[] => lines(CRD_STRATEGY.validate(created(crd)));

function withSchema(schema: JSONSchemaProps): Crd {
  const crd = crontabCrd();
  crd.spec.versions[0].schema = { openAPIV3Schema: schema };
  return crd;
}

test('defaults: singular, listKind, conversion None, storedVersions; create resets status', () => {
  const crd = crontabCrd();
  delete crd.spec.names.singular;
  crd.status = { storedVersions: ['bogus'], conditions: [{ type: 'Established', status: 'True' }] };
  created(crd);
  assert.equal(crd.spec.names.singular, 'crontab');
  assert.equal(crd.spec.names.listKind, 'CronTabList');
  assert.deepEqual(crd.spec.conversion, { strategy: 'None' });
  assert.deepEqual(crd.status, { acceptedNames: { plural: '', kind: '' }, conditions: [], storedVersions: ['v1'] });
  assert.deepEqual(CRD_STRATEGY.validate(crd), []);
  assert.equal(CRD_STRATEGY.tracksGeneration, true);
});

test('defaults keep what is set and are idempotent', () => {
  const crd = crontabCrd();
  crd.spec.names.listKind = 'CronTabs';
  crd.spec.conversion = { strategy: 'Webhook', webhook: { conversionReviewVersions: ['v1'], clientConfig: { service: { name: 's', namespace: 'n' } } } };
  CRD_STRATEGY.defaults!(crd);
  const once = structuredClone(crd);
  CRD_STRATEGY.defaults!(crd);
  assert.deepEqual(crd, once);
  assert.equal(crd.spec.names.listKind, 'CronTabs');
  assert.equal(crd.spec.conversion?.webhook?.clientConfig?.service?.port, 443);
});

test('metadata.name must be <plural>.<group>', () => {
  const crd = crontabCrd();
  crd.metadata.name = 'crontabs.example.com';
  assert.deepEqual(errorsOf(crd), ['metadata.name: Invalid value: "crontabs.example.com": must be spec.names.plural+"."+spec.group']);
});

test('group: DNS subdomain with at least one dot', () => {
  const crd = crontabCrd();
  crd.spec.group = 'example';
  crd.metadata.name = 'crontabs.example';
  assert.deepEqual(errorsOf(crd), ['spec.group: Invalid value: "example": should be a domain with at least one dot']);
  const bad = crontabCrd();
  bad.spec.group = 'Bad_Group.com';
  bad.metadata.name = 'crontabs.Bad_Group.com';
  assert.match(errorsOf(bad).join('\n'), /spec\.group: Invalid value: "Bad_Group\.com": a lowercase RFC 1123 subdomain/);
});

test('scope and names', () => {
  const crd = crontabCrd();
  crd.spec.scope = 'Global';
  crd.spec.names.shortNames = ['CT'];
  crd.spec.names.kind = 'Cron_Tab';
  crd.spec.names.listKind = 'Cron_Tab';
  crd.spec.names.categories = ['all'];
  assert.deepEqual(errorsOf(crd), [
    'spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced"',
    `spec.names.kind: Invalid value: "Cron_Tab": may have mixed case, but should otherwise match: a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`,
    `spec.names.listKind: Invalid value: "Cron_Tab": may have mixed case, but should otherwise match: a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`,
    `spec.names.shortNames[0]: Invalid value: "CT": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`,
    'spec.names.listKind: Invalid value: "Cron_Tab": kind and listKind may not be the same',
  ]);
  const missing = crontabCrd();
  missing.spec.names.plural = '';
  missing.metadata.name = '.stable.example.com';
  assert.ok(errorsOf(missing).includes('spec.names.plural: Required value'));
});

test('a version without schema: schemas are required', () => {
  const crd = crontabCrd();
  delete crd.spec.versions[0].schema;
  assert.deepEqual(errorsOf(crd), ['spec.versions[0].schema.openAPIV3Schema: Required value: schemas are required']);
});

test('two storage versions, duplicate and bad version names', () => {
  const crd = crontabCrd();
  crd.spec.versions.push({ ...structuredClone(crd.spec.versions[0]), name: 'v1' }, { ...structuredClone(crd.spec.versions[0]), name: 'V3', storage: false });
  const errs = errorsOf(crd);
  assert.ok(errs.some((e) => /^spec\.versions: Invalid value: .*: must contain unique version names$/.test(e)), errs.join('\n'));
  assert.ok(errs.some((e) => /^spec\.versions: Invalid value: .*: must have exactly one version marked as storage version$/.test(e)));
  assert.ok(errs.some((e) => e.startsWith('spec.versions[2].name: Invalid value: "V3": a DNS-1035 label')));
});

test('per-version schemas differ: errors under spec.versions[i].schema; identical: under spec.validation', () => {
  const foo = { description: 'no type' };
  const crd = crontabCrd();
  const v2 = structuredClone(crd.spec.versions[0]);
  v2.name = 'v2';
  v2.storage = false;
  v2.schema!.openAPIV3Schema!.properties!.spec.properties!.foo = foo;
  crd.spec.versions.push(v2);
  assert.deepEqual(errorsOf(crd), [
    'spec.versions[1].schema.openAPIV3Schema.properties[spec].properties[foo].type: Required value: must not be empty for specified object fields',
  ]);
  const same = withSchema({ type: 'object', properties: { spec: { type: 'object', properties: { foo } } } });
  assert.deepEqual(errorsOf(same), [
    'spec.validation.openAPIV3Schema.properties[spec].properties[foo].type: Required value: must not be empty for specified object fields',
  ]);
});

test('non-structural schemas: upstream messages', () => {
  const p = 'spec.validation.openAPIV3Schema';
  assert.deepEqual(errorsOf(withSchema({ properties: { spec: { type: 'object' } } })), [`${p}.type: Required value: must not be empty at the root`]);
  assert.deepEqual(errorsOf(withSchema({ type: 'array', items: { type: 'string' } })), [`${p}.type: Invalid value: "array": must be object at the root`]);
  assert.deepEqual(errorsOf(withSchema({ type: 'object', properties: { list: { type: 'array' } } })), [`${p}.properties[list].items: Required value: must be specified`]);
  assert.deepEqual(errorsOf(withSchema({ type: 'object', properties: { list: { type: 'array', items: {} } } })),
    [`${p}.properties[list].items.type: Required value: must not be empty for specified array items`]);
  assert.deepEqual(errorsOf(withSchema({ type: 'object', properties: { m: { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: { type: 'string' } } } })),
    [`${p}.properties[m].additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive`]);
  assert.deepEqual(errorsOf(withSchema({ type: 'object', additionalProperties: { type: 'string' } })),
    [`${p}.additionalProperties: Forbidden: must not be used at the root`]);
  assert.deepEqual(errorsOf(withSchema({ type: 'object', properties: { metadata: { type: 'object', properties: { labels: { type: 'object' } } } } })),
    [`${p}.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified`]);
  assert.deepEqual(errorsOf(withSchema({ type: 'object', properties: { metadata: { type: 'object', properties: { name: { type: 'string', maxLength: 10 } } } } })), []);
  assert.deepEqual(errorsOf(withSchema({ type: 'object', properties: { x: { type: 'object', 'x-kubernetes-preserve-unknown-fields': false } } })),
    [`${p}.properties[x].x-kubernetes-preserve-unknown-fields: Invalid value: false: must be true or undefined`]);
  assert.deepEqual(errorsOf(withSchema({ type: 'object', properties: { x: { $ref: '#/definitions/x' } } })), [
    `${p}.properties[x].$ref: Forbidden: $ref is not supported`,
  ]);
  assert.deepEqual(errorsOf(withSchema({ type: 'object', properties: { x: { type: 'string' } }, anyOf: [{ properties: { x: { type: 'string' } } }] })),
    [`${p}.anyOf[0].properties[x].type: Forbidden: must be empty to be structural`]);
  assert.deepEqual(errorsOf(withSchema({ type: 'object', anyOf: [{ properties: { y: { minLength: 1 } } }] })),
    [`${p}.properties[y]: Required value: because it is defined in ${p}.anyOf[0].properties[y]`]);
  assert.deepEqual(errorsOf(withSchema({ type: 'object', properties: { x: { type: 'object', 'x-kubernetes-embedded-resource': true } } })),
    [`${p}.properties[x].properties: Required value: must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields`]);
  assert.deepEqual(errorsOf(withSchema({ type: 'object', properties: { x: { type: 'array', uniqueItems: true, items: { type: 'string' } } } })),
    [`${p}.properties[x].uniqueItems: Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic`]);
});

test('int-or-string and preserve-unknown-fields are structural without a type', () => {
  assert.deepEqual(errorsOf(withSchema({
    type: 'object',
    properties: {
      port: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] },
      raw: { 'x-kubernetes-preserve-unknown-fields': true },
    },
  })), []);
});

test('defaults in schemas must validate and be pruned', () => {
  const p = 'spec.validation.openAPIV3Schema.properties[spec].properties';
  const crd = withSchema({ type: 'object', properties: { spec: { type: 'object', properties: {
    replicas: { type: 'integer', default: 'one' },
    obj: { type: 'object', properties: { a: { type: 'string' } }, default: { a: 'x', b: 1 } },
  } } } });
  assert.deepEqual(errorsOf(crd), [
    `${p}[replicas].default: Invalid value: "string":  in body must be of type integer: "string"`,
    `${p}[obj].default: Invalid value: {"a":"x","b":1}: must not have unknown fields`,
  ]);
  const meta = withSchema({ type: 'object', properties: { metadata: { type: 'object', default: {} } } });
  assert.deepEqual(errorsOf(meta), ['spec.validation.openAPIV3Schema.properties[metadata].default: Forbidden: must not be set in top-level metadata']);
});

test('status subresource restricts the root schema; scale paths', () => {
  const crd = withSchema({ type: 'object', properties: { spec: { type: 'object' } }, nullable: true });
  crd.spec.versions[0].subresources = { status: {}, scale: { specReplicasPath: 'spec.replicas', statusReplicasPath: '.spec.replicas', labelSelectorPath: '.metadata.labels' } };
  const errs = errorsOf(crd);
  assert.ok(errs.includes('spec.subresources.scale.specReplicasPath: Invalid value: "spec.replicas": must be a simple json path starting with .'), errs.join('\n'));
  assert.ok(errs.includes('spec.subresources.scale.statusReplicasPath: Invalid value: ".spec.replicas": should be a json path under .status'));
  assert.ok(errs.includes('spec.subresources.scale.labelSelectorPath: Invalid value: ".metadata.labels": should be a json path under either .spec or .status'));
  assert.ok(errs.includes('spec.validation.openAPIV3Schema.nullable: Forbidden: nullable cannot be true at the root'));
  assert.ok(errs.some((e) => e.startsWith('spec.validation.openAPIV3Schema: Invalid value: ') && e.endsWith('fields are allowed at the root of the schema if the status subresource is enabled')));
});

test('printer columns: name, type, format, JSONPath', () => {
  const crd = crontabCrd();
  crd.spec.versions[0].additionalPrinterColumns = [
    { name: '', type: 'text', format: 'weird', jsonPath: 'spec.x' },
    { name: 'B', type: '', jsonPath: '' },
  ];
  assert.deepEqual(errorsOf(crd), [
    'spec.additionalPrinterColumns[0].name: Required value',
    'spec.additionalPrinterColumns[0].type: Invalid value: "text": must be one of boolean,date,integer,number,string',
    'spec.additionalPrinterColumns[0].format: Invalid value: "weird": must be one of byte,date,date-time,double,float,int32,int64,password',
    'spec.additionalPrinterColumns[0].JSONPath: Invalid value: "spec.x": must be a simple json path starting with .',
    'spec.additionalPrinterColumns[1].type: Required value: must be one of boolean,date,integer,number,string',
    'spec.additionalPrinterColumns[1].JSONPath: Required value',
  ]);
});

test('conversion: webhook needs a client config and review versions', () => {
  const crd = crontabCrd();
  crd.spec.conversion = { strategy: 'Webhook' };
  assert.deepEqual(errorsOf(crd), [
    'spec.conversion.webhookClientConfig: Required value: required when strategy is set to Webhook',
    'spec.conversion.conversionReviewVersions: Required value',
  ]);
  const other = crontabCrd();
  other.spec.conversion = { strategy: 'Magic' };
  assert.deepEqual(errorsOf(other), ['spec.conversion.strategy: Unsupported value: "Magic": supported values: "None", "Webhook"']);
});

test('protected groups need api approval', () => {
  const crd = crontabCrd();
  crd.spec.group = 'stable.k8s.io';
  crd.metadata.name = 'crontabs.stable.k8s.io';
  assert.deepEqual(errorsOf(crd), ['metadata.annotations[api-approved.kubernetes.io]: Required value: protected groups must have approval annotation "api-approved.kubernetes.io", see https://github.com/kubernetes/enhancements/pull/1111']);
  crd.metadata.annotations = { 'api-approved.kubernetes.io': 'https://github.com/kubernetes/kubernetes/pull/1' };
  assert.deepEqual(errorsOf(crd), []);
});

test('update: group and plural immutable; scope and kind once established; storedVersions', () => {
  const old = created(crontabCrd());
  old.status!.conditions = [{ type: 'Established', status: 'True' }];
  const next = crontabCrd();
  next.spec.group = 'other.example.com';
  next.spec.scope = 'Cluster';
  next.spec.names.kind = 'CronTable';
  CRD_STRATEGY.prepareForUpdate!(next, old);
  CRD_STRATEGY.defaults!(next);
  assert.deepEqual(next.status, old.status);
  assert.deepEqual(lines(CRD_STRATEGY.validateUpdate!(next, old)), [
    'spec.scope: Invalid value: "Cluster": field is immutable',
    'spec.names.kind: Invalid value: "CronTable": field is immutable',
    'spec.group: Invalid value: "other.example.com": field is immutable',
  ]);
  const v2 = crontabCrd();
  v2.spec.versions[0].storage = false;
  v2.spec.versions.push({ ...structuredClone(v2.spec.versions[0]), name: 'v2', storage: true });
  CRD_STRATEGY.prepareForUpdate!(v2, old);
  CRD_STRATEGY.defaults!(v2);
  assert.deepEqual(v2.status!.storedVersions, ['v1', 'v2']);
  assert.deepEqual(CRD_STRATEGY.validate(v2), []);
  const dropped = crontabCrd();
  dropped.spec.versions[0].name = 'v2';
  CRD_STRATEGY.prepareForUpdate!(dropped, old);
  CRD_STRATEGY.defaults!(dropped);
  assert.deepEqual(lines(CRD_STRATEGY.validate(dropped)).filter((l) => l.startsWith('status')), [
    'status.storedVersions[0]: Invalid value: "v1": must appear in spec.versions',
  ]);
});

test('status strategy keeps spec and the metadata a status write may not touch', () => {
  const old = created(crontabCrd());
  old.metadata.labels = { a: 'b' };
  const next = created(crontabCrd());
  next.spec.scope = 'Cluster';
  next.metadata.labels = { c: 'd' };
  next.status = { acceptedNames: { plural: 'crontabs', kind: 'CronTab' }, storedVersions: ['v1'] };
  CRD_STRATEGY.status!.prepareForUpdate(next, old);
  assert.equal(next.spec.scope, 'Namespaced');
  assert.deepEqual(next.metadata.labels, { a: 'b' });
  assert.deepEqual(next.status.acceptedNames, { plural: 'crontabs', kind: 'CronTab' });
  assert.deepEqual(CRD_STRATEGY.status!.validateUpdate!(next, old), []);
});

test('warnings name unrecognized formats', () => {
  const crd = withSchema({ type: 'object', properties: { a: { type: 'string', format: 'color' }, b: { type: 'integer', format: 'int32' }, c: { type: 'string', format: 'date-time' } } });
  assert.deepEqual(crdWarnings(crd), ['unrecognized format "color"']);
});
