/**
 * RestClient against a real server: CRUD, list options and paging, patch
 * types, delete options, StatusError mapping, watch, discovery.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConfigMap, Namespace } from 'kubernetes-types/core/v1.js';
import type { Deployment } from 'kubernetes-types/apps/v1.js';
import { StatusError } from '../../src/api/errors.js';
import { RestClient } from '../../src/client/rest-client.js';
import { RESOURCES, resourceDescriptor } from '../../src/client/resource.js';
import { serverPreferredResources } from '../../src/client/discovery.js';
import type { WatchEvent } from '../../src/client/watch-stream.js';
import { startServer, type RunningServer } from '../harness/server.js';

let server: RunningServer;
let client: RestClient;
const ns = 'rest';

before(async () => {
  server = await startServer();
  client = RestClient.fromKubeconfig(server.kubeconfig, { component: 'test' });
  await client.create<Namespace>(RESOURCES.namespaces, { metadata: { name: ns } });
});
after(async () => {
  client?.close();
  await server?.stop();
});

async function rejects(p: Promise<unknown>): Promise<StatusError> {
  try { await p; } catch (e) {
    assert.ok(e instanceof StatusError, `expected a StatusError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a rejection');
}

test('create, get, update, updateStatus-less resources, delete', async () => {
  const cm = await client.create<ConfigMap>(RESOURCES.configmaps, { metadata: { name: 'a', namespace: ns }, data: { k: '1' } });
  assert.ok(cm.metadata?.uid);
  const got = await client.get<ConfigMap>(RESOURCES.configmaps, 'a', { namespace: ns });
  assert.equal(got.data?.k, '1');
  const up = await client.update<ConfigMap>(RESOURCES.configmaps, { ...got, data: { k: '2' } });
  assert.equal(up.data?.k, '2');
  assert.notEqual(up.metadata?.resourceVersion, got.metadata?.resourceVersion);

  const stale = await rejects(client.update<ConfigMap>(RESOURCES.configmaps, { ...got, data: { k: '3' } }));
  assert.equal(stale.code, 409);
  assert.equal(stale.reason, 'Conflict');
  assert.match(stale.message, /the object has been modified/);

  const dup = await rejects(client.create(RESOURCES.configmaps, { metadata: { name: 'a', namespace: ns } }));
  assert.equal(dup.code, 409);
  assert.equal(dup.reason, 'AlreadyExists');
  assert.equal(dup.details?.name, 'a');

  const pre = await rejects(client.delete(RESOURCES.configmaps, 'a', { namespace: ns, preconditions: { uid: 'not-the-uid' } }));
  assert.equal(pre.code, 409);
  await client.delete(RESOURCES.configmaps, 'a', { namespace: ns, propagationPolicy: 'Background', gracePeriodSeconds: 0,
    preconditions: { resourceVersion: up.metadata?.resourceVersion } });
  const gone = await rejects(client.get(RESOURCES.configmaps, 'a', { namespace: ns }));
  assert.equal(gone.code, 404);
  assert.equal(gone.reason, 'NotFound');
  assert.equal(gone.message, 'configmaps "a" not found');
  assert.equal(gone.details?.kind, 'configmaps');

  const bad = await rejects(client.create(RESOURCES.configmaps, { metadata: { name: 'Not_Valid', namespace: ns } }));
  assert.equal(bad.code, 422);
  assert.equal(bad.reason, 'Invalid');
  assert.ok((bad.details?.causes ?? []).length > 0);
});

test('updateStatus and the three patch types on a deployment', async () => {
  const d = await client.create<Deployment>(RESOURCES.deployments, {
    metadata: { name: 'web', namespace: ns, labels: { app: 'web' } },
    spec: {
      replicas: 1, selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
    },
  });
  const st = await client.updateStatus<Deployment>(RESOURCES.deployments, { ...d, status: { observedGeneration: 1, replicas: 1 } });
  assert.equal(st.status?.replicas, 1);
  const merged = await client.patch<Deployment>(RESOURCES.deployments, 'web', { metadata: { labels: { tier: 'front' } } }, { namespace: ns });
  assert.equal(merged.metadata?.labels?.tier, 'front');
  const smp = await client.patch<Deployment>(RESOURCES.deployments, 'web',
    { spec: { template: { spec: { containers: [{ name: 'side', image: 'busybox' }] } } } }, { namespace: ns, type: 'strategic' });
  assert.deepEqual(smp.spec?.template.spec?.containers.map((c) => c.name).sort(), ['c', 'side']);
  const json = await client.patch<Deployment>(RESOURCES.deployments, 'web', [{ op: 'replace', path: '/spec/replicas', value: 3 }], { namespace: ns, type: 'json' });
  assert.equal(json.spec?.replicas, 3);
  const missing = await rejects(client.patch(RESOURCES.deployments, 'nope', {}, { namespace: ns }));
  assert.equal(missing.code, 404);
  assert.equal(missing.message, 'deployments.apps "nope" not found');
});

test('list: selectors, limit/continue paging, resourceVersion', async () => {
  for (let i = 0; i < 5; i++) {
    await client.create(RESOURCES.configmaps, { metadata: { name: `l${i}`, namespace: ns, labels: { set: 'l', odd: String(i % 2) } } });
  }
  const sel = await client.list<ConfigMap>(RESOURCES.configmaps, { namespace: ns, labelSelector: 'set=l,odd=1' });
  assert.deepEqual(sel.items.map((c) => c.metadata?.name), ['l1', 'l3']);
  const byName = await client.list<ConfigMap>(RESOURCES.configmaps, { namespace: ns, fieldSelector: 'metadata.name=l2' });
  assert.deepEqual(byName.items.map((c) => c.metadata?.name), ['l2']);
  const names: string[] = [];
  let cont: string | undefined;
  let pages = 0;
  do {
    const page = await client.list<ConfigMap>(RESOURCES.configmaps, { namespace: ns, labelSelector: 'set=l', limit: 2, continue: cont });
    names.push(...page.items.map((c) => c.metadata!.name!));
    cont = page.metadata.continue;
    pages++;
  } while (cont);
  assert.equal(pages, 3);
  assert.deepEqual(names, ['l0', 'l1', 'l2', 'l3', 'l4']);
  const any = await client.list(RESOURCES.configmaps, { namespace: ns, resourceVersion: '0' });
  assert.ok(any.metadata.resourceVersion);
  const all = await client.list(RESOURCES.configmaps);
  assert.ok(all.items.length >= 5, 'all namespaces');
  await client.deleteCollection(RESOURCES.configmaps, { namespace: ns, labelSelector: 'set=l' });
  assert.equal((await client.list(RESOURCES.configmaps, { namespace: ns, labelSelector: 'set=l' })).items.length, 0);
});

test('watch streams events from a resourceVersion, with bookmarks allowed, and stops on abort', async () => {
  const start = await client.list(RESOURCES.configmaps, { namespace: ns });
  const ac = new AbortController();
  const stream = await client.watch<ConfigMap>(RESOURCES.configmaps, { namespace: ns, resourceVersion: start.metadata.resourceVersion, signal: ac.signal });
  const events: WatchEvent<ConfigMap>[] = [];
  const done = (async () => { for await (const e of stream) events.push(e); })();
  await client.create(RESOURCES.configmaps, { metadata: { name: 'w', namespace: ns } });
  await client.patch(RESOURCES.configmaps, 'w', { data: { a: 'b' } }, { namespace: ns });
  await client.delete(RESOURCES.configmaps, 'w', { namespace: ns });
  const deadline = Date.now() + 5000;
  while (events.filter((e) => e.type !== 'BOOKMARK').length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  ac.abort();
  await done;
  assert.deepEqual(events.filter((e) => e.type !== 'BOOKMARK').map((e) => `${e.type} ${e.type === 'ERROR' ? '' : e.object.metadata?.name}`),
    ['ADDED w', 'MODIFIED w', 'DELETED w']);
  assert.equal(stream.ended, true);
});

test('watch of a missing namespace-less custom resource rejects with 404; any gvr can be addressed', async () => {
  const widgets = resourceDescriptor('example.com', 'v1', 'widgets');
  const e = await rejects(client.watch(widgets, { namespace: ns }));
  assert.equal(e.code, 404);
  const leases = resourceDescriptor('coordination.k8s.io', 'v1', 'leases');
  assert.deepEqual((await client.list(leases, { namespace: ns })).items, []);
});

test('discovery: preferred namespaced resources, no subresources', async () => {
  const d = await serverPreferredResources(client);
  assert.equal(d.error, undefined);
  const names = d.resources.map((r) => `${r.group}/${r.version}/${r.resource}`);
  assert.ok(names.includes('/v1/configmaps'));
  assert.ok(names.includes('apps/v1/deployments'));
  assert.ok(names.includes('autoscaling/v2/horizontalpodautoscalers'));
  assert.ok(!names.includes('autoscaling/v1/horizontalpodautoscalers'), 'only the preferred version');
  assert.ok(!names.some((n) => n.includes('/status')));
});

test('user agent and network errors', async () => {
  assert.equal(client.userAgent, 'k8ts/test');
  const dead = new RestClient({ server: 'https://127.0.0.1:1' }, { timeoutMs: 2000 });
  await assert.rejects(dead.get(RESOURCES.namespaces, 'x'), (e: NodeJS.ErrnoException) => e.code === 'ECONNREFUSED');
  dead.close();
});

test('a request with no reply within timeoutMs rejects with ETIMEDOUT, before and after the reply head', async () => {
  const { createServer } = await import('node:net');
  const { createServer: createHttpsServer } = await import('node:https');
  const { readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  // Accepts TCP but never completes the TLS handshake.
  const silent = createServer(() => undefined);
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  // Sends the reply head, never the body.
  const tlsDir = join(server.dataDir, 'tls');
  const half = createHttpsServer({ cert: readFileSync(join(tlsDir, 'serving.crt')), key: readFileSync(join(tlsDir, 'serving.key')) },
    (_req, res) => { res.writeHead(200, { 'Content-Type': 'application/json' }); res.write('{'); });
  await new Promise<void>((r) => half.listen(0, '127.0.0.1', r));
  const timedOut = (e: NodeJS.ErrnoException): boolean => e.code === 'ETIMEDOUT' && /timed out after 300 ms/.test(e.message);
  const port = (s: typeof silent | typeof half): number => (s.address() as { port: number }).port;
  const a = new RestClient({ server: `https://127.0.0.1:${port(silent)}` }, { timeoutMs: 300 });
  const b = new RestClient({ server: `https://127.0.0.1:${port(half)}`, insecureSkipTLSVerify: true }, { timeoutMs: 300 });
  try {
    await assert.rejects(a.get(RESOURCES.namespaces, 'x'), timedOut);
    await assert.rejects(b.get(RESOURCES.namespaces, 'x'), timedOut);
  } finally {
    a.close(); b.close();
    half.closeAllConnections();
    silent.close(); half.close();
  }
});
