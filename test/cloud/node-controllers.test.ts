/**
 * The cloud node controller, the cloud node lifecycle controller and the
 * route controller in the test process against a real API server: a node
 * registered with the uninitialized taint is initialized from the k8ts
 * provider (providerID, instance type, zone labels, taint removed); a
 * NotReady node whose instance is gone is deleted, a shut-down one tainted;
 * pod routes go through the k8ts provider's `ip route` commands (a fake
 * runner here) and stale ones are deleted.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Event, Node } from 'kubernetes-types/core/v1.js';
import { createLogger } from '../../src/api/log.js';
import { EventRecorder, InformerFactory, RESOURCES, RestClient } from '../../src/client/index.js';
import { K8tsCloudProvider, TAINT_EXTERNAL_CLOUD_PROVIDER, TAINT_NODE_SHUTDOWN, type InstanceMetadata } from '../../src/cloud/index.js';
import type { NodeInstances } from '../../src/cloud/instances.js';
import { startCloudNodeController } from '../../src/cloud/node/cloud-node-controller.js';
import { startCloudNodeLifecycleController } from '../../src/cloud/nodelifecycle/cloud-node-lifecycle-controller.js';
import { startRouteController, type RunningRouteController } from '../../src/cloud/route/route-controller.js';
import { startServer, type RunningServer } from '../harness/server.js';
import { eventually } from '../harness/kubectl.js';

let server: RunningServer;
let client: RestClient;
let informers: InformerFactory;
const stops: (() => Promise<void>)[] = [];
let routes: RunningRouteController;
const commands: string[] = [];
/** What the fake runner's `ip -j route show` prints. */
let kernelRoutes: { dst: string; gateway: string }[] = [];
/** Instances the fake cloud says are gone or shut down, by node name. */
const goneInstances = new Set<string>();
const shutDownInstances = new Set<string>();

const provider = new K8tsCloudProvider({
  run: async (argv) => {
    commands.push(argv.join(' '));
    if (argv.includes('show')) return JSON.stringify(kernelRoutes);
    return '';
  },
  localAddresses: () => new Set(['127.0.0.1', '192.0.2.1']),
});

/** The k8ts provider's metadata, with existence and shutdown from the sets above. */
const fakeCloud: NodeInstances = {
  instanceExists: async (n) => !goneInstances.has(n.metadata!.name!),
  instanceShutdown: async (n) => shutDownInstances.has(n.metadata!.name!),
  instanceMetadata: (n): Promise<InstanceMetadata> => provider.instancesV2().instanceMetadata(n),
};

async function createNode(name: string, ip: string, opts: { taints?: Node['spec'] extends infer S ? S extends { taints?: infer T } ? T : never : never; labels?: Record<string, string>; podCIDR?: string; ready?: boolean } = {}): Promise<void> {
  await client.create<Node>(RESOURCES.nodes, {
    apiVersion: 'v1', kind: 'Node', metadata: { name, ...(opts.labels ? { labels: opts.labels } : {}) },
    spec: { ...(opts.taints ? { taints: opts.taints } : {}), ...(opts.podCIDR ? { podCIDR: opts.podCIDR, podCIDRs: [opts.podCIDR] } : {}) },
  });
  await setReady(name, ip, opts.ready ?? true);
}

async function setReady(name: string, ip: string, ready: boolean): Promise<void> {
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  await client.patch(RESOURCES.nodes, name, {
    status: {
      addresses: [{ type: 'InternalIP', address: ip }, { type: 'Hostname', address: name }],
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'Unknown', reason: ready ? 'KubeletReady' : 'NodeStatusUnknown', lastHeartbeatTime: now, lastTransitionTime: now }],
    },
  }, { subresource: 'status', type: 'strategic' });
}

