import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configMapStrategy } from '../../src/apiserver/registry/core/configmaps.js';
import { secretStrategy } from '../../src/apiserver/registry/core/secrets.js';
import { create, update } from './helpers.js';

const meta = { name: 'c', namespace: 'default' };

test('configmaps: keys, duplicates across data and binaryData, size', () => {
  assert.deepEqual(create(configMapStrategy, { metadata: meta, data: { 'a.txt': 'x' } }).errs, []);
  assert.deepEqual(create(configMapStrategy, { metadata: meta, data: { 'a b': 'x' } }).errs, [
    "data[a b]: Invalid value: \"a b\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
  ]);
  assert.deepEqual(create(configMapStrategy, { metadata: meta, data: { k: 'x' }, binaryData: { k: 'eA==' } }).errs,
    ['binaryData[k]: Invalid value: "k": duplicate of key present in data']);
  const big = 'x'.repeat(1024 * 1024 + 1);
  assert.deepEqual(create(configMapStrategy, { metadata: meta, data: { k: big } }).errs, [': Too long: must have at most 1048576 bytes']);
});

test('configmaps: immutable', () => {
  const stored = { metadata: meta, data: { k: 'v' }, immutable: true };
  assert.deepEqual(update(configMapStrategy, { metadata: meta, data: { k: 'w' }, immutable: true }, stored).errs,
    ['data: Forbidden: field is immutable when `immutable` is set']);
  assert.deepEqual(update(configMapStrategy, { metadata: meta, data: { k: 'v' } }, stored).errs,
    ['immutable: Forbidden: field is immutable when `immutable` is set']);
  assert.deepEqual(update(configMapStrategy, { metadata: meta, data: { k: 'w' } }, { metadata: meta, data: { k: 'v' } }).errs, []);
});

test('secrets: type defaults to Opaque and stringData merges into data', () => {
  const { obj, errs } = create(secretStrategy, { metadata: meta, data: { a: 'eA==' }, stringData: { b: 'hello' } });
  assert.deepEqual(errs, []);
  assert.deepEqual(obj, { metadata: meta, type: 'Opaque', data: { a: 'eA==', b: 'aGVsbG8=' } });
});

test('secrets: typed secrets require their keys', () => {
  assert.deepEqual(create(secretStrategy, { metadata: meta, type: 'kubernetes.io/tls', data: {} }).errs,
    ['data[tls.crt]: Required value', 'data[tls.key]: Required value']);
  assert.deepEqual(create(secretStrategy, { metadata: meta, type: 'kubernetes.io/service-account-token' }).errs,
    ['metadata.annotations[kubernetes.io/service-account.name]: Required value']);
  assert.deepEqual(create(secretStrategy, { metadata: meta, type: 'kubernetes.io/dockerconfigjson', data: {} }).errs,
    ['data[.dockerconfigjson]: Required value']);
  assert.deepEqual(create(secretStrategy, { metadata: meta, type: 'kubernetes.io/basic-auth', data: {} }).errs,
    ['data[username]: Required value', 'data[password]: Required value']);
  assert.deepEqual(create(secretStrategy, { metadata: meta, type: 'kubernetes.io/basic-auth', data: { username: 'YQ==' } }).errs, []);
});

test('secrets: type is immutable; immutable secrets keep their data; field selector type', () => {
  const stored = create(secretStrategy, { metadata: meta, data: { a: 'eA==' }, immutable: true }).obj;
  assert.deepEqual(update(secretStrategy, { ...stored, type: 'kubernetes.io/basic-auth', data: { username: 'eA==' } }, stored).errs, [
    'type: Invalid value: "kubernetes.io/basic-auth": field is immutable',
    'data: Forbidden: field is immutable when `immutable` is set',
  ]);
  assert.deepEqual(secretStrategy.fieldSelectorKeys, ['type']);
  assert.deepEqual(secretStrategy.selectableFields?.(stored), { type: 'Opaque' });
});
