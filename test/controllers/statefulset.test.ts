/**
 * The StatefulSet controller against `k8ts server` through the API:
 * Parallel creates every pod without waiting while OrderedReady waits for
 * each, OnDelete leaves running pods alone until deleted, failed pods are
 * recreated, and whenDeleted Delete makes the set an owner of its claims.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { PersistentVolumeClaim, Pod } from 'kubernetes-types/core/v1.js';
import { RESOURCES, RestClient } from '../../src/client/index.js';
import { startServer, type RunningServer } from '../harness/server.js';
import { startFakeCluster, type FakeCluster } from '../harness/fake-cluster.js';
import { eventually } from '../harness/kubectl.js';

const NS = 'default';
let server: RunningServer;
let client: RestClient;

before(async () => {
  server = await startServer({ args: ['--controllers', 'statefulset,garbagecollector'] });
  client = RestClient.fromKubeconfig(server.kubeconfig, { component: 'statefulset-test' });
});
after(async () => { client?.close(); await server?.stop(); });

function sts(name: string, spec: Partial<StatefulSet['spec']> = {}): StatefulSet {
  return {
    apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name, namespace: NS },
    spec: {
      replicas: 3, serviceName: name, selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'img:1' }] } },
      ...spec,
    } as StatefulSet['spec'],
  };
}
const podsOf = async (app: string): Promise<Pod[]> =>
  (await client.list<Pod>(RESOURCES.pods, { namespace: NS, labelSelector: `app=${app}` })).items.filter((p) => !p.metadata!.deletionTimestamp);
const names = (ps: Pod[]): string => ps.map((p) => p.metadata!.name).sort().join();

test('Parallel creates all pods at once; OrderedReady waits for each to be Running and Ready', async () => {
  // No fake cluster yet: nothing ever becomes ready.
  await client.create(RESOURCES.statefulsets, sts('par', { podManagementPolicy: 'Parallel' }), { namespace: NS });
  await client.create(RESOURCES.statefulsets, sts('ord'), { namespace: NS });
  await eventually(async () => names(await podsOf('par')) === 'par-0,par-1,par-2', 15_000, 'all Parallel pods');
  await eventually(async () => names(await podsOf('ord')) === 'ord-0', 15_000, 'ord-0');
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(names(await podsOf('ord')), 'ord-0', 'OrderedReady creates nothing past an unready pod');
  const cluster = await startFakeCluster({ kubeconfig: server.kubeconfig, nodes: 1 });
  try {
    await eventually(async () => names(await podsOf('ord')) === 'ord-0,ord-1,ord-2', 20_000, 'ord-0..2 once each runs');
    const s = (await eventually(async () => {
      const got = await client.get<StatefulSet>(RESOURCES.statefulsets, 'ord', { namespace: NS });
      return got.status?.readyReplicas === 3 ? got : undefined;
    }, 20_000, 'ord status'))!;
    assert.equal(s.status!.replicas, 3);
    assert.equal(s.status!.availableReplicas, 3);
    assert.equal(s.status!.currentRevision, s.status!.updateRevision);
    assert.match(s.status!.currentRevision!, /^ord-\w+$/);
    for (const p of await podsOf('ord')) assert.equal(p.metadata!.labels!['controller-revision-hash'], s.status!.currentRevision);
  } finally {
    await cluster.stop();
  }
});

test('OnDelete keeps old pods until deleted; failed pods are recreated', async () => {
  const cluster = await startFakeCluster({ kubeconfig: server.kubeconfig, nodes: 1 });
  try {
    await client.create(RESOURCES.statefulsets, sts('od', { replicas: 2, updateStrategy: { type: 'OnDelete' } }), { namespace: NS });
    await eventually(async () => (await podsOf('od')).filter((p) => p.status?.phase === 'Running').length === 2, 20_000, 'od running');
    await client.patch(RESOURCES.statefulsets, 'od', { spec: { template: { spec: { containers: [{ name: 'c', image: 'img:2' }] } } } }, { namespace: NS, type: 'strategic' });
    const updated = (await eventually(async () => {
      const s = await client.get<StatefulSet>(RESOURCES.statefulsets, 'od', { namespace: NS });
      return s.status?.observedGeneration === s.metadata!.generation && s.status?.updateRevision !== s.status?.currentRevision ? s : undefined;
    }, 15_000, 'new update revision'))!;
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual((await podsOf('od')).map((p) => p.spec!.containers[0]!.image), ['img:1', 'img:1']);
    await client.delete(RESOURCES.pods, 'od-1', { namespace: NS });
    const fresh = (await eventually(async () => (await podsOf('od')).find((p) => p.metadata!.name === 'od-1' && p.spec!.containers[0]!.image === 'img:2'), 20_000, 'od-1 at img:2'))!;
    assert.equal(fresh.metadata!.labels!['controller-revision-hash'], updated.status!.updateRevision);
    // A failed pod is deleted and created again.
    const od0 = (await podsOf('od')).find((p) => p.metadata!.name === 'od-0')!;
    await client.patch(RESOURCES.pods, 'od-0', { status: { phase: 'Failed' } }, { namespace: NS, subresource: 'status', type: 'merge' });
    await eventually(async () => {
      const p = (await podsOf('od')).find((x) => x.metadata!.name === 'od-0');
      return p && p.metadata!.uid !== od0.metadata!.uid;
    }, 20_000, 'od-0 recreated');
  } finally {
    await cluster.stop();
  }
});

test('whenDeleted Delete: the claims are owned by the set and go with it', async () => {
  const cluster = await startFakeCluster({ kubeconfig: server.kubeconfig, nodes: 1 });
  try {
    const created = await client.create<StatefulSet>(RESOURCES.statefulsets, sts('db', {
      replicas: 1,
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Retain' },
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
    }), { namespace: NS });
    const pvc = await eventually(() => client.get<PersistentVolumeClaim>(RESOURCES.persistentvolumeclaims, 'data-db-0', { namespace: NS }), 15_000, 'claim');
    assert.deepEqual(pvc.metadata!.ownerReferences!.map((r) => [r.kind, r.name, r.uid]), [['StatefulSet', 'db', created.metadata!.uid]]);
    assert.equal(pvc.metadata!.labels!['app'], 'db');
    await eventually(async () => (await podsOf('db')).length === 1, 15_000, 'db-0');
    await client.delete(RESOURCES.statefulsets, 'db', { namespace: NS });
    await eventually(() => client.get(RESOURCES.persistentvolumeclaims, 'data-db-0', { namespace: NS }).then(() => false, (e: { code?: number }) => e.code === 404), 20_000, 'claim deleted with the set');
  } finally {
    await cluster.stop();
  }
});
