/**
 * API semantics checked on the wire against a real server: errors as Status,
 * system metadata, finalizers, dry runs, field validation, selectors, paging,
 * watch resourceVersion rules, bookmarks, discovery, limits, health and
 * metrics, and Service IP / NodePort allocation under concurrency.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type RunningServer } from '../harness/server.js';
import { RawClient } from '../harness/raw-client.js';
import { eventually } from '../harness/kubectl.js';
import { decodeKubernetesProtobuf } from '../../src/api/protobuf/index.js';

let server: RunningServer;
let api: RawClient;
const ns = 'sem';
const cm = (name: string, extra: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ...extra }, data: { a: '1' } });
const CMS = `/api/v1/namespaces/${ns}/configmaps`;

type Obj = { metadata: Record<string, unknown> & { name: string; resourceVersion: string; uid: string }; [k: string]: unknown };
type Status = { kind: string; status: string; reason: string; code: number; message: string; details?: { causes?: { reason: string; field: string; message: string }[] } };

before(async () => {
  server = await startServer({ args: ['--default-watch-cache-size', '50', '--max-requests-inflight', '50', '--controllers', 'namespace,garbagecollector'] });
  api = new RawClient(server.kubeconfig);
  assert.equal((await api.json('POST', '/api/v1/namespaces', { metadata: { name: ns } })).status, 201);
});
after(async () => { api?.close(); await server?.stop(); });

describe('errors are Status objects', () => {
  test('404 NotFound', async () => {
    const r = await api.json<Status>('GET', `${CMS}/missing`);
    assert.equal(r.status, 404);
    assert.deepEqual({ kind: r.body.kind, status: r.body.status, reason: r.body.reason, code: r.body.code, message: r.body.message },
      { kind: 'Status', status: 'Failure', reason: 'NotFound', code: 404, message: 'configmaps "missing" not found' });
    const d = await api.json<Status>('GET', '/apis/apps/v1/namespaces/sem/deployments/web');
    assert.equal(d.body.message, 'deployments.apps "web" not found');
  });
  test('409 AlreadyExists', async () => {
    await api.json('POST', CMS, cm('dup'));
    const r = await api.json<Status>('POST', CMS, cm('dup'));
    assert.equal(r.status, 409);
    assert.equal(r.body.reason, 'AlreadyExists');
    assert.equal(r.body.message, 'configmaps "dup" already exists');
  });
  test('422 Invalid with field causes', async () => {
    const r = await api.json<Status>('POST', CMS, cm('Bad_Name'));
    assert.equal(r.status, 422);
    assert.equal(r.body.reason, 'Invalid');
    assert.match(r.body.message, /^ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/);
    assert.equal(r.body.details?.causes?.[0].field, 'metadata.name');
    assert.equal(r.body.details?.causes?.[0].reason, 'FieldValueInvalid');
  });
  test('400 for a body that is not JSON, 415 for an unknown content type', async () => {
    const bad = await api.request('POST', CMS, { body: '{not json' });
    assert.equal(bad.status, 400);
    assert.equal((JSON.parse(bad.body) as Status).reason, 'BadRequest');
    const weird = await api.request('POST', CMS, { body: 'x', headers: { 'Content-Type': 'text/plain' } });
    assert.equal(weird.status, 415);
  });
  test('413 for a body over 3 MiB; nothing is written', async () => {
    const big = cm('big');
    (big.data as Record<string, string>).a = 'x'.repeat(3 * 1024 * 1024 + 10);
    const r = await api.request('POST', CMS, { body: JSON.stringify(big) });
    assert.equal(r.status, 413);
    assert.equal((JSON.parse(r.body) as Status).reason, 'RequestEntityTooLarge');
    assert.equal((await api.json('GET', `${CMS}/big`)).status, 404);
  });
  test('missing namespace is refused', async () => {
    const r = await api.json<Status>('POST', '/api/v1/namespaces/nowhere/configmaps', cm('x'));
    assert.equal(r.status, 404);
    assert.equal(r.body.message, 'namespaces "nowhere" not found');
  });
  test('a terminating namespace refuses new objects', async () => {
    await api.json('POST', '/api/v1/namespaces', { metadata: { name: 'ending' } });
    await api.json('POST', '/api/v1/namespaces/ending/configmaps', cm('held', { finalizers: ['example.com/hold'] }));
    const d = await api.json<{ status: { phase: string } }>('DELETE', '/api/v1/namespaces/ending');
    assert.equal(d.status, 200);
    assert.equal(d.body.status.phase, 'Terminating');
    const r = await api.json<Status>('POST', '/api/v1/namespaces/ending/configmaps', cm('late'));
    assert.equal(r.status, 403);
    assert.equal(r.body.reason, 'Forbidden');
    assert.match(r.body.message, /unable to create new content in namespace ending because it is being terminated/);
    // Once the last finalizer inside is gone, the namespace controller finishes the job.
    await api.json('PATCH', '/api/v1/namespaces/ending/configmaps/held', { metadata: { finalizers: null } }, { 'Content-Type': 'application/merge-patch+json' });
    await eventually(async () => (await api.json('GET', '/api/v1/namespaces/ending')).status === 404, 20_000, 'namespace gone');
  });

  test('401 without a client certificate', async () => {
    const anon = new RawClient(server.kubeconfig, { anonymous: true });
    const r = await anon.json<Status>('GET', '/api/v1/namespaces');
    anon.close();
    assert.equal(r.status, 401);
    assert.equal(r.body.reason, 'Unauthorized');
  });
});

describe('object metadata', () => {
  test('generateName, uid, creationTimestamp, resourceVersion', async () => {
    const r = await api.json<Obj>('POST', CMS, { ...cm(''), metadata: { generateName: 'gen-' } });
    assert.equal(r.status, 201);
    assert.match(r.body.metadata.name, /^gen-[a-z0-9]{5}$/);
    assert.match(r.body.metadata.uid, /^[0-9a-f-]{36}$/);
    assert.match(String(r.body.metadata.creationTimestamp), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.match(r.body.metadata.resourceVersion, /^\d+$/);
  });
  test('generation starts at 1 and moves with the spec only', async () => {
    const dep = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'gen' }, spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } } };
    const c = await api.json<Obj>('POST', `/apis/apps/v1/namespaces/${ns}/deployments`, dep);
    assert.equal(c.body.metadata.generation, 1);
    const p = await api.json<Obj>('PATCH', `/apis/apps/v1/namespaces/${ns}/deployments/gen`, { spec: { replicas: 5 } }, { 'Content-Type': 'application/merge-patch+json' });
    assert.equal(p.body.metadata.generation, 2);
    const s = await api.json<Obj>('PATCH', `/apis/apps/v1/namespaces/${ns}/deployments/gen/status`, { status: { replicas: 3 } }, { 'Content-Type': 'application/merge-patch+json' });
    assert.equal(s.body.metadata.generation, 2);
    assert.equal((s.body.status as { replicas: number }).replicas, 3);
    assert.equal((s.body.spec as { replicas: number }).replicas, 5);
  });
  test('an update that changes nothing keeps the resourceVersion', async () => {
    const c = await api.json<Obj>('POST', CMS, cm('same'));
    const u = await api.json<Obj>('PUT', `${CMS}/same`, c.body);
    assert.equal(u.status, 200);
    assert.equal(u.body.metadata.resourceVersion, c.body.metadata.resourceVersion);
  });
  test('finalizers keep a deleted object until they are removed', async () => {
    await api.json('POST', CMS, cm('fin', { finalizers: ['example.com/hold'] }));
    const d = await api.json<Obj>('DELETE', `${CMS}/fin`);
    assert.equal(d.status, 200);
    assert.ok(d.body.metadata.deletionTimestamp);
    const still = await api.json<Obj>('GET', `${CMS}/fin`);
    assert.equal(still.status, 200);
    assert.ok(still.body.metadata.deletionTimestamp);
    const p = await api.json('PATCH', `${CMS}/fin`, { metadata: { finalizers: null } }, { 'Content-Type': 'application/merge-patch+json' });
    assert.equal(p.status, 200);
    assert.equal((await api.json('GET', `${CMS}/fin`)).status, 404);
  });
  test('a pod on a node is deleted gracefully: marked first, gone once the grace period ends', async () => {
    await api.json('POST', `/api/v1/namespaces/${ns}/pods`, { metadata: { name: 'graceful' }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'x' }] } });
    const d = await api.json<Obj>('DELETE', `/api/v1/namespaces/${ns}/pods/graceful`, { gracePeriodSeconds: 2 });
    assert.equal(d.status, 200);
    assert.equal(d.body.metadata.deletionGracePeriodSeconds, 2);
    assert.ok(d.body.metadata.deletionTimestamp);
    assert.equal((await api.json('GET', `/api/v1/namespaces/${ns}/pods/graceful`)).status, 200);
    await eventually(async () => (await api.json('GET', `/api/v1/namespaces/${ns}/pods/graceful`)).status === 404, 10_000, 'the pod to go');
    // An unbound pod goes at once; a bound one confirmed with grace 0 too.
    await api.json('POST', `/api/v1/namespaces/${ns}/pods`, { metadata: { name: 'now' }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'x' }] } });
    await api.json('DELETE', `/api/v1/namespaces/${ns}/pods/now`);
    assert.equal((await api.json<Obj>('DELETE', `/api/v1/namespaces/${ns}/pods/now`, { gracePeriodSeconds: 0 })).status, 200);
    assert.equal((await api.json('GET', `/api/v1/namespaces/${ns}/pods/now`)).status, 404);
  });

  test('propagation policies set the garbage collector finalizers', async () => {
    await api.json('POST', CMS, cm('orph'));
    const o = await api.json<Obj>('DELETE', `${CMS}/orph?dryRun=All`, { propagationPolicy: 'Orphan' });
    assert.deepEqual(o.body.metadata.finalizers, ['orphan']);
    const f = await api.json<Obj>('DELETE', `${CMS}/orph?dryRun=All`, { propagationPolicy: 'Foreground' });
    assert.deepEqual(f.body.metadata.finalizers, ['foregroundDeletion']);
    assert.ok(f.body.metadata.deletionTimestamp);
    const b = await api.json('DELETE', `${CMS}/orph`, { propagationPolicy: 'Background' });
    assert.equal(b.status, 200);
    assert.equal((await api.json('GET', `${CMS}/orph`)).status, 404);
  });

  test('delete preconditions on uid', async () => {
    await api.json('POST', CMS, cm('pre'));
    const r = await api.json<Status>('DELETE', `${CMS}/pre`, { preconditions: { uid: 'not-the-uid' } });
    assert.equal(r.status, 409);
    assert.match(r.body.message, /Precondition failed: UID in precondition: not-the-uid/);
  });
});

describe('protobuf replies', () => {
  test('a client that accepts only protobuf gets protobuf; kinds without a protobuf form get 406', async () => {
    await api.json('POST', CMS, cm('pb', { labels: { a: 'b' } }));
    const json = await api.json<Record<string, unknown>>('GET', `${CMS}/pb`);
    const raw = await api.requestBuffer('GET', `${CMS}/pb`, { Accept: 'application/vnd.kubernetes.protobuf' });
    assert.equal(raw.status, 200);
    assert.equal(raw.headers['content-type'], 'application/vnd.kubernetes.protobuf');
    const decoded = decodeKubernetesProtobuf(raw.body);
    assert.deepEqual(decoded.object, json.body);
    const lease = await api.request('GET', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases', { headers: { Accept: 'application/vnd.kubernetes.protobuf' } });
    assert.equal(lease.status, 406);
    const both = await api.request('GET', `${CMS}/pb`, { headers: { Accept: 'application/vnd.kubernetes.protobuf, application/json' } });
    assert.equal(both.headers['content-type'], 'application/json');
  });
});

describe('dryRun=All writes nothing', () => {
  test('create, update, patch and delete', async () => {
    const c = await api.json<Obj>('POST', `${CMS}?dryRun=All`, cm('dry'));
    assert.equal(c.status, 201);
    assert.equal((await api.json('GET', `${CMS}/dry`)).status, 404);
    const real = await api.json<Obj>('POST', CMS, cm('dry2'));
    const u = await api.json<Obj>('PUT', `${CMS}/dry2?dryRun=All`, { ...real.body, data: { a: 'changed' } });
    assert.equal((u.body.data as { a: string }).a, 'changed');
    const p = await api.json<Obj>('PATCH', `${CMS}/dry2?dryRun=All`, { data: { a: 'patched' } }, { 'Content-Type': 'application/merge-patch+json' });
    assert.equal((p.body.data as { a: string }).a, 'patched');
    assert.equal((await api.json('DELETE', `${CMS}/dry2?dryRun=All`)).status, 200);
    const now = await api.json<Obj>('GET', `${CMS}/dry2`);
    assert.equal((now.body.data as { a: string }).a, '1');
    assert.equal(now.body.metadata.resourceVersion, real.body.metadata.resourceVersion);
  });
});

describe('fieldValidation', () => {
  const withUnknown = () => ({ ...cm('fv'), spec: { nope: 1 } });
  test('Strict refuses unknown fields with 400', async () => {
    const r = await api.json<Status>('POST', `${CMS}?fieldValidation=Strict`, withUnknown());
    assert.equal(r.status, 400);
    assert.equal(r.body.message, 'strict decoding error: unknown field "spec"');
  });
  test('Warn drops them and warns', async () => {
    const r = await api.json<Obj>('POST', `${CMS}?fieldValidation=Warn`, withUnknown());
    assert.equal(r.status, 201);
    assert.equal(r.body.spec, undefined);
    assert.match(String(r.headers.warning), /299 - "unknown field \\"spec\\""/);
  });
  test('Ignore drops them silently', async () => {
    const r = await api.json<Obj>('POST', `${CMS}?fieldValidation=Ignore`, { ...withUnknown(), metadata: { name: 'fv2' } });
    assert.equal(r.status, 201);
    assert.equal(r.headers.warning, undefined);
  });
});

describe('lists', () => {
  test('label selectors with every operator, field selectors, paging', async () => {
    for (const [name, labels] of [['l1', { env: 'prod', tier: 'web' }], ['l2', { env: 'dev' }], ['l3', { env: 'qa', tier: 'db' }]] as const) {
      await api.json('POST', '/api/v1/namespaces/sem/services', {
        metadata: { name, labels }, spec: { ports: [{ port: 80 }] },
      });
    }
    const names = async (q: string): Promise<string[]> =>
      (await api.json<{ items: Obj[] }>('GET', `/api/v1/namespaces/sem/services?${q}`)).body.items.map((i) => i.metadata.name);
    assert.deepEqual(await names('labelSelector=env%3Dprod'), ['l1']);
    assert.deepEqual(await names('labelSelector=env!%3Dprod,env'), ['l2', 'l3']);
    assert.deepEqual(await names('labelSelector=env%20in%20(dev,qa)'), ['l2', 'l3']);
    assert.deepEqual(await names('labelSelector=env%20notin%20(dev),tier'), ['l1', 'l3']);
    assert.deepEqual(await names('labelSelector=!tier'), ['l2']);
    assert.deepEqual(await names('fieldSelector=metadata.name%3Dl3'), ['l3']);
    const bad = await api.json<Status>('GET', '/api/v1/namespaces/sem/services?labelSelector=a%20in%20');
    assert.equal(bad.status, 400);

    const page1 = await api.json<{ items: Obj[]; metadata: { continue: string; remainingItemCount: number; resourceVersion: string } }>('GET', '/api/v1/namespaces/sem/services?limit=2');
    assert.equal(page1.body.items.length, 2);
    assert.ok(page1.body.metadata.continue);
    assert.equal(page1.body.metadata.remainingItemCount, 1);
    const page2 = await api.json<{ items: Obj[]; metadata: { continue?: string } }>('GET', `/api/v1/namespaces/sem/services?limit=2&continue=${encodeURIComponent(page1.body.metadata.continue)}`);
    assert.deepEqual(page2.body.items.map((i) => i.metadata.name), ['l3']);
    assert.equal(page2.body.metadata.continue, undefined);
  });
  test('per-kind field selectors: pods by spec.nodeName and status.phase', async () => {
    await api.json('POST', '/api/v1/namespaces/sem/pods', { metadata: { name: 'p1' }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'x' }] } });
    await api.json('POST', '/api/v1/namespaces/sem/pods', { metadata: { name: 'p2' }, spec: { containers: [{ name: 'c', image: 'x' }] } });
    const on = await api.json<{ items: Obj[] }>('GET', '/api/v1/pods?fieldSelector=spec.nodeName%3Dn1');
    assert.deepEqual(on.body.items.map((i) => i.metadata.name), ['p1']);
    const unscheduled = await api.json<{ items: Obj[] }>('GET', '/api/v1/namespaces/sem/pods?fieldSelector=spec.nodeName%3D,status.phase%3DPending');
    assert.deepEqual(unscheduled.body.items.map((i) => i.metadata.name), ['p2']);
    const bad = await api.json<Status>('GET', '/api/v1/pods?fieldSelector=spec.bogus%3Dx');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.message, 'field label not supported: spec.bogus');
  });
  test('deletecollection with a selector', async () => {
    for (const n of ['dc1', 'dc2', 'dc3']) await api.json('POST', CMS, cm(n, { labels: { dc: n === 'dc3' ? 'keep' : 'go' } }));
    const r = await api.json<{ items: Obj[] }>('DELETE', `${CMS}?labelSelector=dc%3Dgo`);
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.items.map((i) => i.metadata.name).sort(), ['dc1', 'dc2']);
    const left = await api.json<{ items: Obj[] }>('GET', `${CMS}?labelSelector=dc`);
    assert.deepEqual(left.body.items.map((i) => i.metadata.name), ['dc3']);
  });
});

describe('watch', () => {
  test('resourceVersion unset: current state as ADDED, then changes; timeoutSeconds ends it', async () => {
    await api.json('POST', CMS, cm('w-a'));
    const w = api.watch(`${CMS}?watch=1&fieldSelector=metadata.name%3Dw-a&timeoutSeconds=2`);
    assert.equal(await w.status, 200);
    await eventually(() => w.events.length >= 1, 5000, 'initial ADDED');
    await api.json('PATCH', `${CMS}/w-a`, { data: { a: '2' } }, { 'Content-Type': 'application/merge-patch+json' });
    await eventually(() => w.events.some((e) => e.type === 'MODIFIED'), 5000, 'MODIFIED');
    assert.equal(w.events[0].type, 'ADDED');
    w.stop();
  });
  test('resourceVersion=N: every change after N, in order, exactly once', async () => {
    const c = await api.json<Obj>('POST', CMS, cm('w-b'));
    const rv = c.body.metadata.resourceVersion;
    for (let i = 0; i < 5; i++) await api.json('PATCH', `${CMS}/w-b`, { data: { a: String(i) } }, { 'Content-Type': 'application/merge-patch+json' });
    await api.json('DELETE', `${CMS}/w-b`);
    const w = api.watch(`${CMS}?watch=1&resourceVersion=${rv}&fieldSelector=metadata.name%3Dw-b`);
    await eventually(() => w.events.length >= 6, 5000, 'replayed events');
    w.stop();
    assert.deepEqual(w.events.map((e) => e.type), ['MODIFIED', 'MODIFIED', 'MODIFIED', 'MODIFIED', 'MODIFIED', 'DELETED']);
    const rvs = w.events.map((e) => Number((e.object.metadata as { resourceVersion: string }).resourceVersion));
    assert.deepEqual(rvs, [...rvs].sort((a, b) => a - b));
  });
  test('a label change that stops matching is a DELETED for that watcher', async () => {
    await api.json('POST', CMS, cm('w-c', { labels: { watch: 'me' } }));
    const w = api.watch(`${CMS}?watch=1&labelSelector=watch%3Dme`);
    await eventually(() => w.events.some((e) => e.type === 'ADDED'), 5000, 'ADDED');
    await api.json('PATCH', `${CMS}/w-c`, { metadata: { labels: { watch: 'other' } } }, { 'Content-Type': 'application/merge-patch+json' });
    await eventually(() => w.events.some((e) => e.type === 'DELETED'), 5000, 'DELETED');
    w.stop();
  });
  test('a resourceVersion older than the window is 410 Expired', async () => {
    const first = await api.json<Obj>('POST', CMS, cm('w-old'));
    for (let i = 0; i < 60; i++) await api.json('PATCH', `${CMS}/w-old`, { data: { a: String(i) } }, { 'Content-Type': 'application/merge-patch+json' });
    const w = api.watch(`${CMS}?watch=1&resourceVersion=${first.body.metadata.resourceVersion}`);
    await eventually(() => w.events.length >= 1, 5000, 'ERROR event');
    w.stop();
    assert.equal(w.events[0].type, 'ERROR');
    assert.equal(w.events[0].object.code, 410);
    assert.equal(w.events[0].object.reason, 'Expired');
  });
  test('bookmarks and sendInitialEvents', async () => {
    const list = await api.json<{ metadata: { resourceVersion: string } }>('GET', CMS);
    const w = api.watch(`${CMS}?watch=1&allowWatchBookmarks=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&resourceVersion=${list.body.metadata.resourceVersion}`);
    await eventually(() => w.events.some((e) => e.type === 'BOOKMARK'), 5000, 'initial-events-end bookmark');
    w.stop();
    const bm = w.events.find((e) => e.type === 'BOOKMARK')!;
    assert.deepEqual((bm.object.metadata as { annotations: Record<string, string> }).annotations, { 'k8s.io/initial-events-end': 'true' });
    assert.equal(bm.object.kind, 'ConfigMap');
    assert.ok(w.events.findIndex((e) => e.type === 'BOOKMARK') > 0, 'initial ADDED events come first');
  });
});

describe('discovery', () => {
  test('legacy and aggregated v2 / v2beta1', async () => {
    const v = await api.json<{ versions: string[] }>('GET', '/api');
    assert.deepEqual(v.body.versions, ['v1']);
    const groups = await api.json<{ groups: { name: string; preferredVersion: { version: string } }[] }>('GET', '/apis');
    assert.equal(groups.body.groups.find((g) => g.name === 'autoscaling')?.preferredVersion.version, 'v2');
    for (const ver of ['v2', 'v2beta1']) {
      const r = await api.request('GET', '/apis', { headers: { Accept: `application/json;g=apidiscovery.k8s.io;v=${ver};as=APIGroupDiscoveryList,application/json` } });
      assert.equal(r.headers['content-type'], `application/json;g=apidiscovery.k8s.io;v=${ver};as=APIGroupDiscoveryList`);
      const doc = JSON.parse(r.body) as { apiVersion: string; items: { metadata: { name: string }; versions: { resources: { resource: string; responseKind: unknown; subresources?: { subresource: string }[] }[] }[] }[] };
      assert.equal(doc.apiVersion, `apidiscovery.k8s.io/${ver}`);
      const apps = doc.items.find((g) => g.metadata.name === 'apps')!;
      const deploy = apps.versions[0].resources.find((x) => x.resource === 'deployments')!;
      assert.deepEqual(deploy.responseKind, { group: 'apps', version: 'v1', kind: 'Deployment' });
      assert.ok(deploy.subresources?.some((s) => s.subresource === 'status'));
    }
  });
});

describe('services', () => {
  test('ClusterIPs and NodePorts are unique under concurrent creates', async () => {
    const creates = Array.from({ length: 40 }, (_, i) => api.json<Obj & { spec: { clusterIP: string; ports: { nodePort: number }[] } }>('POST', '/api/v1/namespaces/sem/services', {
      metadata: { name: `np-${i}` }, spec: { type: 'NodePort', ports: [{ port: 80 }] },
    }));
    const made = await Promise.all(creates);
    for (const m of made) assert.equal(m.status, 201);
    const ips = made.map((m) => m.body.spec.clusterIP);
    const ports = made.map((m) => m.body.spec.ports[0].nodePort);
    assert.equal(new Set(ips).size, 40);
    assert.equal(new Set(ports).size, 40);
    for (const ip of ips) assert.match(ip, /^10\.43\.\d+\.\d+$/);
    for (const p of ports) assert.ok(p >= 30000 && p <= 32767);
    const kube = await api.json<{ spec: { clusterIP: string } }>('GET', '/api/v1/namespaces/default/services/kubernetes');
    assert.equal(kube.body.spec.clusterIP, '10.43.0.1');
    const clash = await api.json<Status>('POST', '/api/v1/namespaces/sem/services', { metadata: { name: 'clash' }, spec: { clusterIP: ips[0], ports: [{ port: 80 }] } });
    assert.equal(clash.status, 422);
    assert.match(clash.body.message, /provided IP is already allocated/);
    // A deleted service's IP can be taken again.
    await api.json('DELETE', '/api/v1/namespaces/sem/services/np-0');
    const reuse = await api.json('POST', '/api/v1/namespaces/sem/services', { metadata: { name: 'reuse' }, spec: { clusterIP: ips[0], ports: [{ port: 80 }] } });
    assert.equal(reuse.status, 201);
  });
});

describe('server endpoints and limits', () => {
  test('/healthz, /livez, /readyz, /version, /metrics', async () => {
    for (const p of ['/healthz', '/livez', '/readyz']) {
      const r = await api.request('GET', p);
      assert.equal(r.status, 200);
      assert.equal(r.body, 'ok');
    }
    const v = await api.json<{ gitVersion: string; major: string }>('GET', '/version');
    assert.match(v.body.gitVersion, /^v1\.\d+\.\d+\+k8ts$/);
    const m = await api.request('GET', '/metrics');
    assert.match(m.body, /^apiserver_request_total\{.*verb="POST".*resource="configmaps".*code="201".*\} \d+/m);
    assert.match(m.body, /^apiserver_request_duration_seconds_bucket\{/m);
    assert.match(m.body, /^apiserver_storage_request_duration_seconds_count\{operation="create"\} \d+/m);
    assert.match(m.body, /^apiserver_registered_watchers \d+/m);
  });
  test('past the in-flight bound: 429 with Retry-After', async () => {
    // 50 writes whose bodies have not finished arriving hold every in-flight slot.
    const held = Array.from({ length: 50 }, () => api.hold('POST', CMS));
    await eventually(async () => {
      const r = await api.request('GET', CMS);
      return r.status === 429 ? r : undefined;
    }, 10_000, 'a 429');
    const r = await api.request('GET', CMS);
    assert.equal(r.status, 429);
    assert.equal(r.headers['retry-after'], '1');
    assert.equal((JSON.parse(r.body) as Status).reason, 'TooManyRequests');
    // Finishing them frees the slots; nothing was lost.
    const done = await Promise.all(held.map((h, i) => h.finish(JSON.stringify(cm(`held-${i}`)))));
    assert.ok(done.every((d) => d.status === 201 || d.status === 429));
    assert.equal((await api.request('GET', CMS)).status, 200);
  });
});
