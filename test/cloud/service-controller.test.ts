/**
 * The service controller in the test process against a real API server
 * (no controllers of its own), with the k8ts provider's load balancer behind
 * a recording wrapper that can be told to fail: finalizer before the load
 * balancer, ingress from the Ready nodes' addresses (read back with kubectl
 * 1.35), deletion, loadBalancerClass, type changes, failures and retries,
 * and node readiness followed.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Event, LoadBalancerStatus, Node, Service } from 'kubernetes-types/core/v1.js';
import { createLogger } from '../../src/api/log.js';
import { EventRecorder, InformerFactory, RESOURCES, RestClient } from '../../src/client/index.js';
import type { LoadBalancer } from '../../src/cloud/index.js';
import { LOAD_BALANCER_CLEANUP_FINALIZER } from '../../src/cloud/index.js';
import { ServiceLoadBalancer } from '../../src/cloud/providers/k8ts/service-lb.js';
import { startServiceController } from '../../src/cloud/service/service-controller.js';
import { startServer, type RunningServer } from '../harness/server.js';
import { findKubectl } from '../harness/clients.js';
import { Kubectl, eventually } from '../harness/kubectl.js';

/** The k8ts load balancer, with every call recorded and a switch to make calls fail. */
class RecordingLoadBalancer implements LoadBalancer {
  readonly calls: string[] = [];
  failWith: string | undefined;
  constructor(readonly inner: ServiceLoadBalancer) {}
  private note(op: string, s: Service): void {
    this.calls.push(`${op} ${s.metadata!.namespace}/${s.metadata!.name}`);
    if (this.failWith) throw new Error(this.failWith);
  }
  getLoadBalancer(c: string, s: Service): Promise<LoadBalancerStatus | undefined> { return this.inner.getLoadBalancer(c, s); }
  getLoadBalancerName(c: string, s: Service): string { return this.inner.getLoadBalancerName(c, s); }
  async ensureLoadBalancer(c: string, s: Service, nodes: readonly Node[]): Promise<LoadBalancerStatus> {
    this.note('ensure', s);
    return this.inner.ensureLoadBalancer(c, s, nodes);
  }
  async updateLoadBalancer(c: string, s: Service, nodes: readonly Node[]): Promise<void> {
    this.note('update', s);
    return this.inner.updateLoadBalancer(c, s, nodes);
  }
  async ensureLoadBalancerDeleted(c: string, s: Service): Promise<void> {
    this.note('delete', s);
    return this.inner.ensureLoadBalancerDeleted(c, s);
  }
}

const bin = findKubectl(35);
let server: RunningServer;
let client: RestClient;
let informers: InformerFactory;
let controller: { stop(): Promise<void> };
let lb: RecordingLoadBalancer;
let k: Kubectl | undefined;
const ns = 'default';

async function createNode(name: string, ip: string, opts: { ready?: boolean; labels?: Record<string, string>; externalIP?: string } = {}): Promise<void> {
  await client.create<Node>(RESOURCES.nodes, { apiVersion: 'v1', kind: 'Node', metadata: { name, ...(opts.labels ? { labels: opts.labels } : {}) } });
  await setNodeStatus(name, ip, opts.ready ?? true, opts.externalIP);
}

async function setNodeStatus(name: string, ip: string, ready: boolean, externalIP?: string): Promise<void> {
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  await client.patch(RESOURCES.nodes, name, {
    status: {
      addresses: [{ type: 'InternalIP', address: ip }, ...(externalIP ? [{ type: 'ExternalIP', address: externalIP }] : []), { type: 'Hostname', address: name }],
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', reason: ready ? 'KubeletReady' : 'KubeletNotReady', lastHeartbeatTime: now, lastTransitionTime: now }],
    },
  }, { subresource: 'status', type: 'strategic' });
}

function serviceSpec(name: string, spec: Record<string, unknown> = {}): Service {
  return {
    apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns },
    spec: { type: 'LoadBalancer', selector: { app: name }, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }], ...spec },
  } as Service;
}

const getService = (name: string): Promise<Service> => client.get<Service>(RESOURCES.services, name, { namespace: ns });
const ingressIPs = (s: Service): string[] => (s.status?.loadBalancer?.ingress ?? []).map((i) => i.ip!);
async function events(name: string): Promise<Event[]> {
  const list = await client.list<Event>(RESOURCES.events, { namespace: ns });
  return list.items.filter((e) => e.involvedObject.kind === 'Service' && e.involvedObject.name === name);
}
const reasons = async (name: string): Promise<string[]> => (await events(name)).map((e) => e.reason!);
async function waitService(name: string, ok: (s: Service) => boolean, what: string): Promise<Service> {
  let last: Service | undefined;
  await eventually(async () => { last = await getService(name); return ok(last); }, 15_000, what);
  return last!;
}
async function gone(name: string): Promise<boolean> {
  try { await getService(name); return false; } catch (e) { return (e as { code?: number }).code === 404; }
}

