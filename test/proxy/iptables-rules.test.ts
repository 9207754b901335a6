/**
 * The iptables-restore input against hand-checked text: every line was
 * compared with upstream's proxier_test.go expectations (same chain hashes
 * for ns1/svc1, ns3/svc3, ns4/svc4, ns5/svc5 there) and compat §1.2-1.5.
 * The ClusterIP-with-one-endpoint case is checked whole; the others by the
 * service's own lines (boilerplate left out by `own`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderIPTablesRules, type RenderedRules } from '../../src/proxy/index.js';
import { masqueradeMark, probability } from '../../src/proxy/iptables/rules.js';
import { clusterCidrDetector } from '../../src/proxy/iptables/local-detector.js';
import { endpointChainName } from '../../src/proxy/iptables/chain-names.js';
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { service, slice, snapshotOf } from './fixtures.js';

const localDetector = clusterCidrDetector(['10.42.0.0/16'])!;
const render = (svcs: Service[], slices: EndpointSlice[], more: { changedServices?: Set<string>; existingNatChains?: string[] } = {}): RenderedRules =>
  renderIPTablesRules({ snapshot: snapshotOf(svcs, slices), ...more }, { localDetector, nodeIPs: ['192.168.1.10'] });

const BOILERPLATE = /POSTROUTING|MARK-MASQ -j|KUBE-FIREWALL|KUBE-FORWARD|nodeports; NOTE|^:KUBE-(SERVICES|EXTERNAL-SERVICES|FORWARD|NODEPORTS|PROXY-FIREWALL|POSTROUTING|MARK-MASQ) |^\*|^COMMIT|^$/;
/** The lines a service contributes. */
const own = (r: RenderedRules): string[] => r.text.split('\n').filter((l) => !BOILERPLATE.test(l));

test('mark, probabilities and the local detector print as upstream', () => {
  assert.equal(masqueradeMark(14), '0x00004000');
  assert.deepEqual([3, 2].map(probability), ['0.3333333333', '0.5000000000']);
  assert.equal(probability(7), '0.1428571429');
  assert.deepEqual(localDetector, { ifLocal: ['-s', '10.42.0.0/16'], ifNotLocal: ['!', '-s', '10.42.0.0/16'] });
  assert.throws(() => clusterCidrDetector(['10.42.0.0/33']), /invalid cluster CIDR "10.42.0.0\/33"/);
  assert.equal(clusterCidrDetector([]), undefined);
});

test('ClusterIP, one endpoint: the whole restore input', () => {
  const r = render([service('ns1', 'svc1', { clusterIP: '172.30.0.41', ports: [{ name: 'p80', port: 80 }] })],
    [slice('ns1', 'svc1', 's1', [{ name: 'p80', port: 80 }], [{ ip: '10.180.0.1' }])]);
  assert.equal(r.text, `*filter
:KUBE-SERVICES - [0:0]
:KUBE-EXTERNAL-SERVICES - [0:0]
:KUBE-FORWARD - [0:0]
:KUBE-NODEPORTS - [0:0]
:KUBE-PROXY-FIREWALL - [0:0]
:KUBE-FIREWALL - [0:0]
-A KUBE-FIREWALL -m comment --comment "block incoming localnet connections" -d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP
-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x00004000/0x00004000 -j ACCEPT
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
COMMIT
*nat
:KUBE-SERVICES - [0:0]
:KUBE-NODEPORTS - [0:0]
:KUBE-POSTROUTING - [0:0]
:KUBE-MARK-MASQ - [0:0]
:KUBE-SVC-XPGD46QRK7WJZT7O - [0:0]
:KUBE-SEP-SXIVWICOYRO3J4NJ - [0:0]
-A KUBE-POSTROUTING -m mark ! --mark 0x00004000/0x00004000 -j RETURN
-A KUBE-POSTROUTING -j MARK --xor-mark 0x00004000
-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully
-A KUBE-MARK-MASQ -j MARK --or-mark 0x00004000
-A KUBE-SERVICES -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp -p tcp -d 172.30.0.41 --dport 80 -j KUBE-SVC-XPGD46QRK7WJZT7O
-A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp -p tcp -d 172.30.0.41 --dport 80 ! -s 10.42.0.0/16 -j KUBE-MARK-MASQ
-A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 -> 10.180.0.1:80" -j KUBE-SEP-SXIVWICOYRO3J4NJ
-A KUBE-SEP-SXIVWICOYRO3J4NJ -m comment --comment ns1/svc1:p80 -s 10.180.0.1 -j KUBE-MARK-MASQ
-A KUBE-SEP-SXIVWICOYRO3J4NJ -m comment --comment ns1/svc1:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.1:80
-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS
COMMIT
`);
  assert.deepEqual([...r.activeNatChains].sort(), ['KUBE-SEP-SXIVWICOYRO3J4NJ', 'KUBE-SVC-XPGD46QRK7WJZT7O']);
});

