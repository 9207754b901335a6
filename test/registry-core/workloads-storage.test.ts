import { test } from 'node:test';
import assert from 'node:assert/strict';
import { replicationControllerStrategy } from '../../src/apiserver/registry/core/replicationcontrollers.js';
import { persistentVolumeClaimStrategy } from '../../src/apiserver/registry/core/persistentvolumeclaims.js';
import { persistentVolumeStrategy } from '../../src/apiserver/registry/core/persistentvolumes.js';
import { bindingStrategy } from '../../src/apiserver/registry/core/bindings.js';
import { CORE_STRATEGIES } from '../../src/apiserver/registry/core/index.js';
import { BUILTIN_RESOURCES } from '../../src/api/resources.js';
import { create, update } from './helpers.js';

const meta = { name: 'x', namespace: 'default' };

test('replicationcontrollers: selector, labels and replicas default from the template', () => {
  const { obj, errs } = create(replicationControllerStrategy, {
    metadata: { ...meta }, spec: { template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
  });
  assert.deepEqual(errs, []);
  const spec = obj.spec as Record<string, unknown>;
  assert.deepEqual(spec.selector, { app: 'web' });
  assert.equal(spec.replicas, 1);
  assert.deepEqual(obj.metadata.labels, { app: 'web' });
  assert.equal((spec.template as { spec: { restartPolicy: string } }).spec.restartPolicy, 'Always');
  assert.deepEqual(obj.status, { replicas: 0 });
  assert.equal(replicationControllerStrategy.tracksGeneration, true);
});

test('replicationcontrollers: selector must match template labels', () => {
  const { errs } = create(replicationControllerStrategy, {
    metadata: meta, spec: { selector: { app: 'db' }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
  });
  assert.deepEqual(errs, ['spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`']);
});

test('persistentvolumeclaims: defaults, required storage, spec immutability, growth when bound', () => {
  const pvc = { metadata: meta, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } };
  const { obj, errs } = create(persistentVolumeClaimStrategy, pvc);
  assert.deepEqual(errs, []);
  assert.equal((obj.spec as Record<string, unknown>).volumeMode, 'Filesystem');
  assert.deepEqual(obj.status, { phase: 'Pending' });
  assert.deepEqual(create(persistentVolumeClaimStrategy, { metadata: meta, spec: { accessModes: ['ReadWriteOnce'] } }).errs,
    ['spec.resources[storage]: Required value']);
  const grown = structuredClone(obj) as unknown as { spec: { resources: { requests: { storage: string } } } };
  grown.spec.resources.requests.storage = '2Gi';
  assert.deepEqual(update(persistentVolumeClaimStrategy, grown, obj).errs,
    ['spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims']);
  const bound = { ...obj, status: { phase: 'Bound' } };
  assert.deepEqual(update(persistentVolumeClaimStrategy, grown, bound).errs, []);
  const withVolume = structuredClone(obj) as unknown as { spec: { volumeName: string } };
  withVolume.spec.volumeName = 'pv-1';
  assert.deepEqual(update(persistentVolumeClaimStrategy, withVolume, obj).errs, []);
});

test('persistentvolumes: defaults and one volume source', () => {
  const { obj, errs } = create(persistentVolumeStrategy, {
    metadata: { name: 'pv1' }, spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/data' } },
  });
  assert.deepEqual(errs, []);
  const spec = obj.spec as Record<string, unknown>;
  assert.equal(spec.persistentVolumeReclaimPolicy, 'Retain');
  assert.equal(spec.volumeMode, 'Filesystem');
  assert.equal((obj.status as { phase: string }).phase, 'Pending');
  assert.deepEqual(create(persistentVolumeStrategy, { metadata: { name: 'pv1' }, spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'] } }).errs,
    ['spec: Required value: must specify a volume type']);
});

test('bindings: target must be a Node with a name', () => {
  assert.deepEqual(create(bindingStrategy, { metadata: meta, target: { kind: 'Pod', name: '' } }).errs, [
    'target.kind: Unsupported value: "Pod": supported values: "Node", "<empty>"', 'target.name: Required value',
  ]);
});

test('CORE_STRATEGIES covers every core/v1 resource', () => {
  const core = BUILTIN_RESOURCES.filter((r) => r.group === '' && r.version === 'v1').map((r) => r.plural).sort();
  assert.deepEqual(Object.keys(CORE_STRATEGIES).sort(), core);
  for (const r of BUILTIN_RESOURCES.filter((d) => d.group === '' && d.subresources.some((s) => s.name === 'status'))) {
    assert.ok(CORE_STRATEGIES[r.plural].status, `${r.plural} has a status strategy`);
  }
});
