/** Volume matching and the default StorageClass (src/api/volume-binding). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Node, PersistentVolume, PersistentVolumeClaim } from 'kubernetes-types/core/v1.js';
import type { StorageClass } from 'kubernetes-types/storage/v1.js';
import { admitPersistentVolumeClaim, defaultStorageClass, findMatchingVolume, volumeMismatch } from '../../src/api/volume-binding/index.js';

const pv = (name: string, size: string, o: { cls?: string; modes?: string[]; phase?: string; labels?: Record<string, string>; node?: string; claim?: string; mode?: string } = {}): PersistentVolume => ({
  metadata: { name, ...(o.labels ? { labels: o.labels } : {}) },
  spec: {
    capacity: { storage: size }, accessModes: o.modes ?? ['ReadWriteOnce'], storageClassName: o.cls ?? 'c',
    ...(o.mode ? { volumeMode: o.mode } : {}),
    ...(o.claim ? { claimRef: { namespace: 'ns', name: o.claim } } : {}),
    ...(o.node ? { nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [o.node] }] }] } } } : {}),
  },
  status: { phase: o.phase ?? 'Available' },
});
const claim = (size: string, o: { cls?: string; modes?: string[]; selector?: Record<string, string> } = {}): PersistentVolumeClaim => ({
  metadata: { name: 'data', namespace: 'ns', uid: 'u1' },
  spec: {
    accessModes: o.modes ?? ['ReadWriteOnce'], resources: { requests: { storage: size } }, storageClassName: o.cls ?? 'c',
    ...(o.selector ? { selector: { matchLabels: o.selector } } : {}),
  },
});
const nodeNamed = (n: string): Node => ({ metadata: { name: n, labels: { 'kubernetes.io/hostname': n } } });
const pick = (c: PersistentVolumeClaim, vols: PersistentVolume[], o = {}): string | undefined => findMatchingVolume(c, vols, o)?.metadata?.name;

test('smallest Available volume that is big enough, of the class, modes, volumeMode and selector', () => {
  const vols = [pv('v10', '10Gi'), pv('v2', '2Gi'), pv('v5', '5Gi'), pv('v1', '1Gi'), pv('rwx3', '3Gi', { modes: ['ReadWriteMany'] }),
    pv('other3', '3Gi', { cls: 'other' }), pv('bound3', '3Gi', { phase: 'Bound', claim: 'someone' }), pv('block3', '3Gi', { mode: 'Block' })];
  assert.equal(pick(claim('1500Mi'), vols), 'v2');
  assert.equal(pick(claim('3Gi'), vols), 'v5');
  assert.equal(pick(claim('1Gi', { modes: ['ReadWriteMany'] }), vols), 'rwx3');
  assert.equal(pick(claim('1Gi', { cls: 'other' }), vols), 'other3');
  assert.equal(pick(claim('11Gi'), vols), undefined);
  assert.equal(pick(claim('1Gi', { selector: { tier: 'gold' } }), [...vols, pv('gold8', '8Gi', { labels: { tier: 'gold' } })]), 'gold8');
  assert.equal(pick(claim('1Gi'), [pv('pending', '1Gi', { phase: 'Pending' })]), undefined, 'a volume not yet Available is skipped');
});

test('a volume pre-bound to the claim wins; delayed binding needs a node; node affinity filters', () => {
  const vols = [pv('v1', '1Gi'), pv('mine', '5Gi', { claim: 'data' })];
  assert.equal(pick(claim('1Gi'), vols), 'mine');
  const local = [pv('a', '1Gi', { node: 'node-a' }), pv('b', '2Gi', { node: 'node-b' })];
  assert.equal(pick(claim('1Gi'), local, { delayBinding: true }), undefined);
  assert.equal(pick(claim('1Gi'), local, { delayBinding: true, node: nodeNamed('node-b') }), 'b');
  assert.equal(pick(claim('1Gi'), local, { delayBinding: true, node: nodeNamed('node-c') }), undefined);
  assert.equal(volumeMismatch(pv('x', '1Gi'), claim('2Gi')), 'requested PV is too small');
  assert.equal(volumeMismatch(pv('x', '3Gi', { cls: 'z' }), claim('2Gi')), 'storageClassName does not match');
  assert.equal(volumeMismatch(pv('x', '3Gi'), claim('2Gi')), undefined);
});

test('DefaultStorageClass: unset class gets the newest default; "" and set classes are kept', () => {
  const sc = (name: string, isDefault: boolean, created: string, beta = false): StorageClass => ({
    provisioner: 'p', metadata: { name, creationTimestamp: created,
      annotations: { [beta ? 'storageclass.beta.kubernetes.io/is-default-class' : 'storageclass.kubernetes.io/is-default-class']: String(isDefault) } },
  });
  const classes = [sc('old', true, '2024-01-01T00:00:00Z'), sc('new', true, '2024-06-01T00:00:00Z', true), sc('plain', false, '2025-01-01T00:00:00Z')];
  assert.equal(defaultStorageClass(classes)?.metadata?.name, 'new');
  assert.equal(defaultStorageClass([classes[2]!]), undefined);
  const unset: PersistentVolumeClaim = { spec: { resources: { requests: { storage: '1Gi' } } } };
  admitPersistentVolumeClaim(unset, classes);
  assert.equal(unset.spec!.storageClassName, 'new');
  const empty: PersistentVolumeClaim = { spec: { storageClassName: '' } };
  admitPersistentVolumeClaim(empty, classes);
  assert.equal(empty.spec!.storageClassName, '');
  const none: PersistentVolumeClaim = { spec: {} };
  admitPersistentVolumeClaim(none, [classes[2]!]);
  assert.equal(none.spec!.storageClassName, undefined);
});