test('ClusterIP, unnamed port, three endpoints: sorted by ip:port, probabilities 1/3, 1/2, none', () => {
  const r = render([service('ns2', 'svc2', { clusterIP: '172.30.0.42', ports: [{ port: 80 }] })],
    [slice('ns2', 'svc2', 'a', [{ port: 8080 }], [{ ip: '10.180.0.3' }, { ip: '10.180.0.1' }, { ip: '10.180.0.2' }])]);
  assert.deepEqual(own(r), [
    ':KUBE-SVC-G77FM4R64KTEGMA5 - [0:0]',
    ':KUBE-SEP-JESGWBVWW2ZEN3CY - [0:0]',
    ':KUBE-SEP-DGRYXPABIY52HSOM - [0:0]',
    ':KUBE-SEP-2OFR2ARFW3D4CFJQ - [0:0]',
    '-A KUBE-SERVICES -m comment --comment "ns2/svc2 cluster IP" -m tcp -p tcp -d 172.30.0.42 --dport 80 -j KUBE-SVC-G77FM4R64KTEGMA5',
    '-A KUBE-SVC-G77FM4R64KTEGMA5 -m comment --comment "ns2/svc2 cluster IP" -m tcp -p tcp -d 172.30.0.42 --dport 80 ! -s 10.42.0.0/16 -j KUBE-MARK-MASQ',
    '-A KUBE-SVC-G77FM4R64KTEGMA5 -m comment --comment "ns2/svc2 -> 10.180.0.1:8080" -m statistic --mode random --probability 0.3333333333 -j KUBE-SEP-JESGWBVWW2ZEN3CY',
    '-A KUBE-SVC-G77FM4R64KTEGMA5 -m comment --comment "ns2/svc2 -> 10.180.0.2:8080" -m statistic --mode random --probability 0.5000000000 -j KUBE-SEP-DGRYXPABIY52HSOM',
    '-A KUBE-SVC-G77FM4R64KTEGMA5 -m comment --comment "ns2/svc2 -> 10.180.0.3:8080" -j KUBE-SEP-2OFR2ARFW3D4CFJQ',
    '-A KUBE-SEP-JESGWBVWW2ZEN3CY -m comment --comment ns2/svc2 -s 10.180.0.1 -j KUBE-MARK-MASQ',
    '-A KUBE-SEP-JESGWBVWW2ZEN3CY -m comment --comment ns2/svc2 -m tcp -p tcp -j DNAT --to-destination 10.180.0.1:8080',
    '-A KUBE-SEP-DGRYXPABIY52HSOM -m comment --comment ns2/svc2 -s 10.180.0.2 -j KUBE-MARK-MASQ',
    '-A KUBE-SEP-DGRYXPABIY52HSOM -m comment --comment ns2/svc2 -m tcp -p tcp -j DNAT --to-destination 10.180.0.2:8080',
    '-A KUBE-SEP-2OFR2ARFW3D4CFJQ -m comment --comment ns2/svc2 -s 10.180.0.3 -j KUBE-MARK-MASQ',
    '-A KUBE-SEP-2OFR2ARFW3D4CFJQ -m comment --comment ns2/svc2 -m tcp -p tcp -j DNAT --to-destination 10.180.0.3:8080',
  ]);
});

