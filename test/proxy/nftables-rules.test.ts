/**
 * The nftables transaction against upstream's facts: chain names from
 * upstream's own examples (proxier.go comments, compat §2), the numgen
 * load-balancing rule, affinity sets, the reject/drop maps, the Local-policy
 * short-circuits, and partial syncs that touch only what changed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderNFTablesTransaction, type RenderedNFTables } from '../../src/proxy/index.js';
import { endpointChainNameBase, hashAndTruncate, isServiceChainName, servicePortChainNameBase } from '../../src/proxy/nftables/chain-names.js';
import { nftClusterCidrDetector } from '../../src/proxy/nftables/local-detector.js';
import type { NFTRenderInput } from '../../src/proxy/nftables/rules.js';
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { service, slice, snapshotOf } from './fixtures.js';

const localDetector = nftClusterCidrDetector(['10.42.0.0/16'])!;
const render = (svcs: Service[], slices: EndpointSlice[], more: Partial<NFTRenderInput> = {}): RenderedNFTables =>
  renderNFTablesTransaction({ snapshot: snapshotOf(svcs, slices), ...more }, { localDetector, nodeIPs: ['192.168.1.10'] });
/** The lines after the table setup, which ends by flushing the last map. */
const own = (r: RenderedNFTables): string[] => {
  const lines = r.text.split('\n').filter(Boolean);
  return lines.slice(lines.indexOf('flush map ip kube-proxy service-nodeports') + 1);
};

const SVC1 = 'ULMVA6XW-ns1/svc1/tcp/p80';
const EP1 = '5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80';

test('chain names: upstream\'s examples, IPv6 endpoints, truncation', () => {
  assert.equal(servicePortChainNameBase('ns1', 'svc1', 'tcp', 'p80'), SVC1);
  assert.equal(endpointChainNameBase('ns1', 'svc1', 'tcp', 'p80', '10.180.0.1:80'), EP1);
  const v6 = endpointChainNameBase('ns1', 'svc1', 'tcp', 'p80', '[fd00::1]:80');
  assert.match(v6, /^[A-Z2-7]{8}-ns1\/svc1\/tcp\/p80__fd00..1\/80$/);
  assert.match(servicePortChainNameBase('ns1', 'svc1', 'udp', ''), /^[A-Z2-7]{8}-ns1\/svc1\/udp\/$/);
  const long = hashAndTruncate('x'.repeat(300));
  assert.equal(long.length, 240);
  assert.ok(long.endsWith('...'));
  assert.ok(isServiceChainName(`service-${SVC1}`));
  assert.ok(!isServiceChainName('services'));
});

test('a full sync declares upstream\'s base chains, hooks and priorities, and flushes the maps', () => {
  const r = render([], [], { recreateTable: true });
  const lines = r.text.split('\n');
  assert.deepEqual(lines.slice(0, 3), ['add table ip kube-proxy', 'delete table ip kube-proxy', 'add table ip kube-proxy { comment "rules for kube-proxy" ; }']);
  for (const l of [
    'add chain ip kube-proxy filter-prerouting { type filter hook prerouting priority -110 ; }',
    'add chain ip kube-proxy filter-output-post-dnat { type filter hook output priority -90 ; }',
    'add chain ip kube-proxy nat-output { type nat hook output priority -100 ; }',
    'add chain ip kube-proxy nat-postrouting { type nat hook postrouting priority 100 ; }',
    'add rule ip kube-proxy filter-input ct state new jump nodeport-endpoints-check',
    'add rule ip kube-proxy filter-output-post-dnat ct state new jump cluster-ips-check',
    'add rule ip kube-proxy nat-prerouting jump services',
    'add rule ip kube-proxy mark-for-masquerade mark set mark or 0x00004000',
    'add rule ip kube-proxy masquerading mark and 0x00004000 == 0 return',
    'add rule ip kube-proxy masquerading masquerade fully-random',
    'add rule ip kube-proxy services ip daddr . meta l4proto . th dport vmap @service-ips',
    'add rule ip kube-proxy services fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @service-nodeports',
    'add rule ip kube-proxy cluster-ips-check ip daddr @cluster-ips reject comment "Reject traffic to invalid ports of ClusterIPs"',
    'add map ip kube-proxy no-endpoint-services { type ipv4_addr . inet_proto . inet_service : verdict ; comment "vmap to drop or reject packets to services with no endpoints" ; }',
    'flush map ip kube-proxy service-ips',
  ]) assert.ok(lines.includes(l), `has ${l}`);
  const later = render([], []);
  assert.ok(!later.text.includes('delete table'), 'later full syncs flush instead of deleting the table');
});

