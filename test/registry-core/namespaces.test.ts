import { test } from 'node:test';
import assert from 'node:assert/strict';
import { namespaceStrategy } from '../../src/apiserver/registry/core/namespaces.js';
import { create, statusUpdate, update } from './helpers.js';

test('namespaces: defaults on create', () => {
  const { obj, errs } = create(namespaceStrategy, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } });
  assert.deepEqual(errs, []);
  assert.deepEqual(obj, {
    apiVersion: 'v1', kind: 'Namespace',
    metadata: { name: 'team-a', labels: { 'kubernetes.io/metadata.name': 'team-a' } },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  });
  assert.equal(namespaceStrategy.nameRule, 'dns1123Label');
});

test('namespaces: the name label is always reset to the name', () => {
  const stored = create(namespaceStrategy, { metadata: { name: 'a' } }).obj;
  const next = structuredClone(stored);
  next.metadata.labels = { 'kubernetes.io/metadata.name': 'other', x: 'y' };
  const r = update(namespaceStrategy, next, stored);
  assert.deepEqual(r.obj.metadata.labels, { 'kubernetes.io/metadata.name': 'a', x: 'y' });
});

test('namespaces: updates keep spec.finalizers and status', () => {
  const stored = create(namespaceStrategy, { metadata: { name: 'a' } }).obj;
  const r = update(namespaceStrategy, { metadata: { name: 'a' }, spec: { finalizers: [] }, status: { phase: 'Terminating' } }, stored);
  assert.deepEqual(r.obj.spec, { finalizers: ['kubernetes'] });
  assert.deepEqual(r.obj.status, { phase: 'Active' });
});

test('namespaces: status phase must follow deletionTimestamp', () => {
  const stored = create(namespaceStrategy, { metadata: { name: 'a' } }).obj;
  assert.deepEqual(statusUpdate(namespaceStrategy, { ...stored, status: { phase: 'Terminating' } }, stored).errs,
    ["status.Phase: Invalid value: \"Terminating\": may only be 'Active' if `deletionTimestamp` is empty"]);
});

test('namespaces: finalizer names', () => {
  const { errs } = create(namespaceStrategy, { metadata: { name: 'a' }, spec: { finalizers: ['custom'] } });
  assert.deepEqual(errs, ['spec.finalizers: Invalid value: "custom": name is neither a standard finalizer name nor is it fully qualified']);
});