test('LoadBalancer with NodePort, external IP, source ranges and externalTrafficPolicy Local with a local endpoint', () => {
  const r = render([service('ns3', 'svc3', {
    type: 'LoadBalancer', clusterIP: '172.30.0.43', externalIPs: ['192.168.99.11'], externalTrafficPolicy: 'Local', healthCheckNodePort: 30000,
    loadBalancerSourceRanges: ['203.0.113.0/25', '192.168.1.0/24'], ports: [{ name: 'p80', port: 80, nodePort: 3001 }],
  }, { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } })],
  [slice('ns3', 'svc3', 'a', [{ name: 'p80', port: 80 }], [{ ip: '10.180.0.3', node: 'node1' }, { ip: '10.180.0.4', node: 'node2' }])]);
  assert.deepEqual(own(r), [
    '-A KUBE-PROXY-FIREWALL -m comment --comment "ns3/svc3:p80 traffic not accepted by KUBE-FW-X27LE4BHSL4DOUIK" -m tcp -p tcp -d 1.2.3.4 --dport 80 -j DROP',
    '-A KUBE-NODEPORTS -m comment --comment "ns3/svc3:p80 health check node port" -m tcp -p tcp --dport 30000 -j ACCEPT',
    ':KUBE-EXT-X27LE4BHSL4DOUIK - [0:0]',
    ':KUBE-FW-X27LE4BHSL4DOUIK - [0:0]',
    ':KUBE-SVC-X27LE4BHSL4DOUIK - [0:0]',
    ':KUBE-SVL-X27LE4BHSL4DOUIK - [0:0]',
    ':KUBE-SEP-OYPFS5VJICHGATKP - [0:0]',
    ':KUBE-SEP-QWDKEFUM2O5ZNFM4 - [0:0]',
    '-A KUBE-SERVICES -m comment --comment "ns3/svc3:p80 cluster IP" -m tcp -p tcp -d 172.30.0.43 --dport 80 -j KUBE-SVC-X27LE4BHSL4DOUIK',
    '-A KUBE-SERVICES -m comment --comment "ns3/svc3:p80 external IP" -m tcp -p tcp -d 192.168.99.11 --dport 80 -j KUBE-EXT-X27LE4BHSL4DOUIK',
    '-A KUBE-SERVICES -m comment --comment "ns3/svc3:p80 loadbalancer IP" -m tcp -p tcp -d 1.2.3.4 --dport 80 -j KUBE-FW-X27LE4BHSL4DOUIK',
    '-A KUBE-NODEPORTS -m comment --comment ns3/svc3:p80 -m tcp -p tcp --dport 3001 -j KUBE-EXT-X27LE4BHSL4DOUIK',
    '-A KUBE-SVC-X27LE4BHSL4DOUIK -m comment --comment "ns3/svc3:p80 cluster IP" -m tcp -p tcp -d 172.30.0.43 --dport 80 ! -s 10.42.0.0/16 -j KUBE-MARK-MASQ',
    '-A KUBE-EXT-X27LE4BHSL4DOUIK -m comment --comment "pod traffic for ns3/svc3:p80 external destinations" -s 10.42.0.0/16 -j KUBE-SVC-X27LE4BHSL4DOUIK',
    '-A KUBE-EXT-X27LE4BHSL4DOUIK -m comment --comment "masquerade LOCAL traffic for ns3/svc3:p80 external destinations" -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ',
    '-A KUBE-EXT-X27LE4BHSL4DOUIK -m comment --comment "route LOCAL traffic for ns3/svc3:p80 external destinations" -m addrtype --src-type LOCAL -j KUBE-SVC-X27LE4BHSL4DOUIK',
    '-A KUBE-EXT-X27LE4BHSL4DOUIK -j KUBE-SVL-X27LE4BHSL4DOUIK',
    '-A KUBE-FW-X27LE4BHSL4DOUIK -m comment --comment "ns3/svc3:p80 loadbalancer IP" -s 203.0.113.0/25 -j KUBE-EXT-X27LE4BHSL4DOUIK',
    '-A KUBE-FW-X27LE4BHSL4DOUIK -m comment --comment "ns3/svc3:p80 loadbalancer IP" -s 192.168.1.0/24 -j KUBE-EXT-X27LE4BHSL4DOUIK',
    // The node IP 192.168.1.10 is in a source range: the node may reach its own LB IP.
    '-A KUBE-FW-X27LE4BHSL4DOUIK -m comment --comment "ns3/svc3:p80 loadbalancer IP" -s 1.2.3.4 -j KUBE-EXT-X27LE4BHSL4DOUIK',
    '-A KUBE-FW-X27LE4BHSL4DOUIK -m comment --comment "other traffic to ns3/svc3:p80 will be dropped by KUBE-PROXY-FIREWALL"',
    '-A KUBE-SVC-X27LE4BHSL4DOUIK -m comment --comment "ns3/svc3:p80 -> 10.180.0.3:80" -m statistic --mode random --probability 0.5000000000 -j KUBE-SEP-OYPFS5VJICHGATKP',
    '-A KUBE-SVC-X27LE4BHSL4DOUIK -m comment --comment "ns3/svc3:p80 -> 10.180.0.4:80" -j KUBE-SEP-QWDKEFUM2O5ZNFM4',
    '-A KUBE-SVL-X27LE4BHSL4DOUIK -m comment --comment "ns3/svc3:p80 -> 10.180.0.3:80" -j KUBE-SEP-OYPFS5VJICHGATKP',
    '-A KUBE-SEP-OYPFS5VJICHGATKP -m comment --comment ns3/svc3:p80 -s 10.180.0.3 -j KUBE-MARK-MASQ',
    '-A KUBE-SEP-OYPFS5VJICHGATKP -m comment --comment ns3/svc3:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.3:80',
    '-A KUBE-SEP-QWDKEFUM2O5ZNFM4 -m comment --comment ns3/svc3:p80 -s 10.180.0.4 -j KUBE-MARK-MASQ',
    '-A KUBE-SEP-QWDKEFUM2O5ZNFM4 -m comment --comment ns3/svc3:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.4:80',
  ]);
});

