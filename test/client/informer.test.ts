/**
 * The informer against a real server whose watches end every 1-2 s and whose
 * watch window holds 20 events: add/update/delete, re-watch without relist,
 * relist after 410 with deletes for objects removed meanwhile, freezing.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConfigMap, Namespace } from 'kubernetes-types/core/v1.js';
import { RestClient, type ObjectList } from '../../src/client/rest-client.js';
import type { ApiObject } from '../../src/client/api-object.js';
import type { WatchStream } from '../../src/client/watch-stream.js';
import { loadKubeconfig } from '../../src/client/kubeconfig.js';
import { RESOURCES } from '../../src/client/resource.js';
import { Informer } from '../../src/client/informer.js';
import { InformerFactory } from '../../src/client/informer-factory.js';
import { startServer, type RunningServer } from '../harness/server.js';
import { PartitionProxy } from '../harness/partition-proxy.js';
import { eventually } from '../harness/kubectl.js';

let server: RunningServer;
let client: RestClient;

before(async () => {
  server = await startServer({ args: ['--min-request-timeout', '1', '--default-watch-cache-size', '20'] });
  client = RestClient.fromKubeconfig(server.kubeconfig, { component: 'informer-test' });
  for (const name of ['inf-a', 'inf-b', 'inf-c']) await client.create<Namespace>(RESOURCES.namespaces, { metadata: { name } });
});
after(async () => {
  client?.close();
  await server?.stop();
});

/** Counts the informer's list and watch calls. */
class CountingClient extends RestClient {
  lists = 0;
  watches = 0;
  override list<T extends ApiObject>(...a: Parameters<RestClient['list']>): Promise<ObjectList<T>> {
    this.lists++;
    return super.list<T>(...a);
  }
  override watch<T extends ApiObject>(...a: Parameters<RestClient['watch']>): Promise<WatchStream<T>> {
    this.watches++;
    return super.watch<T>(...a);
  }
}

function recorder(inf: Informer<ConfigMap>): string[] {
  const seen: string[] = [];
  inf.addEventHandler({
    onAdd: (o) => seen.push(`add ${o.metadata?.name}`),
    onUpdate: (_old, o) => seen.push(`update ${o.metadata?.name} ${o.data?.v ?? ''}`),
    onDelete: (o, i) => seen.push(`delete ${o.metadata?.name}${i.finalStateUnknown ? ' unknown' : ''}`),
  });
  return seen;
}

test('sees add, update and delete, and follows across server-ended watches without relisting', async () => {
  const ns = 'inf-a';
  await client.create(RESOURCES.configmaps, { metadata: { name: 'pre', namespace: ns }, data: { v: '0' } });
  const counting = new CountingClient(loadKubeconfig(server.kubeconfig));
  const inf = new Informer<ConfigMap>(counting, RESOURCES.configmaps, { namespace: ns });
  const seen = recorder(inf);
  inf.start();
  assert.equal(await inf.waitForSync(), true);
  assert.equal(inf.hasSynced(), true);
  assert.deepEqual(seen, ['add pre']);
  assert.equal(inf.store.get(`${ns}/pre`)?.data?.v, '0');
  assert.equal(inf.store.get(`${ns}/pre`)?.kind, 'ConfigMap', 'list items get their kind');

  await client.create(RESOURCES.configmaps, { metadata: { name: 'one', namespace: ns }, data: { v: '1' } });
  await eventually(() => seen.includes('add one'), 5000, 'add');
  await client.patch(RESOURCES.configmaps, 'one', { data: { v: '2' } }, { namespace: ns });
  await eventually(() => seen.includes('update one 2'), 5000, 'update');
  await new Promise((r) => setTimeout(r, 4500)); // several watch ends
  await client.patch(RESOURCES.configmaps, 'one', { data: { v: '3' } }, { namespace: ns });
  await eventually(() => seen.includes('update one 3'), 5000, 'update after re-watch');
  await client.delete(RESOURCES.configmaps, 'one', { namespace: ns });
  await eventually(() => seen.includes('delete one'), 5000, 'delete');
  assert.equal(inf.store.get(`${ns}/one`), undefined);
  assert.deepEqual(inf.store.byNamespace(ns).map((o) => o.metadata?.name), ['pre']);
  assert.equal(counting.lists, 1, 'no relist while the watch window covered each re-watch');
  assert.ok(counting.watches >= 3, `re-watched (${counting.watches} watches)`);
  await inf.stop();
  counting.close();
});

