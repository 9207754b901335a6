/**
 * The namespace controller against a real server, running in the test
 * process: deleting a namespace deletes its content and then the namespace;
 * content held by a finalizer keeps it Terminating with upstream's
 * conditions until the finalizer goes.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConfigMap, Namespace } from 'kubernetes-types/core/v1.js';
import { StatusError } from '../../src/api/errors.js';
import { createLogger } from '../../src/api/log.js';
import { RestClient } from '../../src/client/rest-client.js';
import { RESOURCES } from '../../src/client/resource.js';
import { startNamespaceController } from '../../src/controllers/namespace.js';
import { startServer, type RunningServer } from '../harness/server.js';
import { eventually } from '../harness/kubectl.js';

let server: RunningServer;
let client: RestClient;
let controller: { stop(): Promise<void> };

before(async () => {
  server = await startServer();
  client = RestClient.fromKubeconfig(server.kubeconfig, { component: 'namespace-controller-test' });
  controller = startNamespaceController({
    client, logger: createLogger('namespace-controller', { level: process.env['NS_TEST_LOG'] ?? 'warn' }), contentRemainingRequeueMs: 300,
  });
});
after(async () => {
  await controller?.stop();
  client?.close();
  await server?.stop();
});

async function gone(p: Promise<unknown>): Promise<boolean> {
  try { await p; return false; } catch (e) {
    if (e instanceof StatusError && e.code === 404) return true;
    throw e;
  }
}

async function fill(ns: string): Promise<void> {
  await client.create<Namespace>(RESOURCES.namespaces, { metadata: { name: ns } });
  for (const n of ['one', 'two']) await client.create(RESOURCES.configmaps, { metadata: { name: n, namespace: ns }, data: { k: n } });
  await client.create(RESOURCES.secrets, { metadata: { name: 's', namespace: ns }, stringData: { p: 'x' } });
  await client.create(RESOURCES.services, { metadata: { name: 'svc', namespace: ns }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } });
  await client.create(RESOURCES.deployments, {
    metadata: { name: 'web', namespace: ns },
    spec: {
      replicas: 1, selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
    },
  });
}

test('deleting a namespace deletes its content, then the namespace', async () => {
  const ns = 'doomed';
  await fill(ns);
  const other = 'bystander';
  await client.create<Namespace>(RESOURCES.namespaces, { metadata: { name: other } });
  await client.create(RESOURCES.configmaps, { metadata: { name: 'stay', namespace: other } });

  const t = Date.now();
  await client.delete(RESOURCES.namespaces, ns);
  const marked = await client.get<Namespace>(RESOURCES.namespaces, ns).catch(() => undefined);
  if (marked) assert.equal(marked.status?.phase, 'Terminating');
  await eventually(() => gone(client.get(RESOURCES.namespaces, ns)), 10_000, 'the namespace to disappear');
  const took = Date.now() - t;
  assert.ok(took < 5000, `gone within a few seconds (${took} ms)`);
  for (const r of [RESOURCES.configmaps, RESOURCES.secrets, RESOURCES.services, RESOURCES.deployments]) {
    assert.deepEqual((await client.list(r, { namespace: ns })).items, [], `${r.resource} left in ${ns}`);
  }
  assert.equal((await client.list(RESOURCES.configmaps, { namespace: other })).items.length, 1, 'other namespaces untouched');
  assert.equal((await client.get<Namespace>(RESOURCES.namespaces, other)).status?.phase, 'Active');
});

test('content with a finalizer keeps the namespace Terminating with NamespaceFinalizersRemaining until it goes', async () => {
  const ns = 'held';
  await fill(ns);
  await client.create<ConfigMap>(RESOURCES.configmaps, { metadata: { name: 'pinned', namespace: ns, finalizers: ['example.com/hold'] } });
  await client.delete(RESOURCES.namespaces, ns);

  const cond = (n: Namespace, type: string) => n.status?.conditions?.find((c) => c.type === type);
  const stuck = await eventually(async () => {
    const n = await client.get<Namespace>(RESOURCES.namespaces, ns);
    return cond(n, 'NamespaceFinalizersRemaining')?.status === 'True' ? n : undefined;
  }, 10_000, 'NamespaceFinalizersRemaining=True');
  assert.ok(stuck);
  assert.equal(stuck.status?.phase, 'Terminating');
  assert.deepEqual(stuck.spec?.finalizers, ['kubernetes']);
  const fin = cond(stuck, 'NamespaceFinalizersRemaining')!;
  assert.equal(fin.reason, 'SomeFinalizersRemain');
  assert.equal(fin.message, 'Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances');
  const content = cond(stuck, 'NamespaceContentRemaining')!;
  assert.equal(content.status, 'True');
  assert.equal(content.reason, 'SomeResourcesRemain');
  assert.equal(content.message, 'Some resources are remaining: configmaps. has 1 resource instances');
  for (const [type, reason] of [['NamespaceDeletionDiscoveryFailure', 'ResourcesDiscovered'],
    ['NamespaceDeletionGroupVersionParsingFailure', 'ParsedGroupVersions'], ['NamespaceDeletionContentFailure', 'ContentDeleted']]) {
    const c = cond(stuck, type);
    assert.equal(c?.status, 'False', type);
    assert.equal(c?.reason, reason);
  }
  // Everything else is gone already; the pinned configmap waits, marked for deletion.
  assert.deepEqual((await client.list(RESOURCES.secrets, { namespace: ns })).items, []);
  assert.deepEqual((await client.list(RESOURCES.deployments, { namespace: ns })).items, []);
  const pinned = await client.get<ConfigMap>(RESOURCES.configmaps, 'pinned', { namespace: ns });
  assert.ok(pinned.metadata?.deletionTimestamp);
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal((await client.get<Namespace>(RESOURCES.namespaces, ns)).status?.phase, 'Terminating', 'still held');

  await client.patch(RESOURCES.configmaps, 'pinned', { metadata: { finalizers: null } }, { namespace: ns });
  await eventually(() => gone(client.get(RESOURCES.namespaces, ns)), 10_000, 'the namespace to go once the finalizer is removed');
  assert.deepEqual((await client.list(RESOURCES.configmaps, { namespace: ns })).items, []);
});

test('a namespace with another spec finalizer is finalized by this controller but waits for the other', async () => {
  const ns = 'two-finalizers';
  await client.create<Namespace>(RESOURCES.namespaces, { metadata: { name: ns }, spec: { finalizers: ['example.com/other'] } });
  await client.create(RESOURCES.configmaps, { metadata: { name: 'c', namespace: ns } });
  await client.delete(RESOURCES.namespaces, ns);
  const n = await eventually(async () => {
    const x = await client.get<Namespace>(RESOURCES.namespaces, ns);
    return (x.spec?.finalizers ?? []).includes('kubernetes') ? undefined : x;
  }, 10_000, 'the kubernetes finalizer to be removed');
  assert.ok(n);
  assert.deepEqual(n.spec?.finalizers, ["example.com/other"]);
  assert.deepEqual((await client.list(RESOURCES.configmaps, { namespace: ns })).items, []);
  await client.request('PUT', `/api/v1/namespaces/${ns}/finalize`, { body: { ...n, spec: { finalizers: [] } } });
  await eventually(() => gone(client.get(RESOURCES.namespaces, ns)), 10_000, 'gone after the last finalizer');
});
