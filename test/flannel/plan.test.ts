/**
 * flannel's plans as pure functions: from Node objects (annotations,
 * podCIDR) and the kernel's current routes, neighbours and FDB to the
 * ip/bridge commands; reruns against the planned state plan nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Node } from 'kubernetes-types/core/v1.js';
import { leaseOf, ownAnnotations, planNetwork, masqueradeRules, type KernelState, type Lease, type PlanInput } from '../../src/flannel/index.js';

const empty: KernelState = { routes: [], neighbours: [], fdb: [] };
const MAC_B = '0a:00:00:00:00:0b';
const MAC_C = '0a:00:00:00:00:0c';

function node(name: string, podCIDR: string | undefined, annotations: Record<string, string>): Node {
  return { metadata: { name, annotations }, spec: podCIDR ? { podCIDR, podCIDRs: [podCIDR] } : {} };
}

function leases(backend: 'host-gw' | 'vxlan'): Lease[] {
  return [
    node('a', '10.42.1.0/24', ownAnnotations(backend, '192.168.5.1', '0a:00:00:00:00:0a')),
    node('b', '10.42.2.0/24', ownAnnotations(backend, '192.168.5.2', MAC_B)),
    node('c', '10.42.3.0/24', ownAnnotations(backend, '192.168.6.3', MAC_C)),
  ].map((n) => leaseOf(n) as Lease);
}

const input = (backend: 'host-gw' | 'vxlan', ls = leases(backend)): PlanInput => ({ backend, nodeName: 'a', subnet: '10.42.1.0/24', clusterCidr: '10.42.0.0/16', leases: ls });

test('a node\'s own annotations are flannel\'s, and read back as its lease', () => {
  const ann = ownAnnotations('vxlan', '192.168.5.2', MAC_B);
  assert.deepEqual(ann, {
    'flannel.alpha.coreos.com/backend-type': 'vxlan',
    'flannel.alpha.coreos.com/backend-data': `{"VNI":1,"VtepMAC":"${MAC_B}"}`,
    'flannel.alpha.coreos.com/public-ip': '192.168.5.2',
    'flannel.alpha.coreos.com/kube-subnet-manager': 'true',
  });
  assert.equal(ownAnnotations('host-gw', '192.168.5.2')['flannel.alpha.coreos.com/backend-data'], 'null');
  assert.deepEqual(leaseOf(node('b', '10.42.2.0/24', ann)), { nodeName: 'b', subnet: '10.42.2.0/24', publicIP: '192.168.5.2', backendType: 'vxlan', vtepMAC: MAC_B });
});

test('a node without podCIDR, annotations or a VtepMAC has no lease yet', () => {
  assert.deepEqual(leaseOf(node('b', undefined, ownAnnotations('host-gw', '192.168.5.2'))), { skip: 'no IPv4 podCIDR' });
  assert.deepEqual(leaseOf(node('b', '10.42.2.0/24', {})), { skip: 'no flannel annotations' });
  const bad = { ...ownAnnotations('vxlan', '192.168.5.2', MAC_B), 'flannel.alpha.coreos.com/backend-data': '{"VNI":1' };
  assert.match((leaseOf(node('b', '10.42.2.0/24', bad)) as { skip: string }).skip, /malformed flannel.alpha.coreos.com\/backend-data/);
  const noMac = { ...ownAnnotations('vxlan', '192.168.5.2', MAC_B), 'flannel.alpha.coreos.com/backend-data': '{"VNI":1}' };
  assert.match((leaseOf(node('b', '10.42.2.0/24', noMac)) as { skip: string }).skip, /no VtepMAC/);
});

test('host-gw: a route to every other node\'s podCIDR via its public-ip, none to its own', () => {
  const plan = planNetwork(input('host-gw'), empty);
  assert.deepEqual(plan.steps, [
    { node: 'b', argv: ['ip', 'route', 'replace', '10.42.2.0/24', 'via', '192.168.5.2'] },
    { node: 'c', argv: ['ip', 'route', 'replace', '10.42.3.0/24', 'via', '192.168.6.3'] },
  ]);
  assert.deepEqual(plan.ignored, []);
});

test('host-gw: routes already there plan nothing; a removed node\'s route is deleted; others\' routes are left alone', () => {
  const current: KernelState = {
    ...empty,
    routes: [
      { dst: 'default', gateway: '192.168.5.254', dev: 'eth0' },
      { dst: '10.42.1.0/24', dev: 'cni0' },
      { dst: '10.42.2.0/24', gateway: '192.168.5.2', dev: 'eth0' },
      { dst: '10.42.3.0/24', gateway: '192.168.6.3', dev: 'eth0' },
      { dst: '10.42.9.0/24', gateway: '192.168.5.9', dev: 'eth0' },
      { dst: '172.16.0.0/16', gateway: '192.168.5.254', dev: 'eth0' },
    ],
  };
  assert.deepEqual(planNetwork(input('host-gw'), current).steps, [
    { node: '(removed node, 10.42.9.0/24)', argv: ['ip', 'route', 'del', '10.42.9.0/24', 'via', '192.168.5.9'] },
  ]);
});

test('host-gw: a node that moved gets its route replaced', () => {
  const current: KernelState = { ...empty, routes: [{ dst: '10.42.2.0/24', gateway: '192.168.5.99', dev: 'eth0' }, { dst: '10.42.3.0/24', gateway: '192.168.6.3' }] };
  assert.deepEqual(planNetwork(input('host-gw'), current).steps, [
    { node: 'b', argv: ['ip', 'route', 'replace', '10.42.2.0/24', 'via', '192.168.5.2'] },
  ]);
});

test('vxlan: FDB, neighbour and onlink route per remote node, in that order', () => {
  const plan = planNetwork(input('vxlan'), empty);
  assert.deepEqual(plan.steps.filter((s) => s.node === 'b').map((s) => s.argv.join(' ')), [
    `bridge fdb replace ${MAC_B} dev flannel.1 dst 192.168.5.2 self permanent`,
    `ip neigh replace 10.42.2.0 lladdr ${MAC_B} dev flannel.1 nud permanent`,
    'ip route replace 10.42.2.0/24 via 10.42.2.0 dev flannel.1 onlink',
  ]);
  assert.equal(plan.steps.length, 6);
  assert.ok(!plan.steps.some((s) => s.argv.includes('10.42.1.0/24')), 'nothing for the own podCIDR');
});

test('vxlan: a kernel that has it all plans nothing; a removed node\'s route, neighbour and FDB entry go, deletions first', () => {
  const done: KernelState = {
    routes: [
      { dst: '10.42.2.0/24', gateway: '10.42.2.0', dev: 'flannel.1', flags: ['onlink'] },
      { dst: '10.42.3.0/24', gateway: '10.42.3.0', dev: 'flannel.1', flags: ['onlink'] },
    ],
    neighbours: [{ dst: '10.42.2.0', lladdr: MAC_B, state: ['PERMANENT'] }, { dst: '10.42.3.0', lladdr: MAC_C, state: ['PERMANENT'] }],
    fdb: [{ mac: MAC_B, dst: '192.168.5.2' }, { mac: MAC_C, dst: '192.168.6.3' }],
  };
  assert.deepEqual(planNetwork(input('vxlan'), done).steps, []);
  const withoutC = leases('vxlan').filter((l) => l.nodeName !== 'c');
  assert.deepEqual(planNetwork(input('vxlan', withoutC), done).steps.map((s) => s.argv.join(' ')), [
    'ip route del 10.42.3.0/24 dev flannel.1',
    'ip neigh del 10.42.3.0 dev flannel.1',
    `bridge fdb del ${MAC_C} dev flannel.1 dst 192.168.6.3 self`,
  ]);
});

test('vxlan: a node whose VtepMAC changed (flannel.1 recreated) gets new FDB and neighbour entries', () => {
  const current: KernelState = {
    routes: [{ dst: '10.42.2.0/24', gateway: '10.42.2.0', dev: 'flannel.1' }],
    neighbours: [{ dst: '10.42.2.0', lladdr: '0a:00:00:00:00:ff', state: ['PERMANENT'] }],
    fdb: [{ mac: '0a:00:00:00:00:ff', dst: '192.168.5.2' }],
  };
  const steps = planNetwork(input('vxlan', leases('vxlan').filter((l) => l.nodeName !== 'c')), current).steps.map((s) => s.argv.join(' '));
  assert.deepEqual(steps, [
    'bridge fdb del 0a:00:00:00:00:ff dev flannel.1 dst 192.168.5.2 self',
    `bridge fdb replace ${MAC_B} dev flannel.1 dst 192.168.5.2 self permanent`,
    `ip neigh replace 10.42.2.0 lladdr ${MAC_B} dev flannel.1 nud permanent`,
  ]);
});

test('nodes on another backend or with a malformed address are left out, with the reason', () => {
  const ls = leases('vxlan');
  ls[1] = { ...ls[1]!, backendType: 'host-gw' };
  ls[2] = { ...ls[2]!, publicIP: 'not-an-ip' };
  const plan = planNetwork(input('vxlan', ls), empty);
  assert.deepEqual(plan.steps, []);
  assert.deepEqual(plan.ignored, [
    { node: 'b', reason: 'backend-type host-gw, not vxlan' },
    { node: 'c', reason: 'public-ip not-an-ip is not an IPv4 address' },
  ]);
  assert.throws(() => planNetwork({ ...input('vxlan'), clusterCidr: '10.42.0.0' }, empty), /cluster CIDR "10.42.0.0" is not an IPv4 CIDR/);
});

test('masquerade: pod-to-pod inside the cluster CIDR returns before the MASQUERADE rules', () => {
  const rules = masqueradeRules('10.42.0.0/16', '10.42.1.0/24').split('\n');
  const i = (s: string): number => rules.findIndex((l) => l.includes(s));
  assert.ok(rules.includes(':FLANNEL-POSTRTG - [0:0]'));
  assert.ok(i('-s 10.42.1.0/24 -d 10.42.0.0/16') < i('MASQUERADE'), 'the RETURN comes first');
  assert.match(rules[i('-s 10.42.0.0/16 ! -d 224.0.0.0/4')]!, /-j MASQUERADE --random-fully$/);
  assert.match(rules[i('-m mark --mark 0x4000/0x4000')]!, /-j RETURN$/);
  assert.equal(rules.filter((l) => l === 'COMMIT').length, 2);
});