const getNode = (name: string): Promise<Node> => client.get<Node>(RESOURCES.nodes, name);
async function waitNode(name: string, ok: (n: Node) => boolean, what: string): Promise<Node> {
  let last: Node | undefined;
  await eventually(async () => { last = await getNode(name); return ok(last); }, 15_000, what);
  return last!;
}
async function nodeEvents(name: string): Promise<Event[]> {
  const list = await client.list<Event>(RESOURCES.events, { namespace: 'default' });
  return list.items.filter((e) => e.involvedObject.kind === 'Node' && e.involvedObject.name === name);
}

before(async () => {
  server = await startServer({ args: ['--disable-controllers'], datastore: 'memory' });
  client = RestClient.fromKubeconfig(server.kubeconfig, { component: 'cloud-node-test' });
  informers = new InformerFactory(RestClient.fromKubeconfig(server.kubeconfig, { maxSockets: 16 }));
  const logger = createLogger('cloud-node-test', { level: process.env['CLOUD_TEST_LOG'] ?? 'warn' });
  provider.initialize({ client, informers, logger });
  const rec = (component: string): EventRecorder => new EventRecorder({ client, component });
  const node = startCloudNodeController({ client, informers, instances: provider.instancesV2(), recorder: rec('cloud-node-controller'), logger });
  const lifecycle = startCloudNodeLifecycleController({ client, informers, instances: fakeCloud, recorder: rec('cloud-node-lifecycle-controller'), logger, monitorPeriodMs: 200 });
  routes = startRouteController({
    client, informers, routes: provider.routes(), recorder: rec('route-controller'), logger, clusterCIDR: '10.42.0.0/16', reconcilePeriodMs: 60_000,
  });
  stops.push(() => node.stop(), () => lifecycle.stop(), () => routes.stop());
  informers.start();
});
after(async () => {
  for (const s of stops) await s();
  await informers?.stop();
  client?.close();
  await server?.stop();
});

test('a node registered with the uninitialized taint gets providerID, instance-type and zone/region labels, and loses the taint', async () => {
  await createNode('worker-1', '192.0.2.21', {
    taints: [{ key: TAINT_EXTERNAL_CLOUD_PROVIDER, value: 'true', effect: 'NoSchedule' }, { key: 'dedicated', value: 'db', effect: 'NoSchedule' }],
    labels: { 'topology.kubernetes.io/zone': 'zone-a', 'topology.kubernetes.io/region': 'region-1' },
  });
  const n = await waitNode('worker-1', (x) => !(x.spec?.taints ?? []).some((t) => t.key === TAINT_EXTERNAL_CLOUD_PROVIDER), 'taint removed');
  assert.equal(n.spec!.providerID, 'k8ts://worker-1');
  assert.deepEqual(n.spec!.taints, [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }]);
  const l = n.metadata!.labels!;
  assert.equal(l['node.kubernetes.io/instance-type'], 'k8ts');
  assert.equal(l['beta.kubernetes.io/instance-type'], 'k8ts');
  assert.equal(l['topology.kubernetes.io/zone'], 'zone-a');
  assert.equal(l['failure-domain.beta.kubernetes.io/zone'], 'zone-a');
  assert.equal(l['topology.kubernetes.io/region'], 'region-1');
  assert.equal(l['failure-domain.beta.kubernetes.io/region'], 'region-1');
  assert.deepEqual(n.status!.addresses!.map((a) => a.address), ['192.0.2.21', 'worker-1']);
  await eventually(async () => (await nodeEvents('worker-1')).some((e) => e.reason === 'Synced' && e.message === 'Node synced successfully'), 10_000, 'Synced event');
});

test('a node without zone labels gets none, and a node without the taint is left as it is', async () => {
  await createNode('worker-2', '192.0.2.22', { taints: [{ key: TAINT_EXTERNAL_CLOUD_PROVIDER, value: 'true', effect: 'NoSchedule' }] });
  await createNode('plain', '192.0.2.23');
  const n = await waitNode('worker-2', (x) => x.spec?.providerID !== undefined, 'worker-2 initialized');
  assert.equal(n.spec!.taints, undefined);
  assert.equal(n.metadata!.labels?.['topology.kubernetes.io/zone'], undefined);
  const plain = await getNode('plain');
  assert.equal(plain.spec?.providerID, undefined);
  assert.equal(plain.metadata!.labels?.['node.kubernetes.io/instance-type'], undefined);
});

