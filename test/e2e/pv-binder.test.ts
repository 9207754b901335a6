/**
 * The PersistentVolume binder under `k8ts server`, driven and checked with
 * kubectl: claims bind to the smallest fitting volume, the default
 * StorageClass is applied, WaitForFirstConsumer waits for the selected node,
 * and released volumes are retained or deleted by their reclaim policy.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type RunningServer } from '../harness/server.js';
import { findKubectl } from '../harness/clients.js';
import { Kubectl, eventually } from '../harness/kubectl.js';

const bin = findKubectl(35);
const skip = bin.path ? false : `kubectl 1.35 unavailable: ${bin.reason}`;
let server: RunningServer;
let k: Kubectl;

before(async () => {
  if (skip) return;
  server = await startServer({ args: ['--controllers', 'persistentvolume-binder'] });
  k = new Kubectl(bin.path!, server.kubeconfig);
});
after(async () => { await server?.stop(); });

interface PvOpts { size: string; cls?: string; modes?: string[]; policy?: string; labels?: Record<string, string>; node?: string }
function pv(name: string, o: PvOpts): Record<string, unknown> {
  return {
    apiVersion: 'v1', kind: 'PersistentVolume',
    metadata: { name, ...(o.labels ? { labels: o.labels } : {}) },
    spec: {
      capacity: { storage: o.size }, accessModes: o.modes ?? ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: o.policy ?? 'Retain',
      ...(o.cls !== undefined ? { storageClassName: o.cls } : {}),
      ...(o.node
        ? { local: { path: `/mnt/${name}` }, nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [o.node] }] }] } } }
        : { hostPath: { path: `/tmp/${name}` } }),
    },
  };
}
interface PvcOpts { size: string; cls?: string | null; modes?: string[]; selector?: Record<string, string> }
function pvc(name: string, o: PvcOpts): Record<string, unknown> {
  return {
    apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name },
    spec: {
      accessModes: o.modes ?? ['ReadWriteOnce'], resources: { requests: { storage: o.size } },
      ...(o.cls !== undefined && o.cls !== null ? { storageClassName: o.cls } : {}),
      ...(o.selector ? { selector: { matchLabels: o.selector } } : {}),
    },
  };
}
const apply = (...objs: Record<string, unknown>[]): void => {
  k.ok(['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objs }) });
};
/** `kubectl get pvc NAME --no-headers` columns: NAME STATUS VOLUME CAPACITY ACCESS MODES STORAGECLASS ... */
const pvcRow = (name: string): string[] => k.ok(['get', 'pvc', name, '--no-headers']).trim().split(/\s+/);
const boundTo = (name: string): Promise<string[]> => eventually(() => {
  const row = pvcRow(name);
  return row[1] === 'Bound' ? row : undefined;
}, 15_000, `${name} Bound`) as Promise<string[]>;
const pvPhase = (name: string): string => k.ok(['get', 'pv', name, '-o', 'jsonpath={.status.phase}']);

test('a claim binds to the smallest volume with its class, access modes and selector', { skip }, async () => {
  apply(
    pv('small-1g', { size: '1Gi', cls: 'manual' }),
    pv('mid-5g', { size: '5Gi', cls: 'manual' }),
    pv('big-10g', { size: '10Gi', cls: 'manual' }),
    pv('rwx-2g', { size: '2Gi', cls: 'manual', modes: ['ReadWriteMany'] }),
    pv('other-3g', { size: '3Gi', cls: 'fast' }),
    pv('gold-20g', { size: '20Gi', cls: 'manual', labels: { tier: 'gold' } }),
  );
  await eventually(() => k.ok(['get', 'pv', '-o', 'jsonpath={.items[*].status.phase}']).split(' ').every((p) => p === 'Available'), 10_000, 'volumes Available');
  apply(pvc('claim-a', { size: '2Gi', cls: 'manual' }));
  const a = await boundTo('claim-a');
  assert.deepEqual(a.slice(0, 6), ['claim-a', 'Bound', 'mid-5g', '5Gi', 'RWO', 'manual']);
  const pvRow = k.ok(['get', 'pv', 'mid-5g', '--no-headers']).trim().split(/\s+/);
  // NAME CAPACITY ACCESS MODES RECLAIM POLICY STATUS CLAIM STORAGECLASS
  assert.deepEqual(pvRow.slice(0, 7), ['mid-5g', '5Gi', 'RWO', 'Retain', 'Bound', 'default/claim-a', 'manual']);
  const claim = JSON.parse(k.ok(['get', 'pvc', 'claim-a', '-o', 'json']));
  assert.equal(claim.metadata.annotations['pv.kubernetes.io/bind-completed'], 'yes');
  assert.equal(claim.metadata.annotations['pv.kubernetes.io/bound-by-controller'], 'yes');
  const vol = JSON.parse(k.ok(['get', 'pv', 'mid-5g', '-o', 'json']));
  assert.equal(vol.spec.claimRef.uid, claim.metadata.uid);
  assert.equal(vol.metadata.annotations['pv.kubernetes.io/bound-by-controller'], 'yes');

  apply(pvc('claim-rwx', { size: '1Gi', cls: 'manual', modes: ['ReadWriteMany'] }));
  assert.equal((await boundTo('claim-rwx'))[2], 'rwx-2g');
  apply(pvc('claim-gold', { size: '1Gi', cls: 'manual', selector: { tier: 'gold' } }));
  assert.equal((await boundTo('claim-gold'))[2], 'gold-20g');
  apply(pvc('claim-small', { size: '500Mi', cls: 'manual' }));
  assert.equal((await boundTo('claim-small'))[2], 'small-1g');

  // Nothing left fits 50Gi: Pending, with an Event.
  apply(pvc('claim-huge', { size: '50Gi', cls: 'manual' }));
  await eventually(() => /ExternalProvisioning|ProvisioningFailed/.test(
    k.ok(['get', 'events', '--field-selector', 'involvedObject.name=claim-huge', '-o', 'jsonpath={.items[*].reason}'])), 10_000, 'claim-huge event');
  assert.equal(pvcRow('claim-huge')[1], 'Pending');
  // A volume that fits arrives later: the claim binds to it.
  apply(pv('huge-60g', { size: '60Gi', cls: 'manual' }));
  assert.equal((await boundTo('claim-huge'))[2], 'huge-60g');
});