test('NodePort, Cluster policy: KUBE-NODEPORTS jumps to EXT, which masquerades then goes to SVC', () => {
  const r = render([service('ns9', 'svc9', { type: 'NodePort', clusterIP: '172.30.0.49', ports: [{ name: 'p80', port: 80, nodePort: 3009 }] })],
    [slice('ns9', 'svc9', 'a', [{ name: 'p80', port: 80 }], [{ ip: '10.180.0.9' }])]);
  const lines = own(r);
  const ext = lines.find((l) => l.startsWith(':KUBE-EXT-'))!.slice(1, -8);
  const svc = lines.find((l) => l.startsWith(':KUBE-SVC-'))!.slice(1, -8);
  assert.ok(lines.includes(`-A KUBE-NODEPORTS -m comment --comment ns9/svc9:p80 -m tcp -p tcp --dport 3009 -j ${ext}`));
  assert.deepEqual(lines.filter((l) => l.startsWith(`-A ${ext}`)), [
    `-A ${ext} -m comment --comment "masquerade traffic for ns9/svc9:p80 external destinations" -j KUBE-MARK-MASQ`,
    `-A ${ext} -j ${svc}`,
  ]);
});

test('externalTrafficPolicy Local without a local endpoint: NodePort dropped, local traffic still short-circuited to SVC', () => {
  const r = render([service('ns4', 'svc4', { type: 'NodePort', clusterIP: '172.30.0.44', externalTrafficPolicy: 'Local', ports: [{ name: 'p80', port: 80, nodePort: 3002 }] })],
    [slice('ns4', 'svc4', 'a', [{ name: 'p80', port: 80 }], [{ ip: '10.180.0.4', node: 'node2' }])]);
  assert.deepEqual(own(r), [
    '-A KUBE-EXTERNAL-SERVICES -m comment --comment "ns4/svc4:p80 has no local endpoints" -m addrtype --dst-type LOCAL -m tcp -p tcp --dport 3002 -j DROP',
    ':KUBE-EXT-4SW47YFZTEDKD3PK - [0:0]',
    ':KUBE-SVC-4SW47YFZTEDKD3PK - [0:0]',
    ':KUBE-SEP-UKSFD7AGPMPPLUHC - [0:0]',
    '-A KUBE-SERVICES -m comment --comment "ns4/svc4:p80 cluster IP" -m tcp -p tcp -d 172.30.0.44 --dport 80 -j KUBE-SVC-4SW47YFZTEDKD3PK',
    '-A KUBE-NODEPORTS -m comment --comment ns4/svc4:p80 -m tcp -p tcp --dport 3002 -j KUBE-EXT-4SW47YFZTEDKD3PK',
    '-A KUBE-SVC-4SW47YFZTEDKD3PK -m comment --comment "ns4/svc4:p80 cluster IP" -m tcp -p tcp -d 172.30.0.44 --dport 80 ! -s 10.42.0.0/16 -j KUBE-MARK-MASQ',
    '-A KUBE-EXT-4SW47YFZTEDKD3PK -m comment --comment "pod traffic for ns4/svc4:p80 external destinations" -s 10.42.0.0/16 -j KUBE-SVC-4SW47YFZTEDKD3PK',
    '-A KUBE-EXT-4SW47YFZTEDKD3PK -m comment --comment "masquerade LOCAL traffic for ns4/svc4:p80 external destinations" -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ',
    '-A KUBE-EXT-4SW47YFZTEDKD3PK -m comment --comment "route LOCAL traffic for ns4/svc4:p80 external destinations" -m addrtype --src-type LOCAL -j KUBE-SVC-4SW47YFZTEDKD3PK',
    '-A KUBE-SVC-4SW47YFZTEDKD3PK -m comment --comment "ns4/svc4:p80 -> 10.180.0.4:80" -j KUBE-SEP-UKSFD7AGPMPPLUHC',
    '-A KUBE-SEP-UKSFD7AGPMPPLUHC -m comment --comment ns4/svc4:p80 -s 10.180.0.4 -j KUBE-MARK-MASQ',
    '-A KUBE-SEP-UKSFD7AGPMPPLUHC -m comment --comment ns4/svc4:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.4:80',
  ]);
});