test('ClusterIP, two endpoints, ClientIP affinity: affinity sets, numgen vmap, endpoint chains', () => {
  const r = render([service('ns1', 'svc1', { clusterIP: '172.30.0.41', ports: [{ name: 'p80', port: 80 }], sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 300 } } })],
    [slice('ns1', 'svc1', 's1', [{ name: 'p80', port: 80 }], [{ ip: '10.180.0.2' }, { ip: '10.180.0.1' }])]);
  const EP2 = endpointChainNameBase('ns1', 'svc1', 'tcp', 'p80', '10.180.0.2:80');
  const T = 'ip kube-proxy';
  assert.deepEqual(own(r), [
    `add chain ${T} endpoint-${EP1}`, `flush chain ${T} endpoint-${EP1}`,
    `add chain ${T} endpoint-${EP2}`, `flush chain ${T} endpoint-${EP2}`,
    `add chain ${T} service-${SVC1}`, `flush chain ${T} service-${SVC1}`,
    `add rule ${T} service-${SVC1} ip daddr 172.30.0.41 tcp dport 80 ip saddr != 10.42.0.0/16 jump mark-for-masquerade`,
    `add set ${T} affinity-${EP1} { type ipv4_addr ; flags dynamic,timeout ; timeout 300s ; }`,
    `add set ${T} affinity-${EP2} { type ipv4_addr ; flags dynamic,timeout ; timeout 300s ; }`,
    `add rule ${T} service-${SVC1} ip saddr @affinity-${EP1} goto endpoint-${EP1}`,
    `add rule ${T} service-${SVC1} ip saddr @affinity-${EP2} goto endpoint-${EP2}`,
    `add rule ${T} service-${SVC1} numgen random mod 2 vmap { 0 : goto endpoint-${EP1} , 1 : goto endpoint-${EP2} }`,
    `add rule ${T} endpoint-${EP1} ip saddr 10.180.0.1 jump mark-for-masquerade`,
    `add rule ${T} endpoint-${EP1} update @affinity-${EP1} { ip saddr }`,
    `add rule ${T} endpoint-${EP1} meta l4proto tcp dnat to 10.180.0.1:80`,
    `add rule ${T} endpoint-${EP2} ip saddr 10.180.0.2 jump mark-for-masquerade`,
    `add rule ${T} endpoint-${EP2} update @affinity-${EP2} { ip saddr }`,
    `add rule ${T} endpoint-${EP2} meta l4proto tcp dnat to 10.180.0.2:80`,
    `add element ${T} cluster-ips { 172.30.0.41 }`,
    `add element ${T} service-ips { 172.30.0.41 . tcp . 80 : goto service-${SVC1} }`,
  ]);
});

test('no endpoints: reject-chain for the ClusterIP and the NodePort, no service chains', () => {
  const r = render([service('ns2', 'svc2', { type: 'NodePort', clusterIP: '172.30.0.42', ports: [{ port: 80, nodePort: 3001 }] })], []);
  assert.deepEqual(own(r), [
    'add element ip kube-proxy cluster-ips { 172.30.0.42 }',
    'add element ip kube-proxy no-endpoint-services { 172.30.0.42 . tcp . 80 comment "ns2/svc2" : goto reject-chain }',
    'add element ip kube-proxy no-endpoint-nodeports { tcp . 3001 comment "ns2/svc2" : goto reject-chain }',
  ]);
  assert.equal(r.activeChains.size, 0);
});

test('externalTrafficPolicy Local: short-circuit rules, NodePort to the external chain; no local endpoints drops external traffic', () => {
  const svc = service('ns3', 'svc3', { type: 'NodePort', clusterIP: '172.30.0.43', externalTrafficPolicy: 'Local', ports: [{ port: 80, nodePort: 3003 }] });
  const base = servicePortChainNameBase('ns3', 'svc3', 'tcp', '');
  const local = render([svc], [slice('ns3', 'svc3', 'a', [{ port: 80 }], [{ ip: '10.180.0.3', node: 'node1' }, { ip: '10.180.1.3', node: 'node2' }])]);
  for (const l of [
    `add rule ip kube-proxy external-${base} ip saddr 10.42.0.0/16 goto service-${base} comment "short-circuit pod traffic"`,
    `add rule ip kube-proxy external-${base} fib saddr type local jump mark-for-masquerade comment "masquerade local traffic"`,
    `add rule ip kube-proxy external-${base} fib saddr type local goto service-${base} comment "short-circuit local traffic"`,
    `add rule ip kube-proxy external-${base} goto local-${base}`,
    `add element ip kube-proxy service-nodeports { tcp . 3003 : goto external-${base} }`,
  ]) assert.ok(local.text.includes(l), `has ${l}`);
  assert.match(local.text, new RegExp(`local-${base.replace(/[/.]/g, '\\$&')} numgen random mod 1 vmap`));
  const remote = render([svc], [slice('ns3', 'svc3', 'a', [{ port: 80 }], [{ ip: '10.180.1.3', node: 'node2' }])]);
  assert.ok(remote.text.includes('add element ip kube-proxy no-endpoint-nodeports { tcp . 3003 comment "ns3/svc3" : drop }'));
  assert.ok(!remote.text.includes(`goto local-${base}`));
  assert.ok(remote.text.includes(`add element ip kube-proxy service-ips { 172.30.0.43 . tcp . 80 : goto service-${base} }`), 'cluster traffic still served');
});