test('claims without a class get the default StorageClass; "" opts out', { skip }, async () => {
  apply({
    apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass',
    metadata: { name: 'standard', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
    provisioner: 'kubernetes.io/no-provisioner', volumeBindingMode: 'Immediate',
  }, pv('std-3g', { size: '3Gi', cls: 'standard' }), pv('classless-3g', { size: '3Gi', cls: '' }));
  await eventually(() => pvPhase('std-3g') === 'Available' && pvPhase('classless-3g') === 'Available', 10_000, 'volumes Available');
  // Admission reads the classes from the server's cache: give it a moment after the create.
  await eventually(() => k.ok(['get', 'storageclass', 'standard', '--no-headers']).includes('(default)'), 5000, 'default class listed');
  apply(pvc('claim-default', { size: '1Gi' }));
  assert.equal(k.ok(['get', 'pvc', 'claim-default', '-o', 'jsonpath={.spec.storageClassName}']), 'standard');
  assert.equal((await boundTo('claim-default'))[2], 'std-3g');
  apply(pvc('claim-none', { size: '1Gi', cls: '' }));
  assert.equal(k.ok(['get', 'pvc', 'claim-none', '-o', 'jsonpath={.spec.storageClassName}']), '');
  assert.equal((await boundTo('claim-none'))[2], 'classless-3g');
});

test('WaitForFirstConsumer binds only once the selected node is known, to a volume on that node', { skip }, async () => {
  apply(
    ...['node-a', 'node-b'].map((n) => ({ apiVersion: 'v1', kind: 'Node', metadata: { name: n, labels: { 'kubernetes.io/hostname': n } } })),
    { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'local' }, provisioner: 'kubernetes.io/no-provisioner', volumeBindingMode: 'WaitForFirstConsumer' },
    pv('local-a', { size: '1Gi', cls: 'local', node: 'node-a' }),
    pv('local-b', { size: '2Gi', cls: 'local', node: 'node-b' }),
  );
  await eventually(() => pvPhase('local-a') === 'Available' && pvPhase('local-b') === 'Available', 10_000, 'local volumes Available');
  apply(pvc('claim-local', { size: '1Gi', cls: 'local' }));
  await eventually(() => k.ok(['get', 'events', '--field-selector', 'involvedObject.name=claim-local', '-o', 'jsonpath={.items[*].message}'])
    .includes('waiting for first consumer to be created before binding'), 10_000, 'WaitForFirstConsumer event');
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(pvcRow('claim-local')[1], 'Pending');
  assert.equal(pvPhase('local-a'), 'Available');
  // The scheduler picked node-b: the smaller local-a does not fit that node, local-b does.
  k.ok(['annotate', 'pvc', 'claim-local', 'volume.kubernetes.io/selected-node=node-b']);
  assert.equal((await boundTo('claim-local'))[2], 'local-b');
  assert.equal(pvPhase('local-a'), 'Available');
});

test('deleting a claim releases its volume: Retain keeps it Released, Delete removes it', { skip }, async () => {
  apply(pv('keep-1g', { size: '1Gi', cls: 'reclaim', policy: 'Retain' }), pv('drop-2g', { size: '2Gi', cls: 'reclaim', policy: 'Delete' }));
  apply(pvc('claim-keep', { size: '1Gi', cls: 'reclaim' }));
  assert.equal((await boundTo('claim-keep'))[2], 'keep-1g');
  apply(pvc('claim-drop', { size: '1Gi', cls: 'reclaim' }));
  assert.equal((await boundTo('claim-drop'))[2], 'drop-2g');

  k.ok(['delete', 'pvc', 'claim-keep', 'claim-drop']);
  await eventually(() => pvPhase('keep-1g') === 'Released', 15_000, 'keep-1g Released');
  await eventually(() => k.run(['get', 'pv', 'drop-2g']).status !== 0, 15_000, 'drop-2g deleted');
  assert.match(k.ok(['get', 'pv', 'keep-1g', '--no-headers']), /keep-1g\s+1Gi\s+RWO\s+Retain\s+Released\s+default\/claim-keep/);
  // A Released volume is not bound again.
  apply(pvc('claim-again', { size: '1Gi', cls: 'reclaim' }));
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(pvcRow('claim-again')[1], 'Pending');
  assert.equal(pvPhase('keep-1g'), 'Released');
});