before(async () => {
  server = await startServer({ args: ['--disable-controllers'], datastore: 'memory' });
  client = RestClient.fromKubeconfig(server.kubeconfig, { component: 'service-controller-test' });
  informers = new InformerFactory(RestClient.fromKubeconfig(server.kubeconfig, { maxSockets: 16 }));
  const logger = createLogger('service-controller', { level: process.env['CLOUD_TEST_LOG'] ?? 'warn' });
  const inner = new ServiceLoadBalancer();
  inner.initialize({ client, informers, logger });
  lb = new RecordingLoadBalancer(inner);
  await createNode('node-a', '192.0.2.11');
  await createNode('node-b', '192.0.2.12', { externalIP: '198.51.100.12' });
  await createNode('node-down', '192.0.2.13', { ready: false });
  controller = startServiceController({
    client, informers, loadBalancer: lb, logger, retryBaseMs: 200, retryMaxMs: 1000,
    recorder: new EventRecorder({ client, component: 'service-controller' }),
  });
  informers.start();
  if (bin.path) k = new Kubectl(bin.path, server.kubeconfig);
});
after(async () => {
  await controller?.stop();
  await informers?.stop();
  client?.close();
  await server?.stop();
});

test('a LoadBalancer Service gets the finalizer and the Ready nodes\' InternalIPs (and ExternalIPs) as ingress; kubectl 1.35 shows them', async (t) => {
  await client.create(RESOURCES.services, serviceSpec('web'), { namespace: ns });
  const s = await waitService('web', (x) => ingressIPs(x).length > 0, 'ingress on web');
  assert.deepEqual(ingressIPs(s), ['192.0.2.11', '192.0.2.12', '198.51.100.12']);
  assert.ok(s.metadata!.finalizers!.includes(LOAD_BALANCER_CLEANUP_FINALIZER));
  await eventually(async () => (await reasons('web')).includes('EnsuredLoadBalancer'), 10_000, 'EnsuredLoadBalancer event');
  assert.ok((await reasons('web')).includes('EnsuringLoadBalancer'));
  const ensured = (await events('web')).find((e) => e.reason === 'EnsuredLoadBalancer')!;
  assert.equal(ensured.message, 'Ensured load balancer');
  assert.equal(ensured.type, 'Normal');
  if (!k) { t.skip(`kubectl 1.35 unavailable: ${bin.reason}`); return; }
  const json = JSON.parse(k.ok(['get', 'svc', 'web', '-o', 'json'])) as Service;
  assert.deepEqual(json.status?.loadBalancer?.ingress?.map((i) => i.ip), ['192.0.2.11', '192.0.2.12', '198.51.100.12']);
  const table = k.ok(['get', 'svc', 'web']);
  assert.match(table, /EXTERNAL-IP/);
  assert.match(table.split('\n')[1]!, /^web\s+LoadBalancer\s+\S+\s+192\.0\.2\.11,192\.0\.2\.12,198\.51\.100\.12\s+80:\d+\/TCP/);
});

test('a node that becomes Ready joins the ingress; one that goes NotReady leaves it', async () => {
  await setNodeStatus('node-down', '192.0.2.13', true);
  await eventually(async () => ingressIPs(await getService('web')).includes('192.0.2.13'), 15_000, 'node-down in the ingress');
  await setNodeStatus('node-a', '192.0.2.11', false);
  const s = await waitService('web', (x) => !ingressIPs(x).includes('192.0.2.11'), 'node-a out of the ingress');
  assert.deepEqual(ingressIPs(s), ['192.0.2.12', '192.0.2.13', '198.51.100.12']);
  await setNodeStatus('node-a', '192.0.2.11', true);
});

test('nodes labelled svccontroller.k3s.cattle.io/enablelb=true, when any is, are the only ones used; a new node updates the load balancer', async () => {
  await createNode('node-lb', '192.0.2.20', { labels: { 'svccontroller.k3s.cattle.io/enablelb': 'true' } });
  await eventually(async () => lb.calls.includes(`update ${ns}/web`), 15_000, 'UpdateLoadBalancer after a node was added');
  const s = await waitService('web', (x) => ingressIPs(x).join() === '192.0.2.20', 'only node-lb in the ingress').catch(async (e) => {
    throw new Error(`${(e as Error).message}; ingress ${ingressIPs(await getService('web')).join()}; calls ${lb.calls.join(', ')}`);
  });
  assert.deepEqual(ingressIPs(s), ['192.0.2.20']);
  await eventually(async () => (await reasons('web')).includes('UpdatedLoadBalancer'), 10_000, 'UpdatedLoadBalancer event');
  await client.delete(RESOURCES.nodes, 'node-lb');
  await eventually(async () => ingressIPs(await getService('web')).length === 4, 15_000, 'all Ready nodes back in the ingress');
});

