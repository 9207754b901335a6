/**
 * The ReplicaSet and ReplicationController controllers inside a real
 * `k8ts server`, with a stand-in cluster binding pods and making them
 * Ready: creating to the replica count, status, adoption and release by
 * selector, deletion preferring unscheduled pods, minReadySeconds, and
 * expectations (never more pods than asked for).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { Pod, ReplicationController } from 'kubernetes-types/core/v1.js';
import { startServer, type RunningServer } from '../harness/server.js';
import { startFakeCluster, type FakeCluster } from '../harness/fake-cluster.js';
import { eventually } from '../harness/kubectl.js';
import { Informer, RESOURCES, RestClient } from '../../src/client/index.js';

let server: RunningServer;
let cluster: FakeCluster;
let client: RestClient;

before(async () => {
  server = await startServer({ datastore: 'memory', args: ['--controllers', 'replicaset,replicationcontroller'] });
  cluster = await startFakeCluster({ kubeconfig: server.kubeconfig, nodes: 2 });
  client = RestClient.fromKubeconfig(server.kubeconfig);
});
after(async () => { client?.close(); await cluster?.stop(); await server?.stop(); });

const ns = 'default';
const template = (app: string, extra: Partial<Pod['spec']> = {}) => ({
  metadata: { labels: { app } },
  spec: { containers: [{ name: 'c', image: 'nginx' }], ...extra },
});
const replicaSet = (name: string, replicas: number, extra: Partial<ReplicaSet['spec']> = {}): ReplicaSet => ({
  apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name, namespace: ns },
  spec: { replicas, selector: { matchLabels: { app: name } }, template: template(name), ...extra },
});
const live = async (selector: string): Promise<Pod[]> =>
  (await client.list<Pod>(RESOURCES.pods, { namespace: ns, labelSelector: selector })).items.filter((p) => !p.metadata?.deletionTimestamp);
const getRS = (name: string): Promise<ReplicaSet> => client.get<ReplicaSet>(RESOURCES.replicasets, name, { namespace: ns });
const scaleRS = (name: string, replicas: number): Promise<unknown> =>
  client.patch(RESOURCES.replicasets, name, { spec: { replicas } }, { namespace: ns });

test('creates pods to the replica count, owned by the ReplicaSet, and reports status', async () => {
  const rs = await client.create<ReplicaSet>(RESOURCES.replicasets, replicaSet('web', 3), { namespace: ns });
  await eventually(async () => {
    const s = (await getRS('web')).status;
    return s?.replicas === 3 && s.readyReplicas === 3 && s.availableReplicas === 3 && s.fullyLabeledReplicas === 3 && s.observedGeneration === 1;
  }, 20_000, 'status 3/3/3/3');
  const pods = await live('app=web');
  assert.equal(pods.length, 3);
  for (const p of pods) {
    assert.match(p.metadata!.name!, /^web-[a-z0-9]{5}$/);
    assert.deepEqual(p.metadata!.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata!.uid, controller: true, blockOwnerDeletion: true }]);
  }
  await eventually(async () => {
    const evs = (await client.list<{ reason?: string; involvedObject: { name?: string } } & { metadata: object }>(RESOURCES.events, { namespace: ns })).items;
    return evs.filter((e) => e.reason === 'SuccessfulCreate' && e.involvedObject.name === 'web').length === 3;
  }, 10_000, 'three SuccessfulCreate events');
});

test('adopts matching orphans, releases pods whose labels stop matching, and replaces them', async () => {
  const orphan = await client.create<Pod>(RESOURCES.pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'stray', namespace: ns, labels: { app: 'adopt' } }, spec: template('adopt').spec }, { namespace: ns });
  await client.create(RESOURCES.replicasets, replicaSet('adopt', 2), { namespace: ns });
  await eventually(async () => (await getRS('adopt')).status?.readyReplicas === 2, 20_000, 'two ready');
  const pods = await live('app=adopt');
  assert.equal(pods.length, 2, 'the orphan counts: only one pod created');
  const adopted = pods.find((p) => p.metadata!.uid === orphan.metadata!.uid);
  assert.equal(adopted?.metadata?.ownerReferences?.[0]?.name, 'adopt');

  await client.patch(RESOURCES.pods, 'stray', { metadata: { labels: { app: 'elsewhere' } } }, { namespace: ns });
  await eventually(async () => {
    const p = await client.get<Pod>(RESOURCES.pods, 'stray', { namespace: ns });
    return !p.metadata?.ownerReferences?.length;
  }, 10_000, 'stray released');
  await eventually(async () => (await live('app=adopt')).length === 2, 10_000, 'a replacement pod');
  await client.delete(RESOURCES.pods, 'stray', { namespace: ns });
});

test('scaling down deletes unscheduled and not-ready pods before running ones', async () => {
  await client.create(RESOURCES.replicasets, replicaSet('rank', 2), { namespace: ns });
  await eventually(async () => (await getRS('rank')).status?.readyReplicas === 2, 20_000, 'two ready');
  const running = new Set((await live('app=rank')).map((p) => p.metadata!.uid));
  // Two orphans the stand-in cluster never binds (another scheduler): adopted, then the first to go.
  for (const n of ['pending-1', 'pending-2']) {
    await client.create(RESOURCES.pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name: n, namespace: ns, labels: { app: 'rank' } }, spec: template('rank', { schedulerName: 'nobody' }).spec }, { namespace: ns });
  }
  // Surplus of two: the controller deletes exactly the unscheduled ones.
  await eventually(async () => {
    const pods = await live('app=rank');
    return pods.length === 2 && pods.every((p) => running.has(p.metadata!.uid));
  }, 20_000, 'only the running pods left');
  await scaleRS('rank', 1);
  await eventually(async () => (await live('app=rank')).length === 1, 20_000, 'scaled to one');
  await eventually(async () => (await getRS('rank')).status?.replicas === 1, 10_000, 'status follows');
});

test('never creates more pods than asked for, even in bursts', async () => {
  const created = new Set<string>();
  const inf = new Informer<Pod>(client, RESOURCES.pods, { labelSelector: 'app=burst' });
  inf.onAdd((p) => created.add(p.metadata!.uid!));
  inf.start();
  await inf.waitForSync();
  try {
    await client.create(RESOURCES.replicasets, replicaSet('burst', 30), { namespace: ns });
    await eventually(async () => (await getRS('burst')).status?.readyReplicas === 30, 30_000, '30 ready');
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(created.size, 30, 'exactly 30 pods were ever created');
    await scaleRS('burst', 5);
    await eventually(async () => (await live('app=burst')).length === 5, 20_000, 'scaled to five');
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(created.size, 30, 'scaling down created nothing');
    assert.equal((await live('app=burst')).length, 5);
  } finally { await inf.stop(); }
});

test('minReadySeconds: ready pods become available only after it', async () => {
  await client.create(RESOURCES.replicasets, replicaSet('slow', 2, { minReadySeconds: 4 }), { namespace: ns });
  const s1 = await eventually(async () => {
    const s = (await getRS('slow')).status;
    return s?.readyReplicas === 2 ? s : undefined;
  }, 20_000, 'two ready');
  assert.equal(s1!.availableReplicas ?? 0, 0, 'not yet available');
  await eventually(async () => (await getRS('slow')).status?.availableReplicas === 2, 10_000, 'available after minReadySeconds');
});

test('ReplicationController: the same controller over a map selector', async () => {
  const rc: ReplicationController = {
    apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'legacy', namespace: ns },
    spec: { replicas: 2, selector: { app: 'legacy' }, template: template('legacy') },
  };
  await client.create(RESOURCES.replicationcontrollers, rc, { namespace: ns });
  const get = (): Promise<ReplicationController> => client.get<ReplicationController>(RESOURCES.replicationcontrollers, 'legacy', { namespace: ns });
  await eventually(async () => (await get()).status?.readyReplicas === 2, 20_000, 'two ready');
  const pods = await live('app=legacy');
  assert.equal(pods.length, 2);
  assert.equal(pods[0]!.metadata!.ownerReferences?.[0]?.kind, 'ReplicationController');
  await client.patch(RESOURCES.replicationcontrollers, 'legacy', { spec: { replicas: 0 } }, { namespace: ns });
  await eventually(async () => (await live('app=legacy')).length === 0 && (await get()).status?.replicas === 0, 20_000, 'scaled to zero');
  const evs = (await client.list<{ reason?: string; source?: { component?: string }; involvedObject: { name?: string } } & { metadata: object }>(RESOURCES.events, { namespace: ns })).items;
  assert.ok(evs.some((e) => e.involvedObject.name === 'legacy' && e.reason === 'SuccessfulDelete' && e.source?.component === 'replication-controller'));
});
