/**
 * k3s's local-path storage in the controller manager: the PV it builds for a
 * claim (pure), then against one `k8ts server --simulated-nodes 2`: the
 * default StorageClass, a StatefulSet whose claims (no class named) are
 * provisioned on the nodes its pods were scheduled to, deletion of those
 * volumes through the cleanup finalizer (which the provisioner lifts for
 * simulated nodes), claims of another provisioner left alone, and the
 * ProvisioningFailed Event for an access mode a node directory cannot serve.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Event, Node, PersistentVolume, PersistentVolumeClaim, Pod } from 'kubernetes-types/core/v1.js';
import type { StorageClass } from 'kubernetes-types/storage/v1.js';
import { RestClient } from '../../src/client/rest-client.js';
import { RESOURCES } from '../../src/client/resource.js';
import { localPathVolume, nodeStorageDir, unprovisionableReason } from '../../src/controllers/local-path/index.js';
import { parseDisableFlag } from '../../src/cli/disable-flag.js';
import { startServer, type RunningServer } from '../harness/server.js';
import { eventually } from '../harness/kubectl.js';

const claim = (o: { modes?: string[]; mode?: string; storage?: string } = {}): PersistentVolumeClaim => ({
  metadata: { name: 'data-web-0', namespace: 'shop', uid: '1234-abcd', resourceVersion: '7' },
  spec: {
    accessModes: (o.modes ?? ['ReadWriteOnce']),
    ...(o.mode ? { volumeMode: o.mode } : {}),
    resources: { requests: o.storage === '' ? {} : { storage: o.storage ?? '2Gi' } },
    storageClassName: 'local-path',
  },
});
const sc: StorageClass = { metadata: { name: 'local-path' }, provisioner: 'rancher.io/local-path', reclaimPolicy: 'Retain', mountOptions: ['noatime'] };
const node = (annotations?: Record<string, string>, labels?: Record<string, string>): Node =>
  ({ metadata: { name: 'n1', ...(annotations ? { annotations } : {}), labels: labels ?? { 'kubernetes.io/hostname': 'host-1' } } });

test('the volume for a claim: a hostPath directory on the node, pinned there, pre-bound to the claim', () => {
  const pv = localPathVolume(claim(), sc, node({ 'k8ts.io/local-path-storage-dir': '/data/k8ts/storage' }));
  assert.equal(pv.metadata?.name, 'pvc-1234-abcd');
  assert.deepEqual(pv.metadata?.annotations, { 'pv.kubernetes.io/provisioned-by': 'rancher.io/local-path' });
  assert.deepEqual(pv.metadata?.finalizers, ['k8ts.io/local-path-cleanup']);
  assert.deepEqual(pv.spec?.hostPath, { path: '/data/k8ts/storage/pvc-1234-abcd_shop_data-web-0', type: 'DirectoryOrCreate' });
  assert.deepEqual(pv.spec?.capacity, { storage: '2Gi' });
  assert.deepEqual(pv.spec?.accessModes, ['ReadWriteOnce']);
  assert.equal(pv.spec?.persistentVolumeReclaimPolicy, 'Retain');
  assert.equal(pv.spec?.storageClassName, 'local-path');
  assert.deepEqual(pv.spec?.mountOptions, ['noatime']);
  assert.deepEqual(pv.spec?.nodeAffinity?.required?.nodeSelectorTerms,
    [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['host-1'] }] }]);
  assert.deepEqual(pv.spec?.claimRef, { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: 'shop', name: 'data-web-0', uid: '1234-abcd', resourceVersion: '7' });
  // A class without reclaimPolicy deletes (the API default); a node without the hostname label is named by its name.
  const bare = localPathVolume(claim(), { metadata: { name: 'local-path' }, provisioner: 'rancher.io/local-path' }, node(undefined, {}));
  assert.equal(bare.spec?.persistentVolumeReclaimPolicy, 'Delete');
  assert.deepEqual(bare.spec?.nodeAffinity?.required?.nodeSelectorTerms?.[0]?.matchExpressions?.[0]?.values, ['n1']);
  assert.equal(bare.spec?.hostPath?.path, '/var/lib/k8ts/storage/pvc-1234-abcd_shop_data-web-0');
});

test('the storage dir of a node: its annotation when absolute and normal, else the default', () => {
  assert.equal(nodeStorageDir(node()), '/var/lib/k8ts/storage');
  assert.equal(nodeStorageDir(node({ 'k8ts.io/local-path-storage-dir': 'relative/dir' })), '/var/lib/k8ts/storage');
  assert.equal(nodeStorageDir(node({ 'k8ts.io/local-path-storage-dir': '/srv//k8ts/./storage/' })), '/srv/k8ts/storage/');
});

test('claims a node directory cannot serve are refused with upstream\'s reason', () => {
  assert.equal(unprovisionableReason(claim()), undefined);
  assert.equal(unprovisionableReason(claim({ modes: ['ReadWriteOncePod'] })), undefined);
  assert.match(unprovisionableReason(claim({ modes: ['ReadWriteMany'] })) ?? '', /only supports ReadWriteOnce and ReadWriteOncePod/);
  assert.match(unprovisionableReason(claim({ mode: 'Block' })) ?? '', /Filesystem/);
  assert.match(unprovisionableReason(claim({ storage: '' })) ?? '', /requests no storage/);
});

let server: RunningServer;
let client: RestClient;
const NS = 'default';

before(async () => {
  server = await startServer({ args: ['--simulated-nodes', '2'] });
  client = RestClient.fromKubeconfig(server.kubeconfig, { component: 'local-path-test' });
});
after(async () => {
  client?.close();
  await server?.stop();
});

const getOrUndefined = async <T extends object>(p: Promise<T>): Promise<T | undefined> => {
  try { return await p; } catch (e) { if ((e as { code?: number }).code === 404) return undefined; throw e; }
};
const claimOf = (name: string): Promise<PersistentVolumeClaim | undefined> =>
  getOrUndefined(client.get<PersistentVolumeClaim>(RESOURCES.persistentvolumeclaims, name, { namespace: NS }));
const eventReasons = async (name: string): Promise<string[]> =>
  (await client.list<Event>(RESOURCES.events, { namespace: NS, fieldSelector: `involvedObject.name=${name}` })).items.map((e) => `${e.type}/${e.reason}`);

test('the default StorageClass local-path exists, as k3s ships it', async () => {
  const cls = (await eventually(() => getOrUndefined(client.get<StorageClass>(RESOURCES.storageclasses, 'local-path')), 20_000, 'StorageClass local-path'))!;
  assert.equal(cls.provisioner, 'rancher.io/local-path');
  assert.equal(cls.volumeBindingMode, 'WaitForFirstConsumer');
  assert.equal(cls.reclaimPolicy, 'Delete');
  assert.equal(cls.metadata?.annotations?.['storageclass.kubernetes.io/is-default-class'], 'true');
});

test('a StatefulSet\'s claims are provisioned on its pods\' nodes, bound, and deleted with their volumes', { timeout: 120_000 }, async () => {
  await eventually(async () => (await client.list<Node>(RESOURCES.nodes)).items.length === 2, 30_000, '2 nodes');
  await eventually(() => getOrUndefined(client.get(RESOURCES.storageclasses, 'local-path')), 20_000, 'StorageClass local-path');
  await client.create(RESOURCES.statefulsets, {
    apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'web', namespace: NS },
    spec: {
      serviceName: 'web', replicas: 2, selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          // One per node: each claim lands on a different node.
          affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'kubernetes.io/hostname' }] } },
          containers: [{ name: 'web', image: 'web:1', volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
        },
      },
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
    },
  });
  const nodes = new Set<string>();
  for (const i of [0, 1]) {
    const pod = (await eventually(async () => {
      const p = await getOrUndefined(client.get<Pod>(RESOURCES.pods, `web-${i}`, { namespace: NS }));
      return p?.status?.phase === 'Running' ? p : undefined;
    }, 60_000, `web-${i} Running`))!;
    const c = (await claimOf(`data-web-${i}`))!;
    assert.equal(c.status?.phase, 'Bound');
    assert.equal(c.spec?.storageClassName, 'local-path', 'the default class was applied');
    assert.equal(c.metadata?.annotations?.['volume.kubernetes.io/selected-node'], pod.spec?.nodeName);
    assert.equal(c.metadata?.annotations?.['volume.kubernetes.io/storage-provisioner'], 'rancher.io/local-path');
    assert.equal(c.metadata?.annotations?.['volume.beta.kubernetes.io/storage-provisioner'], 'rancher.io/local-path');
    const pv = await client.get<PersistentVolume>(RESOURCES.persistentvolumes, c.spec!.volumeName!);
    assert.equal(pv.metadata?.name, `pvc-${c.metadata?.uid}`);
    assert.equal(pv.status?.phase, 'Bound');
    assert.deepEqual(pv.spec?.nodeAffinity?.required?.nodeSelectorTerms?.[0]?.matchExpressions?.[0]?.values, [pod.spec?.nodeName]);
    assert.equal(pv.spec?.hostPath?.path, `/var/lib/k8ts/storage/pvc-${c.metadata?.uid}_${NS}_data-web-${i}`);
    assert.equal(pv.spec?.claimRef?.uid, c.metadata?.uid);
    assert.equal(pv.spec?.persistentVolumeReclaimPolicy, 'Delete');
    assert.deepEqual(pv.metadata?.finalizers, ['k8ts.io/local-path-cleanup']);
    assert.ok((await eventReasons(`data-web-${i}`)).includes('Normal/ProvisioningSucceeded'));
    nodes.add(pod.spec!.nodeName!);
  }
  assert.equal(nodes.size, 2, 'the two claims were provisioned on two nodes');

  const volumes = await Promise.all([0, 1].map(async (i) => (await claimOf(`data-web-${i}`))!.spec!.volumeName!));
  await client.patch(RESOURCES.statefulsets, 'web', { spec: { replicas: 0 } }, { namespace: NS });
  await eventually(async () => (await client.list<Pod>(RESOURCES.pods, { namespace: NS, labelSelector: 'app=web' })).items.length === 0, 30_000, 'web pods gone');
  for (const i of [0, 1]) await client.delete(RESOURCES.persistentvolumeclaims, `data-web-${i}`, { namespace: NS });
  for (const v of volumes) {
    await eventually(async () => !(await getOrUndefined(client.get(RESOURCES.persistentvolumes, v))), 30_000, `volume ${v} deleted`);
  }
});

test('a claim of another provisioner is left alone; one asking for ReadWriteMany fails with an Event', { timeout: 60_000 }, async () => {
  await client.create(RESOURCES.storageclasses, {
    apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'other' }, provisioner: 'example.com/other', volumeBindingMode: 'WaitForFirstConsumer',
  });
  const pvcFor = (name: string, cls: string, modes: string[]): PersistentVolumeClaim => ({
    apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name, namespace: NS },
    spec: { storageClassName: cls, accessModes: modes, resources: { requests: { storage: '1Gi' } } },
  });
  const podFor = (name: string, claimName: string): Pod => ({
    apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: NS },
    spec: { containers: [{ name: 'c', image: 'x' }], volumes: [{ name: 'v', persistentVolumeClaim: { claimName } }] },
  });
  await client.create(RESOURCES.persistentvolumeclaims, pvcFor('foreign', 'other', ['ReadWriteOnce']));
  await client.create(RESOURCES.persistentvolumeclaims, pvcFor('shared', 'local-path', ['ReadWriteMany']));
  await client.create(RESOURCES.pods, podFor('uses-foreign', 'foreign'));
  await client.create(RESOURCES.pods, podFor('uses-shared', 'shared'));

  // The scheduler picks a node for both (a provisioner may serve them): the annotation appears.
  for (const n of ['foreign', 'shared']) {
    await eventually(async () => (await claimOf(n))?.metadata?.annotations?.['volume.kubernetes.io/selected-node'], 30_000, `${n} selected-node`);
  }
  await eventually(async () => (await eventReasons('shared')).includes('Warning/ProvisioningFailed'), 20_000, 'ProvisioningFailed on shared');
  const shared = (await claimOf('shared'))!;
  assert.equal(shared.status?.phase, 'Pending');
  assert.ok(!(await getOrUndefined(client.get(RESOURCES.persistentvolumes, `pvc-${shared.metadata?.uid}`))), 'no volume for the RWX claim');

  // Give the provisioner time to (wrongly) act on the foreign claim.
  await new Promise((r) => setTimeout(r, 2000));
  const foreign = (await claimOf('foreign'))!;
  assert.equal(foreign.status?.phase, 'Pending');
  assert.equal(foreign.metadata?.annotations?.['volume.kubernetes.io/storage-provisioner'], undefined);
  assert.ok(!(await getOrUndefined(client.get(RESOURCES.persistentvolumes, `pvc-${foreign.metadata?.uid}`))), 'no volume for the foreign claim');
  const reasons = await eventReasons('foreign');
  assert.ok(!reasons.some((r) => /Provisioning(Succeeded|Failed)$|\/Provisioning$/.test(r)), `no provisioner events on the foreign claim: ${reasons.join(', ')}`);
});

test('--disable local-storage removes the provisioner (and so the class) from the controllers', async () => {
  assert.deepEqual(parseDisableFlag(undefined), []);
  assert.deepEqual(parseDisableFlag(['local-storage']), ['-local-path-provisioner']);
  assert.deepEqual(parseDisableFlag([' local-storage,']), ['-local-path-provisioner']);
  assert.throws(() => parseDisableFlag(['traefik']), /invalid --disable "traefik": valid items: local-storage, servicelb/);
  const plain = await startServer({ args: ['--disable', 'local-storage', '--disable-scheduler'] });
  const c = RestClient.fromKubeconfig(plain.kubeconfig, { component: 'local-path-test' });
  try {
    // The serviceaccount controller making `default` shows the controller manager is running.
    await eventually(() => getOrUndefined(c.get(RESOURCES.serviceaccounts, 'default', { namespace: 'default' })), 20_000, 'the default ServiceAccount');
    await new Promise((r) => setTimeout(r, 1000));
    assert.deepEqual((await c.list(RESOURCES.storageclasses)).items, []);
  } finally {
    c.close();
    await plain.stop();
  }
});