test('deleting the Service runs EnsureLoadBalancerDeleted, then the finalizer goes and so does the Service', async () => {
  await client.delete(RESOURCES.services, 'web', { namespace: ns });
  await eventually(() => gone('web'), 15_000, 'web deleted');
  assert.ok(lb.calls.includes(`delete ${ns}/web`));
  const r = await reasons('web');
  assert.ok(r.includes('DeletingLoadBalancer') && r.includes('DeletedLoadBalancer'), r.join());
  assert.equal((await events('web')).find((e) => e.reason === 'DeletedLoadBalancer')!.message, 'Deleted load balancer');
});

test('a failing EnsureLoadBalancer gives SyncLoadBalancerFailed with upstream\'s text, no ingress, and is retried until it succeeds', async () => {
  lb.failWith = 'quota exceeded';
  await client.create(RESOURCES.services, serviceSpec('flaky'), { namespace: ns });
  const failed = (await eventually(async () => (await events('flaky')).find((e) => e.reason === 'SyncLoadBalancerFailed'), 15_000, 'SyncLoadBalancerFailed'))!;
  assert.equal(failed.type, 'Warning');
  assert.equal(failed.message, 'Error syncing load balancer: failed to ensure load balancer: quota exceeded');
  await eventually(() => lb.calls.filter((c) => c === `ensure ${ns}/flaky`).length >= 2, 15_000, 'a retry');
  const during = await getService('flaky');
  assert.deepEqual(ingressIPs(during), []);
  // The finalizer is on before the first EnsureLoadBalancer call, so nothing can leak.
  assert.ok(during.metadata!.finalizers!.includes(LOAD_BALANCER_CLEANUP_FINALIZER));
  lb.failWith = undefined;
  await eventually(async () => ingressIPs(await getService('flaky')).length === 4, 15_000, 'ingress after the retry');
});

test('a type change away from LoadBalancer deletes the load balancer, clears the ingress and removes the finalizer', async () => {
  const before = lb.calls.filter((c) => c === `delete ${ns}/flaky`).length;
  await client.patch(RESOURCES.services, 'flaky', { spec: { type: 'ClusterIP', externalTrafficPolicy: null, allocateLoadBalancerNodePorts: null, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP', nodePort: null }] } }, { namespace: ns, type: 'strategic' });
  const s = await waitService('flaky', (x) => !(x.metadata?.finalizers ?? []).includes(LOAD_BALANCER_CLEANUP_FINALIZER), 'finalizer removed');
  assert.deepEqual(ingressIPs(s), []);
  assert.equal(lb.calls.filter((c) => c === `delete ${ns}/flaky`).length, before + 1);
  assert.ok((await reasons('flaky')).includes('DeletedLoadBalancer'));
});

test('spec.loadBalancerClass set: the Service is left to its own controller (no finalizer, no call, no status)', async () => {
  await client.create(RESOURCES.services, serviceSpec('classy', { loadBalancerClass: 'example.com/other' }), { namespace: ns });
  // A plain LoadBalancer Service created after it is handled: once it is, the classy one has had its chance.
  await client.create(RESOURCES.services, serviceSpec('plain'), { namespace: ns });
  await eventually(async () => ingressIPs(await getService('plain')).length > 0, 15_000, 'plain handled');
  const s = await getService('classy');
  assert.deepEqual(s.metadata!.finalizers ?? [], []);
  assert.deepEqual(ingressIPs(s), []);
  assert.ok(!lb.calls.some((c) => c.endsWith('/classy')));
  assert.deepEqual(await reasons('classy'), []);
  // The status its own controller writes is left alone too.
  await client.patch(RESOURCES.services, 'classy', { status: { loadBalancer: { ingress: [{ ip: '203.0.113.7' }] } } }, { namespace: ns, subresource: 'status' });
  await client.create(RESOURCES.services, serviceSpec('plain2'), { namespace: ns });
  await eventually(async () => ingressIPs(await getService('plain2')).length > 0, 15_000, 'plain2 handled');
  assert.deepEqual(ingressIPs(await getService('classy')), ['203.0.113.7']);
  assert.deepEqual(await reasons('classy'), []);
});
