import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FieldPath } from '../../src/api/field-errors.js';
import {
  isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue, isValidPathSegmentName, isValidPortName,
  isValidIP, isCIdentifier, isEnvVarName,
} from '../../src/api/validation/names.js';
import { parseQuantity } from '../../src/api/validation/quantity.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../../src/api/validation/object-meta.js';
import { validateLabelSelector } from '../../src/api/validation/label-selector.js';
import { messages } from './helpers.js';

test('names: upstream texts', () => {
  assert.deepEqual(isDNS1123Subdomain('example.com'), []);
  assert.deepEqual(isDNS1123Subdomain('Example'), [
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
  ]);
  assert.deepEqual(isDNS1123Label('a.b'), ['must not contain dots']);
  assert.deepEqual(isDNS1123Label('a'.repeat(64)), ['must be no more than 63 characters']);
  assert.deepEqual(isQualifiedName('example.com/MyName'), []);
  assert.deepEqual(isQualifiedName('/x'), ['prefix part must be non-empty']);
  assert.deepEqual(isValidLabelValue(''), []);
  assert.equal(isValidLabelValue('-x').length, 1);
  assert.deepEqual(isValidPathSegmentName('..'), ["may not be '..'"]);
  assert.deepEqual(isValidPathSegmentName('a/b%'), ["may not contain '/'", "may not contain '%'"]);
  assert.deepEqual(isValidPortName('http'), []);
  assert.deepEqual(isValidPortName('123'), ['must contain at least one letter (a-z)']);
  assert.deepEqual(isValidIP('::1'), []);
  assert.deepEqual(isValidIP('1.2.3'), ['must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)']);
  assert.deepEqual(isCIdentifier('my_name'), []);
  assert.deepEqual(isEnvVarName('1-my.var'), []);
});

test('quantity: upstream grammar', () => {
  assert.deepEqual(parseQuantity('100m'), { value: 0.1 });
  assert.deepEqual(parseQuantity('1Gi'), { value: 2 ** 30 });
  assert.deepEqual(parseQuantity('1e3'), { value: 1000 });
  assert.deepEqual(parseQuantity('0.5'), { value: 0.5 });
  assert.equal(parseQuantity('1 Gi'), undefined);
  assert.equal(parseQuantity('1GB'), undefined);
});

test('object meta: create', () => {
  const opts = { namespaced: true, nameRule: 'dns1123Subdomain' as const };
  assert.deepEqual(messages(validateObjectMeta({}, opts)), [
    'metadata.name: Required value: name or generateName is required', 'metadata.namespace: Required value',
  ]);
  assert.deepEqual(messages(validateObjectMeta({ name: 'a', namespace: 'default', labels: { 'a/b/c': 'x' } }, opts)), [
    "metadata.labels: Invalid value: \"a/b/c\": a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
  ]);
  assert.deepEqual(messages(validateObjectMeta({ name: 'a', namespace: 'default', ownerReferences: [
    { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'r1', uid: '1', controller: true },
    { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'r2', uid: '2', controller: true },
  ] }, opts)).map((m) => m.replace(/Invalid value: .*: Only/, 'Only')), [
    'metadata.ownerReferences: Only one reference can have Controller set to true. Found "true" in references for ReplicaSet/r1 and ReplicaSet/r2',
  ]);
  assert.deepEqual(messages(validateObjectMeta({ name: 'a', namespace: 'default', annotations: { k: 'x'.repeat(256 * 1024) } }, opts)),
    ['metadata.annotations: Too long: must have at most 262144 bytes']);
  assert.deepEqual(messages(validateObjectMeta({ generateName: 'web-', namespace: 'default' }, opts)),
    ['metadata.name: Required value: name or generateName is required']);
  assert.deepEqual(messages(validateObjectMeta({ name: 'a', namespace: 'x' }, { namespaced: false, nameRule: 'dns1123Label' })),
    ['metadata.namespace: Forbidden: not allowed on this type']);
});

test('object meta: update', () => {
  assert.deepEqual(messages(validateObjectMetaUpdate({ name: 'b', uid: '1' }, { name: 'a', uid: '1' })),
    ['metadata.name: Invalid value: "b": field is immutable']);
});

test('label selector', () => {
  assert.deepEqual(messages(validateLabelSelector({ matchExpressions: [
    { key: 'a', operator: 'In' }, { key: 'b', operator: 'Exists', values: ['x'] }, { key: 'c', operator: 'Near' },
  ] }, FieldPath.root('spec', 'selector'))), [
    "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
    "spec.selector.matchExpressions[1].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
    'spec.selector.matchExpressions[2].operator: Invalid value: "Near": not a valid selector operator',
  ]);
});