test('internalTrafficPolicy Local without local endpoints drops ClusterIP traffic', () => {
  const r = render([service('ns4', 'svc4', { clusterIP: '172.30.0.44', internalTrafficPolicy: 'Local', ports: [{ port: 80 }] })],
    [slice('ns4', 'svc4', 'a', [{ port: 80 }], [{ ip: '10.180.1.4', node: 'node2' }])]);
  assert.ok(r.text.includes('add element ip kube-proxy no-endpoint-services { 172.30.0.44 . tcp . 80 comment "ns4/svc4" : drop }'));
});

test('loadBalancerSourceRanges: firewall chain and firewall-ips element, the node\'s range lets the LB IP in', () => {
  const r = render([service('ns5', 'svc5', { type: 'LoadBalancer', clusterIP: '172.30.0.45', loadBalancerSourceRanges: ['192.168.0.0/16', '203.0.113.0/24'], ports: [{ port: 80, nodePort: 3005 }] },
    { loadBalancer: { ingress: [{ ip: '5.6.7.8' }] } })], [slice('ns5', 'svc5', 'a', [{ port: 80 }], [{ ip: '10.180.0.5' }])]);
  const base = servicePortChainNameBase('ns5', 'svc5', 'tcp', '');
  assert.ok(r.text.includes(`add rule ip kube-proxy firewall-${base} ip saddr != { 192.168.0.0/16, 203.0.113.0/24, 5.6.7.8 } drop`));
  assert.ok(r.text.includes(`add element ip kube-proxy firewall-ips { 5.6.7.8 . tcp . 80 : goto firewall-${base} }`));
  assert.ok(r.text.includes(`add element ip kube-proxy service-ips { 5.6.7.8 . tcp . 80 : goto external-${base} }`));
  assert.ok(r.text.includes(`add rule ip kube-proxy external-${base} jump mark-for-masquerade`), 'Cluster policy masquerades external traffic');
});

test('partial sync: only the changed service\'s chains; element diffs; stale chains flushed, stale affinity sets deleted', () => {
  const svcs = [
    service('ns1', 'svc1', { clusterIP: '172.30.0.41', ports: [{ name: 'p80', port: 80 }], sessionAffinity: 'ClientIP' }),
    service('ns2', 'svc2', { clusterIP: '172.30.0.42', ports: [{ port: 80 }] }),
  ];
  const two = [slice('ns1', 'svc1', 's1', [{ name: 'p80', port: 80 }], [{ ip: '10.180.0.1' }, { ip: '10.180.0.2' }]), slice('ns2', 'svc2', 's2', [{ port: 80 }], [{ ip: '10.180.0.9' }])];
  const first = render(svcs, two);
  const EP2 = endpointChainNameBase('ns1', 'svc1', 'tcp', 'p80', '10.180.0.2:80');
  const existingChains = [...first.activeChains, 'services', 'reject-chain'];
  const existingSets = [`affinity-${EP1}`, `affinity-${EP2}`, 'cluster-ips'];
  const one = [slice('ns1', 'svc1', 's1', [{ name: 'p80', port: 80 }], [{ ip: '10.180.0.1' }]), two[1]!];
  const r = render(svcs, one, { changedServices: new Set(['ns1/svc1']), previousElements: first.elements, existingChains, existingSets });
  assert.ok(!/add table|flush map|base chain|priority/.test(r.text), 'no setup in a partial sync');
  assert.ok(r.text.includes(`add rule ip kube-proxy service-${SVC1} numgen random mod 1 vmap { 0 : goto endpoint-${EP1} }`));
  assert.ok(!r.text.includes('ns2/svc2/tcp'), 'the unchanged service is not written');
  assert.deepEqual(r.staleChains, [`endpoint-${EP2}`]);
  assert.ok(r.text.includes(`flush chain ip kube-proxy endpoint-${EP2}`));
  assert.ok(!r.text.includes(`delete chain ip kube-proxy endpoint-${EP2}`), 'deleted only later');
  assert.deepEqual(r.deletedSets, [`affinity-${EP2}`]);
  assert.ok(!r.text.includes(' element '), 'no element changed');

  // ns2/svc2 loses its endpoints: its service-ips element goes, a no-endpoint one comes.
  const r2 = render(svcs, [one[0]!], { changedServices: new Set(['ns2/svc2']), previousElements: r.elements, existingChains: [...r.activeChains], existingSets: [`affinity-${EP1}`] });
  const elems = r2.text.split('\n').filter((l) => l.includes(' element '));
  assert.deepEqual(elems, [
    'add element ip kube-proxy no-endpoint-services { 172.30.0.42 . tcp . 80 comment "ns2/svc2" : goto reject-chain }',
    'delete element ip kube-proxy service-ips { 172.30.0.42 . tcp . 80 }',
  ]);
  assert.equal(r2.staleChains.length, 2, 'svc2\'s service and endpoint chains');
});
