/**
 * The node agent's LocalPathCleaner, run in this process against a real
 * `k8ts server` (API only) with a temporary storage dir: it records the dir
 * on its Node, removes the directory of a deleted local-path PV pinned to its
 * node and lets the PV go, and refuses (keeping the finalizer, with a Warning
 * Event) a path outside the storage dir, also one that escapes through a
 * symlink; PVs of other nodes are not its business.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Event, Node, PersistentVolume } from 'kubernetes-types/core/v1.js';
import { createLogger } from '../../src/api/log.js';
import { RestClient } from '../../src/client/rest-client.js';
import { RESOURCES } from '../../src/client/resource.js';
import { LocalPathCleaner, isStrictlyInside } from '../../src/kubelet/local-path-cleaner.js';
import { startServer, type RunningServer } from '../harness/server.js';
import { eventually } from '../harness/kubectl.js';

test('isStrictlyInside: only paths below the dir, by name', () => {
  assert.equal(isStrictlyInside('/s', '/s/pvc-1'), true);
  assert.equal(isStrictlyInside('/s/', '/s/a/b'), true);
  assert.equal(isStrictlyInside('/s', '/s'), false);
  assert.equal(isStrictlyInside('/s', '/s/'), false);
  assert.equal(isStrictlyInside('/s', '/s/../etc'), false);
  assert.equal(isStrictlyInside('/s', '/sx/pvc'), false);
  assert.equal(isStrictlyInside('/s', '/'), false);
  assert.equal(isStrictlyInside('/s', 'pvc-1'), false);
  assert.equal(isStrictlyInside('/s', '/s/..pvc'), true);
});

test('a relative storage dir is refused at construction', () => {
  assert.throws(() => new LocalPathCleaner({ client: {} as RestClient, nodeName: 'n', storageDir: 'storage', logger: createLogger('t') }), /must be absolute/);
});

let server: RunningServer;
let client: RestClient;
let cleaner: LocalPathCleaner;
const root = mkdtempSync(join(tmpdir(), 'k8ts-local-path-'));
const storage = join(root, 'storage');
const outside = join(root, 'outside');

before(async () => {
  mkdirSync(storage);
  mkdirSync(outside);
  server = await startServer({ args: ['--disable-controllers'] });
  client = RestClient.fromKubeconfig(server.kubeconfig, { component: 'local-path-cleaner-test' });
  // node-x's hostname label is not its name (a kubelet labels the machine's hostname).
  for (const [name, host] of [['node-x', 'host-x'], ['node-y', 'node-y']] as const) {
    await client.create<Node>(RESOURCES.nodes, { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': host } } });
  }
  cleaner = new LocalPathCleaner({ client, nodeName: 'node-x', storageDir: storage, logger: createLogger('local-path-cleaner', { level: 'error' }) });
  cleaner.start();
});
after(async () => {
  await cleaner?.stop();
  client?.close();
  await server?.stop();
  rmSync(root, { recursive: true, force: true });
});

function volume(name: string, path: string, node: string): PersistentVolume {
  return {
    apiVersion: 'v1', kind: 'PersistentVolume',
    metadata: { name, annotations: { 'pv.kubernetes.io/provisioned-by': 'rancher.io/local-path' }, finalizers: ['k8ts.io/local-path-cleanup'] },
    spec: {
      capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Delete', storageClassName: 'local-path',
      hostPath: { path, type: 'DirectoryOrCreate' },
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }] } },
    },
  };
}
const pvOrUndefined = async (name: string): Promise<PersistentVolume | undefined> => {
  try { return await client.get<PersistentVolume>(RESOURCES.persistentvolumes, name); } catch (e) { if ((e as { code?: number }).code === 404) return undefined; throw e; }
};
const withData = (dir: string): string => {
  mkdirSync(join(dir, 'sub'), { recursive: true });
  writeFileSync(join(dir, 'sub', 'file'), 'data');
  return dir;
};
const dropFinalizer = (name: string): Promise<unknown> => client.patch(RESOURCES.persistentvolumes, name, { metadata: { finalizers: null } });

test('the cleaner records its storage dir on its Node', async () => {
  await eventually(async () => (await client.get<Node>(RESOURCES.nodes, 'node-x')).metadata?.annotations?.['k8ts.io/local-path-storage-dir'] === storage,
    10_000, 'node-x annotated');
  assert.equal((await client.get<Node>(RESOURCES.nodes, 'node-y')).metadata?.annotations?.['k8ts.io/local-path-storage-dir'], undefined);
});

test('a deleted volume of this node: its directory is removed, then the volume goes', async () => {
  const dir = withData(join(storage, 'pvc-1_default_data'));
  await client.create(RESOURCES.persistentvolumes, volume('pvc-1', dir, 'node-x'));
  // Not deleted yet: untouched.
  await new Promise((r) => setTimeout(r, 500));
  assert.ok(existsSync(join(dir, 'sub', 'file')));
  await client.delete(RESOURCES.persistentvolumes, 'pvc-1');
  await eventually(async () => !(await pvOrUndefined('pvc-1')), 10_000, 'pvc-1 gone');
  assert.equal(existsSync(dir), false, 'the directory was removed');
  assert.ok(existsSync(storage), 'the storage dir itself stays');
});

test('a volume pinned by the node\'s hostname label is this node\'s too', async () => {
  const dir = withData(join(storage, 'pvc-h_default_data'));
  await client.create(RESOURCES.persistentvolumes, volume('pvc-h', dir, 'host-x'));
  await client.delete(RESOURCES.persistentvolumes, 'pvc-h');
  await eventually(async () => !(await pvOrUndefined('pvc-h')), 10_000, 'pvc-h gone');
  assert.equal(existsSync(dir), false, 'the directory was removed');
});

test('a volume whose directory is already gone is let go', async () => {
  await client.create(RESOURCES.persistentvolumes, volume('pvc-gone', join(storage, 'never-made'), 'node-x'));
  await client.delete(RESOURCES.persistentvolumes, 'pvc-gone');
  await eventually(async () => !(await pvOrUndefined('pvc-gone')), 10_000, 'pvc-gone gone');
});

test('a path outside the storage dir, or escaping it through a symlink, is refused and the finalizer kept', async () => {
  const victim = withData(join(outside, 'victim'));
  symlinkSync(outside, join(storage, 'link'));
  await client.create(RESOURCES.persistentvolumes, volume('pvc-out', victim, 'node-x'));
  await client.create(RESOURCES.persistentvolumes, volume('pvc-dotdot', `${storage}/../outside/victim`, 'node-x'));
  await client.create(RESOURCES.persistentvolumes, volume('pvc-link', join(storage, 'link', 'victim'), 'node-x'));
  for (const n of ['pvc-out', 'pvc-dotdot', 'pvc-link']) await client.delete(RESOURCES.persistentvolumes, n);
  for (const n of ['pvc-out', 'pvc-dotdot', 'pvc-link']) {
    await eventually(async () => (await client.list<Event>(RESOURCES.events, { namespace: 'default', fieldSelector: `involvedObject.name=${n}` }))
      .items.some((e) => e.type === 'Warning' && e.reason === 'VolumeFailedDelete' && /refused/.test(e.message ?? '')), 10_000, `refusal event for ${n}`);
    const pv = await pvOrUndefined(n);
    assert.ok(pv?.metadata?.deletionTimestamp, `${n} still there, being deleted`);
    assert.deepEqual(pv.metadata.finalizers, ['k8ts.io/local-path-cleanup']);
  }
  assert.ok(existsSync(join(victim, 'sub', 'file')), 'the outside directory is untouched');
  for (const n of ['pvc-out', 'pvc-dotdot', 'pvc-link']) await dropFinalizer(n);
});

test('a volume of another node is not this cleaner\'s', async () => {
  const dir = withData(join(storage, 'pvc-y_default_data'));
  await client.create(RESOURCES.persistentvolumes, volume('pvc-y', dir, 'node-y'));
  await client.delete(RESOURCES.persistentvolumes, 'pvc-y');
  await new Promise((r) => setTimeout(r, 1500));
  assert.ok(existsSync(join(dir, 'sub', 'file')));
  assert.ok((await pvOrUndefined('pvc-y'))?.metadata?.deletionTimestamp);
  await dropFinalizer('pvc-y');
});
