/**
 * The official JavaScript client's informer against a real k8ts server: it
 * sees add, update and delete, survives the server ending its watches (it
 * re-watches from its last resourceVersion), and recovers from 410 Gone by
 * relisting after a network split longer than the server's watch window.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import { startServer, type RunningServer } from '../harness/server.js';
import { eventually } from '../harness/kubectl.js';
import { RawClient } from '../harness/raw-client.js';
import { PartitionProxy } from '../harness/partition-proxy.js';

let server: RunningServer;
let proxy: PartitionProxy & { port: number };
let direct: k8s.CoreV1Api;
let viaProxy: k8s.KubeConfig;
const ns = 'informer';

before(async () => {
  // Watches end every 1-2 s, and the cache keeps only 20 events per resource.
  server = await startServer({ args: ['--min-request-timeout', '1', '--default-watch-cache-size', '20'] });
  proxy = await PartitionProxy.start(server.port);
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(server.kubeconfig);
  direct = kc.makeApiClient(k8s.CoreV1Api);
  viaProxy = new k8s.KubeConfig();
  viaProxy.loadFromFile(server.kubeconfig);
  const cluster = viaProxy.getCurrentCluster()!;
  viaProxy.clusters = [{ ...cluster, server: `https://127.0.0.1:${proxy.port}` }];
  await direct.createNamespace({ body: { metadata: { name: ns } } });
});
after(async () => {
  await proxy?.close();
  await server?.stop();
});

test('informer sees add, update and delete across re-watches, and relists after 410', async () => {
  const core = viaProxy.makeApiClient(k8s.CoreV1Api);
  let lists = 0;
  const informer = k8s.makeInformer(viaProxy, `/api/v1/namespaces/${ns}/configmaps`, () => {
    lists++;
    return core.listNamespacedConfigMap({ namespace: ns });
  });
  const seen: string[] = [];
  informer.on('add', (o) => seen.push(`add ${o.metadata?.name}`));
  informer.on('update', (o) => seen.push(`update ${o.metadata?.name} ${o.data?.v}`));
  informer.on('delete', (o) => seen.push(`delete ${o.metadata?.name}`));
  let errors = 0;
  let finished = false;
  // client-node leaves restarting after an error to its user, as its docs show.
  informer.on('error', () => {
    errors++;
    if (!finished) setTimeout(() => { if (!finished) void informer.start(); }, 200);
  });
  await informer.start();
  try {
    await direct.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'one' }, data: { v: '1' } } });
    await eventually(() => seen.includes('add one'), 10_000, 'add');
    await direct.replaceNamespacedConfigMap({ name: 'one', namespace: ns, body: { metadata: { name: 'one' }, data: { v: '2' } } });
    await eventually(() => seen.includes('update one 2'), 10_000, 'update');

    // Past several server-side watch ends (every 1-2 s) the informer still follows.
    await new Promise((r) => setTimeout(r, 4500));
    await direct.replaceNamespacedConfigMap({ name: 'one', namespace: ns, body: { metadata: { name: 'one' }, data: { v: '3' } } });
    await eventually(() => seen.includes('update one 3'), 10_000, 'update after re-watch');
    await direct.deleteNamespacedConfigMap({ name: 'one', namespace: ns });
    await eventually(() => seen.includes('delete one'), 10_000, 'delete');
    assert.equal(lists, 1, 'no relist while the watch window covered the gaps');
    assert.equal(errors, 0);

    const raw = new RawClient(server.kubeconfig);
    const metrics = (await raw.request('GET', '/metrics')).body;
    raw.close();
    const watches = [...metrics.matchAll(/apiserver_request_total\{[^}]*verb="WATCH"[^}]*resource="configmaps"[^}]*\} (\d+)/g)]
      .reduce((n, m) => n + Number(m[1]), 0);
    assert.ok(watches >= 2, `expected the informer to have re-watched (finished watches: ${watches})`);

    // Split the informer from the server while more changes happen than the
    // watch window holds; on reconnect it resumes from its old resourceVersion,
    // gets 410 Expired, and relists.
    proxy.partition();
    for (let i = 0; i < 30; i++) {
      await direct.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: `bulk-${i}` }, data: { v: '1' } } });
    }
    await eventually(() => errors > 0, 10_000, 'the informer to notice the split');
    proxy.heal();
    await eventually(() => informer.list(ns).length === 30, 15_000, 'relisted cache');
    assert.equal(lists, 2, 'relisted once after 410');
    assert.ok(seen.includes('add bulk-29'));
  } finally {
    finished = true;
    await informer.stop();
  }
});