test('internalTrafficPolicy Local: SVL with local endpoints only; DROP when there is none here', () => {
  const svc = service('ns5', 'svc5', { clusterIP: '172.30.0.45', internalTrafficPolicy: 'Local', ports: [{ name: 'p80', port: 80 }] });
  assert.deepEqual(own(render([svc], [slice('ns5', 'svc5', 'a', [{ name: 'p80', port: 80 }], [{ ip: '10.180.0.5', node: 'node1' }, { ip: '10.180.0.6', node: 'node2' }])])), [
    ':KUBE-SVL-NUKIZ6OKUXPJNT4C - [0:0]',
    ':KUBE-SEP-TGTSLJDSI6KB7NCB - [0:0]',
    '-A KUBE-SERVICES -m comment --comment "ns5/svc5:p80 cluster IP" -m tcp -p tcp -d 172.30.0.45 --dport 80 -j KUBE-SVL-NUKIZ6OKUXPJNT4C',
    '-A KUBE-SVL-NUKIZ6OKUXPJNT4C -m comment --comment "ns5/svc5:p80 cluster IP" -m tcp -p tcp -d 172.30.0.45 --dport 80 ! -s 10.42.0.0/16 -j KUBE-MARK-MASQ',
    '-A KUBE-SVL-NUKIZ6OKUXPJNT4C -m comment --comment "ns5/svc5:p80 -> 10.180.0.5:80" -j KUBE-SEP-TGTSLJDSI6KB7NCB',
    '-A KUBE-SEP-TGTSLJDSI6KB7NCB -m comment --comment ns5/svc5:p80 -s 10.180.0.5 -j KUBE-MARK-MASQ',
    '-A KUBE-SEP-TGTSLJDSI6KB7NCB -m comment --comment ns5/svc5:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.5:80',
  ]);
  assert.deepEqual(own(render([svc], [slice('ns5', 'svc5', 'a', [{ name: 'p80', port: 80 }], [{ ip: '10.180.0.5', node: 'node2' }])])), [
    '-A KUBE-SERVICES -m comment --comment "ns5/svc5:p80 has no local endpoints" -m tcp -p tcp -d 172.30.0.45 --dport 80 -j DROP',
  ]);
});

test('no endpoints: REJECT for the cluster IP, external IP and NodePort in filter, nothing in nat', () => {
  const r = render([service('ns6', 'svc6', { type: 'NodePort', clusterIP: '172.30.0.46', externalIPs: ['192.168.99.12'], ports: [{ name: 'p80', port: 80, nodePort: 3003 }] })], []);
  assert.deepEqual(own(r), [
    '-A KUBE-SERVICES -m comment --comment "ns6/svc6:p80 has no endpoints" -m tcp -p tcp -d 172.30.0.46 --dport 80 -j REJECT',
    '-A KUBE-EXTERNAL-SERVICES -m comment --comment "ns6/svc6:p80 has no endpoints" -m tcp -p tcp -d 192.168.99.12 --dport 80 -j REJECT',
    '-A KUBE-EXTERNAL-SERVICES -m comment --comment "ns6/svc6:p80 has no endpoints" -m addrtype --dst-type LOCAL -m tcp -p tcp --dport 3003 -j REJECT',
  ]);
  assert.equal(r.activeNatChains.size, 0);
});