test('after a forced 410 it relists and emits the difference, deletes included', async () => {
  const ns = 'inf-b';
  const proxy = await PartitionProxy.start(server.port);
  const viaProxy = new RestClient({ ...loadKubeconfig(server.kubeconfig), server: `https://127.0.0.1:${proxy.port}` });
  try {
    for (const n of ['keep', 'change', 'drop1', 'drop2']) {
      await client.create(RESOURCES.configmaps, { metadata: { name: n, namespace: ns }, data: { v: '1' } });
    }
    const inf = new Informer<ConfigMap>(viaProxy, RESOURCES.configmaps, { namespace: ns, backoff: { initialMs: 50, maxMs: 200 } });
    const seen = recorder(inf);
    inf.start();
    await inf.waitForSync();
    assert.equal(inf.store.size, 4);
    const before = inf.lastSyncResourceVersion;

    proxy.partition();
    await client.delete(RESOURCES.configmaps, 'drop1', { namespace: ns });
    await client.delete(RESOURCES.configmaps, 'drop2', { namespace: ns });
    await client.patch(RESOURCES.configmaps, 'change', { data: { v: '2' } }, { namespace: ns });
    // More changes than the watch window holds, elsewhere.
    for (let i = 0; i < 30; i++) await client.create(RESOURCES.configmaps, { metadata: { name: `bulk-${i}`, namespace: 'inf-c' } });
    await client.create(RESOURCES.configmaps, { metadata: { name: 'new', namespace: ns }, data: { v: '1' } });
    proxy.heal();

    await eventually(() => seen.includes('delete drop1 unknown') && seen.includes('delete drop2 unknown'), 15_000, 'deletes from relist');
    await eventually(() => seen.includes('update change 2') && seen.includes('add new'), 5000, 'update and add from relist');
    assert.ok(!seen.some((s) => s.startsWith('update keep')), 'unchanged objects are not reported');
    assert.deepEqual(inf.store.list().map((o) => o.metadata?.name).sort(), ['change', 'keep', 'new']);
    assert.ok(Number(inf.lastSyncResourceVersion) > Number(before));
    await inf.stop();
  } finally {
    viaProxy.close();
    await proxy.close();
  }
});

test('a watch from a resourceVersion out of the window yields an ERROR event with 410', async () => {
  const stream = await client.watch(RESOURCES.configmaps, { resourceVersion: '1' });
  const events = [];
  for await (const e of stream) { events.push(e); break; }
  stream.stop();
  assert.equal(events[0]?.type, 'ERROR');
  assert.equal(events[0]?.type === 'ERROR' ? events[0].object.code : 0, 410);
});

test('freeze makes cached objects immutable; factory shares informers and late handlers get adds', async () => {
  const factory = new InformerFactory(client, { namespace: 'inf-a', freeze: true });
  const a = factory.forResource<ConfigMap>(RESOURCES.configmaps);
  assert.equal(factory.forResource(RESOURCES.configmaps), a, 'one informer per resource');
  factory.start();
  assert.equal(await factory.waitForSync(), true);
  const obj = a.store.get('inf-a/pre')!;
  assert.throws(() => { (obj.data as Record<string, string>)['v'] = 'x'; }, TypeError);
  const late: string[] = [];
  a.onAdd((o) => late.push(o.metadata!.name!));
  assert.deepEqual(late, ['pre']);
  await factory.stop();
});