test('lifecycle: a NotReady node that is shut down gets the shutdown taint, loses it when Ready; one whose instance is gone is deleted', async () => {
  shutDownInstances.add('worker-1');
  await setReady('worker-1', '192.0.2.21', false);
  const tainted = await waitNode('worker-1', (x) => (x.spec?.taints ?? []).some((t) => t.key === TAINT_NODE_SHUTDOWN), 'shutdown taint');
  assert.deepEqual(tainted.spec!.taints!.find((t) => t.key === TAINT_NODE_SHUTDOWN), { key: TAINT_NODE_SHUTDOWN, effect: 'NoSchedule' });
  await setReady('worker-1', '192.0.2.21', true);
  await waitNode('worker-1', (x) => !(x.spec?.taints ?? []).some((t) => t.key === TAINT_NODE_SHUTDOWN), 'shutdown taint removed');

  goneInstances.add('plain');
  // A Ready node is never asked about, even if the cloud says it is gone.
  await new Promise((r) => setTimeout(r, 600));
  await getNode('plain');
  await setReady('plain', '192.0.2.23', false);
  await eventually(async () => { try { await getNode('plain'); return false; } catch (e) { return (e as { code?: number }).code === 404; } }, 15_000, 'plain deleted');
  const ev = await eventually(async () => (await nodeEvents('plain')).find((e) => e.reason === 'DeletingNode'), 10_000, 'DeletingNode event');
  assert.equal(ev!.message, 'Deleting node plain because it does not exist in the cloud provider');
});

test('routes: each remote node with a podCIDR gets `ip route replace` via its InternalIP and NetworkUnavailable=False; the local node none; stale routes go', async () => {
  await createNode('local', '192.0.2.1', { podCIDR: '10.42.0.0/24' });
  await createNode('remote', '192.0.2.30', { podCIDR: '10.42.7.0/24' });
  kernelRoutes = [{ dst: '10.42.9.0/24', gateway: '192.0.2.99' }, { dst: '10.99.0.0/24', gateway: '192.0.2.98' }];
  await eventually(async () => { await routes.reconcile(); return commands.includes('ip route replace 10.42.7.0/24 via 192.0.2.30 proto 176'); }, 15_000, 'route to remote');
  assert.ok(!commands.some((c) => c.includes('10.42.0.0/24')), commands.join('\n'));
  // A route to a gateway no node has, inside the cluster CIDR, is deleted; one outside it is not ours.
  assert.ok(commands.includes('ip route del 10.42.9.0/24 proto 176'), commands.join('\n'));
  assert.ok(!commands.some((c) => c.startsWith('ip route del 10.99.')), commands.join('\n'));
  const remote = await waitNode('remote', (x) => x.status?.conditions?.some((c) => c.type === 'NetworkUnavailable') ?? false, 'NetworkUnavailable');
  const cond = remote.status!.conditions!.find((c) => c.type === 'NetworkUnavailable')!;
  assert.deepEqual([cond.status, cond.reason, cond.message], ['False', 'RouteCreated', 'RouteController created a route']);
  assert.ok(remote.status!.conditions!.some((c) => c.type === 'Ready'), 'the Ready condition is kept');

  // Once the kernel has the route, it is not created again; when its node goes, the route goes (podCIDR itself is immutable).
  kernelRoutes = [{ dst: '10.42.7.0/24', gateway: '192.0.2.30' }];
  commands.length = 0;
  await routes.reconcile();
  assert.ok(commands.some((c) => c.includes('route show')), commands.join('\n'));
  assert.ok(!commands.some((c) => c.startsWith('ip route replace') || c.startsWith('ip route del')), commands.join('\n'));
  await client.delete(RESOURCES.nodes, 'remote');
  await eventually(async () => { await routes.reconcile(); return commands.includes('ip route del 10.42.7.0/24 proto 176'); }, 15_000, 'the route of a deleted node deleted');
});