test('sessionAffinity ClientIP with timeout: recent checks before load balancing, --set in each SEP', () => {
  const r = render([service('ns7', 'svc7', { clusterIP: '172.30.0.47', sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } }, ports: [{ port: 80, protocol: 'UDP' }] })],
    [slice('ns7', 'svc7', 'a', [{ port: 53, protocol: 'UDP' }], [{ ip: '10.180.0.7' }, { ip: '10.180.0.8' }])]);
  assert.deepEqual(own(r).filter((l) => l.startsWith('-A')), [
    '-A KUBE-SERVICES -m comment --comment "ns7/svc7 cluster IP" -m udp -p udp -d 172.30.0.47 --dport 80 -j KUBE-SVC-HX3N2WITKOW24AEV',
    '-A KUBE-SVC-HX3N2WITKOW24AEV -m comment --comment "ns7/svc7 cluster IP" -m udp -p udp -d 172.30.0.47 --dport 80 ! -s 10.42.0.0/16 -j KUBE-MARK-MASQ',
    '-A KUBE-SVC-HX3N2WITKOW24AEV -m comment --comment "ns7/svc7 -> 10.180.0.7:53" -m recent --name KUBE-SEP-SWZDX6EMDNELJ4EN --rcheck --seconds 60 --reap -j KUBE-SEP-SWZDX6EMDNELJ4EN',
    '-A KUBE-SVC-HX3N2WITKOW24AEV -m comment --comment "ns7/svc7 -> 10.180.0.8:53" -m recent --name KUBE-SEP-ED2O76TEBTX5R3VV --rcheck --seconds 60 --reap -j KUBE-SEP-ED2O76TEBTX5R3VV',
    '-A KUBE-SVC-HX3N2WITKOW24AEV -m comment --comment "ns7/svc7 -> 10.180.0.7:53" -m statistic --mode random --probability 0.5000000000 -j KUBE-SEP-SWZDX6EMDNELJ4EN',
    '-A KUBE-SVC-HX3N2WITKOW24AEV -m comment --comment "ns7/svc7 -> 10.180.0.8:53" -j KUBE-SEP-ED2O76TEBTX5R3VV',
    '-A KUBE-SEP-SWZDX6EMDNELJ4EN -m comment --comment ns7/svc7 -s 10.180.0.7 -j KUBE-MARK-MASQ',
    '-A KUBE-SEP-SWZDX6EMDNELJ4EN -m comment --comment ns7/svc7 -m recent --name KUBE-SEP-SWZDX6EMDNELJ4EN --set -m udp -p udp -j DNAT --to-destination 10.180.0.7:53',
    '-A KUBE-SEP-ED2O76TEBTX5R3VV -m comment --comment ns7/svc7 -s 10.180.0.8 -j KUBE-MARK-MASQ',
    '-A KUBE-SEP-ED2O76TEBTX5R3VV -m comment --comment ns7/svc7 -m recent --name KUBE-SEP-ED2O76TEBTX5R3VV --set -m udp -p udp -j DNAT --to-destination 10.180.0.8:53',
  ]);
});

test('only terminating endpoints: the serving one is used, the non-serving one is not', () => {
  const r = render([service('ns8', 'svc8', { clusterIP: '172.30.0.48', ports: [{ port: 80 }] })],
    [slice('ns8', 'svc8', 'a', [{ port: 80 }], [{ ip: '10.180.0.9', ready: false, serving: true, terminating: true }, { ip: '10.180.0.10', ready: false, serving: false, terminating: true }])]);
  const dnat = own(r).filter((l) => l.includes('DNAT'));
  assert.deepEqual(dnat, ['-A KUBE-SEP-52QGTVDJD4TPHXYL -m comment --comment ns8/svc8 -m tcp -p tcp -j DNAT --to-destination 10.180.0.9:80']);
  assert.ok(!r.text.includes('REJECT'));
});

