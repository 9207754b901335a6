/** Pure parts of cloud/: ServiceLB ingress, service predicates, controller selection, CIDRs, route plans, the provider registry, the kubelet's taint. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Node, Service } from 'kubernetes-types/core/v1.js';
import { cloudProviderNames, initCloudProvider, registerCloudProvider, selectCloudControllers, K8tsCloudProvider } from '../../src/cloud/index.js';
import { serviceLbIngress } from '../../src/cloud/providers/k8ts/service-lb.js';
import { HostRoutes } from '../../src/cloud/providers/k8ts/host-routes.js';
import { isLoadBalancerNode, needsCleanup, needsUpdate, wantsLoadBalancer } from '../../src/cloud/service/load-balancer-service.js';
import { cidrContains } from '../../src/cloud/route/cidr.js';
import { planRoutes } from '../../src/cloud/route/route-controller.js';
import { initializedNode } from '../../src/cloud/node/cloud-node-controller.js';
import { initialNode } from '../../src/kubelet/node-status/node-object.js';
import { nodeFlagValues } from '../../src/cli/node-flags.js';
import { parseDisableCloudFlag, parseDisableFlag } from '../../src/cli/disable-flag.js';

function node(name: string, addrs: [string, string][], opts: { ready?: boolean; labels?: Record<string, string>; podCIDR?: string } = {}): Node {
  return {
    metadata: { name, uid: `uid-${name}`, ...(opts.labels ? { labels: opts.labels } : {}) },
    spec: opts.podCIDR ? { podCIDR: opts.podCIDR, podCIDRs: [opts.podCIDR] } : {},
    status: {
      addresses: addrs.map(([type, address]) => ({ type, address })),
      conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True' }],
    },
  };
}
const svc = (spec: Service['spec'] = {}, meta: Service['metadata'] = {}): Service => ({ metadata: { name: 's', namespace: 'ns', ...meta }, spec: { type: 'LoadBalancer', ...spec } });

test('ServiceLB ingress: InternalIP and ExternalIP of Ready nodes, sorted numerically, in the Service\'s IP families', () => {
  const nodes = [
    node('a', [['InternalIP', '10.0.0.10'], ['Hostname', 'a']]),
    node('b', [['InternalIP', '10.0.0.9'], ['ExternalIP', '203.0.113.9'], ['InternalIP', 'fd00::9']]),
    node('down', [['InternalIP', '10.0.0.8']], { ready: false }),
  ];
  assert.deepEqual(serviceLbIngress(svc(), nodes).map((i) => i.ip), ['10.0.0.9', '10.0.0.10', '203.0.113.9', 'fd00::9']);
  assert.deepEqual(serviceLbIngress(svc({ ipFamilies: ['IPv4'] }), nodes).map((i) => i.ip), ['10.0.0.9', '10.0.0.10', '203.0.113.9']);
  assert.deepEqual(serviceLbIngress(svc({ ipFamilies: ['IPv6'] }), nodes).map((i) => i.ip), ['fd00::9']);
  assert.equal(serviceLbIngress(svc(), nodes)[0]!.ipMode, 'VIP');
  assert.deepEqual(serviceLbIngress(svc(), []), []);
});

test('ServiceLB ingress: once a node has enablelb=true, only such nodes serve (k3s); a labelled NotReady node serves nothing', () => {
  const label = { 'svccontroller.k3s.cattle.io/enablelb': 'true' };
  const nodes = [node('a', [['InternalIP', '10.0.0.1']]), node('b', [['InternalIP', '10.0.0.2']], { labels: label })];
  assert.deepEqual(serviceLbIngress(svc(), nodes).map((i) => i.ip), ['10.0.0.2']);
  assert.deepEqual(serviceLbIngress(svc(), [nodes[0]!, node('b', [['InternalIP', '10.0.0.2']], { labels: label, ready: false })]), []);
});

test('wantsLoadBalancer, needsCleanup, needsUpdate and the load balancer node set', () => {
  const f = { finalizers: ['service.kubernetes.io/load-balancer-cleanup'] };
  assert.equal(wantsLoadBalancer(svc()), true);
  assert.equal(wantsLoadBalancer(svc({ loadBalancerClass: 'x' })), false);
  assert.equal(wantsLoadBalancer(svc({ type: 'NodePort' })), false);
  assert.equal(needsCleanup(svc({}, f)), false);
  assert.equal(needsCleanup(svc({ type: 'ClusterIP' }, f)), true);
  assert.equal(needsCleanup(svc({}, { ...f, deletionTimestamp: '2026-01-01T00:00:00Z' })), true);
  assert.equal(needsCleanup(svc({ type: 'ClusterIP' })), false);
  const withStatus: Service = { ...svc(), status: { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } } };
  assert.equal(needsUpdate(svc(), withStatus), false, 'a status change alone is the controller\'s own write');
  assert.equal(needsUpdate(svc(), svc({ ports: [{ port: 81 }] })), true);
  assert.equal(needsUpdate(svc({ type: 'ClusterIP' }), svc({ type: 'ClusterIP', ports: [{ port: 81 }] })), false);
  assert.equal(isLoadBalancerNode(node('a', [])), true);
  assert.equal(isLoadBalancerNode(node('a', [], { labels: { 'node.kubernetes.io/exclude-from-external-load-balancers': '' } })), false);
  assert.equal(isLoadBalancerNode({ ...node('a', []), spec: { taints: [{ key: 'ToBeDeletedByClusterAutoscaler', effect: 'NoSchedule' }] } }), false);
});

test('--controllers selection: *, names, aliases, removals; unknown names rejected', () => {
  const names = (s: string[]): string[] => selectCloudControllers(s).map((d) => d.name);
  assert.deepEqual(names(['*']), ['cloud-node-controller', 'cloud-node-lifecycle-controller', 'service-lb-controller', 'node-route-controller']);
  assert.deepEqual(names(['*', '-service']), ['cloud-node-controller', 'cloud-node-lifecycle-controller', 'node-route-controller']);
  assert.deepEqual(names(['route', 'cloud-node']), ['cloud-node-controller', 'node-route-controller']);
  assert.throws(() => selectCloudControllers(['nope']), /unknown controller "nope"/);
});

test('CIDR containment', () => {
  assert.equal(cidrContains('10.42.0.0/16', '10.42.7.0/24'), true);
  assert.equal(cidrContains('10.42.0.0/16', '10.43.0.0/24'), false);
  assert.equal(cidrContains('10.42.0.0/24', '10.42.0.0/16'), false);
  assert.equal(cidrContains('fd00:42::/56', 'fd00:42:0:7::/64'), true);
  assert.equal(cidrContains('10.42.0.0/16', 'fd00::/64'), false);
  assert.equal(cidrContains('bogus', '10.0.0.0/8'), false);
});

test('route plan: missing routes created, blackholes and stale routes in the cluster CIDR deleted, nodes fully routed reported', () => {
  const nodes = [node('a', [], { podCIDR: '10.42.1.0/24' }), node('b', [], { podCIDR: '10.42.2.0/24' }), node('c', [])];
  const plan = planRoutes(nodes, [
    { name: 'r1', targetNode: 'a', destinationCIDR: '10.42.1.0/24' },
    { name: 'r2', targetNode: 'a', destinationCIDR: '10.42.9.0/24' },
    { name: 'r3', targetNode: '', destinationCIDR: '10.42.3.0/24', blackhole: true },
    { name: 'r4', targetNode: 'gone', destinationCIDR: '192.168.0.0/24' },
  ], '10.42.0.0/16');
  assert.deepEqual(plan.create.map((c) => [c.route.targetNode, c.route.destinationCIDR]), [['b', '10.42.2.0/24']]);
  assert.deepEqual(plan.delete.map((r) => r.name), ['r2', 'r3']);
  assert.deepEqual(plan.routed.map((n) => n.metadata!.name), ['a']);
});

test('host routes: `ip -j route show` parsed, targets found by InternalIP, unknown gateways are blackholes, bad output a clear error', async () => {
  const nodes = [node('a', [['InternalIP', '192.0.2.5']])];
  const store = { get: (k: string) => nodes.find((n) => n.metadata!.name === k), list: () => nodes, listKeys: () => ['a'] };
  let out = JSON.stringify([{ dst: '10.42.1.0/24', gateway: '192.0.2.5', protocol: '176' }, { dst: '10.42.2.0/24', gateway: '192.0.2.6' }]);
  const routes = new HostRoutes({ nodes: () => store as never, run: async () => out, local: () => new Set() });
  assert.deepEqual(await routes.listRoutes(), [
    { name: '10.42.1.0/24', targetNode: 'a', destinationCIDR: '10.42.1.0/24' },
    { name: '10.42.2.0/24', targetNode: '', destinationCIDR: '10.42.2.0/24', blackhole: true },
  ]);
  out = 'Error: garbage';
  await assert.rejects(routes.listRoutes(), /not JSON/);
  await assert.rejects(routes.createRoute('k', 'uid', { name: '', targetNode: 'missing', destinationCIDR: '10.42.3.0/24' }), /node missing has no InternalIP/);
});

test('the cloud node controller\'s update: providerID kept if set, labels added, only the uninitialized taint removed', () => {
  const n: Node = { metadata: { name: 'n', labels: { x: 'y' } }, spec: { providerID: 'aws:///i-1', taints: [{ key: 'node.cloudprovider.kubernetes.io/uninitialized', value: 'true', effect: 'NoSchedule' }, { key: 'k', effect: 'NoExecute' }] } };
  const out = initializedNode(n, { providerID: 'k8ts://n', instanceType: 't', nodeAddresses: [], zone: 'z' });
  assert.equal(out.spec!.providerID, 'aws:///i-1');
  assert.deepEqual(out.spec!.taints, [{ key: 'k', effect: 'NoExecute' }]);
  assert.deepEqual(out.metadata!.labels, { x: 'y', 'node.kubernetes.io/instance-type': 't', 'beta.kubernetes.io/instance-type': 't', 'topology.kubernetes.io/zone': 'z', 'failure-domain.beta.kubernetes.io/zone': 'z' });
  assert.equal(n.spec!.taints!.length, 2, 'input unchanged');
});

test('the provider registry: k8ts built in, more by name, duplicates and unknown names refused', () => {
  assert.ok(cloudProviderNames().includes('k8ts'));
  assert.ok(initCloudProvider('k8ts') instanceof K8tsCloudProvider);
  registerCloudProvider('test-cloud', () => new K8tsCloudProvider());
  assert.equal(initCloudProvider('test-cloud').providerName, 'k8ts');
  assert.throws(() => registerCloudProvider('k8ts', () => new K8tsCloudProvider()), /registered twice/);
  assert.throws(() => initCloudProvider('aws'), /unknown cloud provider "aws"; known: k8ts, test-cloud/);
});

test('kubelet --cloud-provider=external: the Node registers with node.cloudprovider.kubernetes.io/uninitialized=true:NoSchedule', () => {
  const base = { nodeName: 'n', hostname: 'n', operatingSystem: 'linux', architecture: 'amd64' };
  assert.deepEqual(initialNode({ ...base, externalCloudProvider: true }).spec!.taints, [{ key: 'node.cloudprovider.kubernetes.io/uninitialized', value: 'true', effect: 'NoSchedule' }]);
  assert.equal(initialNode(base).spec!.taints, undefined);
  assert.equal(nodeFlagValues({ 'node-name': 'n', 'cloud-provider': 'external' }).externalCloudProvider, true);
  assert.equal(nodeFlagValues({ 'node-name': 'n' }).externalCloudProvider, undefined);
  assert.throws(() => nodeFlagValues({ 'node-name': 'n', 'cloud-provider': 'aws' }), /invalid --cloud-provider "aws": want external/);
});

test('k8ts server --disable servicelb (k3s): the cloud controller manager runs without its service load balancers', () => {
  assert.deepEqual(parseDisableFlag(['servicelb']), []);
  assert.deepEqual(parseDisableCloudFlag(['servicelb,local-storage']), ['-service-lb-controller']);
  assert.deepEqual(parseDisableCloudFlag(['local-storage']), []);
  assert.deepEqual(selectCloudControllers(['*', ...parseDisableCloudFlag(['servicelb'])]).map((d) => d.name), ['cloud-node-controller', 'cloud-node-lifecycle-controller', 'node-route-controller']);
});