test('headless and ExternalName services produce no rules at all', () => {
  const empty = render([], []);
  const r = render([
    service('ns', 'hl', { clusterIP: 'None', ports: [{ port: 80 }] }),
    service('ns', 'ext', { type: 'ExternalName', externalName: 'example.com', ports: [{ port: 80 }] }),
  ], [slice('ns', 'hl', 'a', [{ port: 80 }], [{ ip: '10.180.0.1' }])]);
  assert.equal(r.text, empty.text);
});

test('large clusters (over 1000 endpoints) drop the per-endpoint comments', () => {
  const eps = Array.from({ length: 1001 }, (_, i) => ({ ip: `10.181.${i >> 8}.${i & 255}` }));
  const r = render([service('big', 'svc', { clusterIP: '172.30.1.1', ports: [{ port: 80 }] })], [slice('big', 'svc', 'a', [{ port: 80 }], eps)]);
  assert.equal(r.largeClusterMode, true);
  assert.ok(!/-A KUBE-SEP-\S+ -m comment/.test(r.text));
  assert.ok(/-A KUBE-SVC-\S+ -m statistic --mode random --probability 0.0009990010 -j KUBE-SEP-/.test(r.text));
});

test('a partial sync writes only the changed service\'s chains and deletes a removed service\'s chains', () => {
  const svc1 = service('ns1', 'svc1', { clusterIP: '172.30.0.41', ports: [{ name: 'p80', port: 80 }] });
  const svc2 = service('ns2', 'svc2', { clusterIP: '172.30.0.42', ports: [{ port: 80 }] });
  const s1 = slice('ns1', 'svc1', 's1', [{ name: 'p80', port: 80 }], [{ ip: '10.180.0.1' }]);
  const s2 = slice('ns2', 'svc2', 's2', [{ port: 80 }], [{ ip: '10.180.0.2' }]);
  const full = render([svc1, svc2], [s1, s2]);
  const inKernel = [...full.activeNatChains, 'KUBE-SERVICES', 'KUBE-MARK-MASQ', 'KUBE-SVC-OLDOLDOLDOLDOLDO', 'OTHER-CHAIN'];
  // svc2 gains an endpoint; svc1 unchanged.
  const s2b = slice('ns2', 'svc2', 's2', [{ port: 80 }], [{ ip: '10.180.0.2' }, { ip: '10.180.0.3' }]);
  const partial = render([svc1, svc2], [s1, s2b], { changedServices: new Set(['ns2/svc2']), existingNatChains: inKernel });
  const declared = partial.text.split('\n').filter((l) => /^:KUBE-(SVC|SEP|SVL|EXT|FW)-/.test(l));
  assert.deepEqual(declared, [':KUBE-SVC-G77FM4R64KTEGMA5 - [0:0]', `:${endpointChainName('ns2/svc2', 'tcp', '10.180.0.2:80')} - [0:0]`,
    `:${endpointChainName('ns2/svc2', 'tcp', '10.180.0.3:80')} - [0:0]`, ':KUBE-SVC-OLDOLDOLDOLDOLDO - [0:0]']);
  assert.ok(partial.text.includes('-A KUBE-SERVICES -m comment --comment "ns1/svc1:p80 cluster IP"'), 'top-level chains are always complete');
  assert.ok(!partial.text.includes('-A KUBE-SVC-XPGD46QRK7WJZT7O'), 'the unchanged service\'s chain is left alone');
  assert.ok(partial.activeNatChains.has('KUBE-SVC-XPGD46QRK7WJZT7O'), '...but kept');
  assert.deepEqual(partial.deletedChains, ['KUBE-SVC-OLDOLDOLDOLDOLDO'], 'non-kube-proxy and top-level chains are never deleted');
  assert.ok(partial.text.includes('-X KUBE-SVC-OLDOLDOLDOLDOLDO\n'));

  // svc1 deleted: its chains become stale and are deleted.
  const afterDelete = render([svc2], [s2b], { changedServices: new Set(['ns1/svc1']), existingNatChains: [...full.activeNatChains] });
  assert.deepEqual(afterDelete.deletedChains.sort(), ['KUBE-SEP-SXIVWICOYRO3J4NJ', 'KUBE-SVC-XPGD46QRK7WJZT7O']);
  assert.ok(!afterDelete.text.includes('ns1/svc1'));
});
