/**
 * The mode-free change tracking: service ports from Services, endpoints
 * merged from EndpointSlices, upstream's CategorizeEndpoints, and the set
 * of changed services a partial sync writes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { categorizeEndpoints, endpointsOfSlices, ProxyChangeTracker, servicePortsOf, type EndpointInfo, type ServicePortInfo } from '../../src/proxy/index.js';
import { service, slice } from './fixtures.js';

test('servicePortsOf: one entry per port with the name string, policies, affinity and external addresses', () => {
  const ports = servicePortsOf(service('ns1', 'web', {
    type: 'LoadBalancer', clusterIP: '10.43.0.5', clusterIPs: ['10.43.0.5'], externalIPs: ['192.0.2.9', 'fd00::9'],
    externalTrafficPolicy: 'Local', internalTrafficPolicy: 'Cluster', healthCheckNodePort: 32000,
    loadBalancerSourceRanges: [' 203.0.113.0/24 '], sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } },
    ports: [{ name: 'http', port: 80, nodePort: 30080, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }],
  }, { loadBalancer: { ingress: [{ ip: '198.51.100.1' }, { ip: '198.51.100.2', ipMode: 'Proxy' }, { hostname: 'lb.example' }] } }));
  assert.equal(ports.length, 2);
  const [http, dns] = ports as [ServicePortInfo, ServicePortInfo];
  assert.equal(http.nameString, 'ns1/web:http');
  assert.equal(dns.nameString, 'ns1/web', 'an unnamed port adds no :name');
  assert.equal(dns.protocol, 'UDP');
  assert.equal(http.nodePort, 30080);
  assert.deepEqual(http.externalIPs, ['192.0.2.9'], 'IPv6 external IP dropped in the IPv4 proxier');
  assert.deepEqual(http.loadBalancerVIPs, ['198.51.100.1'], 'Proxy-mode ingress and hostnames get no rules');
  assert.deepEqual(http.loadBalancerSourceRanges, ['203.0.113.0/24']);
  assert.deepEqual(http.sessionAffinity, { timeoutSeconds: 60 });
  assert.equal(http.externalPolicyLocal, true);
  assert.equal(http.internalPolicyLocal, false);
  assert.equal(http.healthCheckNodePort, 32000);
});

test('servicePortsOf: ExternalName and headless services produce nothing; ClientIP without config gets 10800 s', () => {
  assert.deepEqual(servicePortsOf(service('ns', 'ext', { type: 'ExternalName', externalName: 'example.com', ports: [{ port: 80 }] })), []);
  assert.deepEqual(servicePortsOf(service('ns', 'hl', { clusterIP: 'None', ports: [{ port: 80 }] })), []);
  assert.deepEqual(servicePortsOf(service('ns', 'v6', { clusterIP: 'fd00::1', ports: [{ port: 80 }] })), [], 'no IPv4 cluster IP');
  const [p] = servicePortsOf(service('ns', 'a', { clusterIP: '10.43.0.6', sessionAffinity: 'ClientIP', ports: [{ port: 80 }] }));
  assert.deepEqual(p?.sessionAffinity, { timeoutSeconds: 10800 });
  const [np] = servicePortsOf(service('ns', 'np', { type: 'NodePort', clusterIP: '10.43.0.7', externalTrafficPolicy: 'Local', ports: [{ port: 80, nodePort: 30001 }] }));
  assert.equal(np?.externalPolicyLocal, true);
  assert.equal(np?.healthCheckNodePort, 0, 'only LoadBalancer services get a health check node port');
  const [cip] = servicePortsOf(service('ns', 'c', { clusterIP: '10.43.0.8', externalTrafficPolicy: 'Local', ports: [{ port: 80 }] }));
  assert.equal(cip?.externalPolicyLocal, false, 'not externally accessible: external policy does not apply');
});

test('endpointsOfSlices: merges slices per port, skips bad ports and endpoints, dedupes keeping the local copy, sorts by ip:port', () => {
  const a = slice('ns1', 'web', 'web-a', [{ name: 'http', port: 8080 }, { name: 'zero', port: 0 }], [
    { ip: '10.42.0.20', node: 'node2' }, { ip: '10.42.0.3', node: 'node2', ready: false, serving: true, terminating: true },
  ]);
  const b = slice('ns1', 'web', 'web-b', [{ name: 'http', port: 8080 }], [{ ip: '10.42.0.20', node: 'node1' }, { ip: '10.42.0.100' }]);
  b.endpoints!.push({ addresses: [] });
  b.ports!.push({ port: 9090 } as never);
  const eps = endpointsOfSlices('ns1/web', [a, b], 'node1');
  assert.deepEqual([...eps.keys()], ['ns1/web:http/TCP']);
  const list = eps.get('ns1/web:http/TCP')!;
  assert.deepEqual(list.map((e) => e.endpoint), ['10.42.0.100:8080', '10.42.0.20:8080', '10.42.0.3:8080']);
  assert.equal(list[1]!.isLocal, true, 'the local duplicate wins');
  assert.deepEqual([list[0]!.ready, list[0]!.serving, list[0]!.terminating], [true, true, false], 'missing conditions: ready, serving, not terminating');
  assert.deepEqual([list[2]!.ready, list[2]!.terminating], [false, true]);
  assert.equal(endpointsOfSlices('ns1/web', [{ ...a, addressType: 'FQDN' }], 'node1').size, 0, 'non-IP address types are ignored');
});

const ep = (ip: string, o: Partial<EndpointInfo> = {}): EndpointInfo =>
  ({ ip, port: 80, endpoint: `${ip}:80`, nodeName: '', isLocal: false, ready: true, serving: true, terminating: false, ...o });
const port = (o: Partial<ServicePortInfo> = {}): ServicePortInfo => ({
  serviceKey: 'ns/s', namespace: 'ns', name: 's', portName: '', nameString: 'ns/s', protocol: 'TCP', clusterIP: '10.43.0.1', port: 80, nodePort: 0,
  loadBalancerVIPs: [], loadBalancerSourceRanges: [], externalIPs: [], externalPolicyLocal: false, internalPolicyLocal: false, healthCheckNodePort: 0, ...o,
});

test('categorizeEndpoints: the table of upstream\'s topology_test cases without hints', () => {
  const ready = ep('10.0.0.1');
  const local = ep('10.0.0.2', { isLocal: true });
  const notReady = ep('10.0.0.3', { ready: false, serving: false });
  const termServing = ep('10.0.0.4', { ready: false, serving: true, terminating: true });
  const termLocal = ep('10.0.0.5', { ready: false, serving: true, terminating: true, isLocal: true });
  const termNotServing = ep('10.0.0.6', { ready: false, serving: false, terminating: true });
  const ips = (l: EndpointInfo[]): string[] => l.map((e) => e.ip);
  const cases: Array<{ name: string; svc: ServicePortInfo; eps: EndpointInfo[]; cluster: string[]; local: string[]; all: string[]; any: boolean }> = [
    { name: 'Cluster: ready ones only', svc: port(), eps: [ready, local, notReady, termServing], cluster: ['10.0.0.1', '10.0.0.2'], local: [], all: ['10.0.0.1', '10.0.0.2'], any: true },
    { name: 'Cluster: none ready, fall back to serving-terminating', svc: port(), eps: [notReady, termServing, termNotServing], cluster: ['10.0.0.4'], local: [], all: ['10.0.0.4'], any: true },
    { name: 'Cluster: nothing usable', svc: port(), eps: [notReady, termNotServing], cluster: [], local: [], all: [], any: false },
    { name: 'internal Local: local ready only', svc: port({ internalPolicyLocal: true }), eps: [ready, local], cluster: [], local: ['10.0.0.2'], all: ['10.0.0.2'], any: true },
    { name: 'internal Local, no local endpoint: still has endpoints elsewhere', svc: port({ internalPolicyLocal: true }), eps: [ready], cluster: [], local: [], all: [], any: true },
    { name: 'internal Local: local terminating used when no local ready', svc: port({ internalPolicyLocal: true }), eps: [ready, termLocal], cluster: [], local: ['10.0.0.5'], all: ['10.0.0.5'], any: true },
    { name: 'external Local with NodePort: union of cluster and local', svc: port({ nodePort: 30000, externalPolicyLocal: true }), eps: [ready, termLocal], cluster: ['10.0.0.1'], local: ['10.0.0.5'], all: ['10.0.0.1', '10.0.0.5'], any: true },
  ];
  for (const c of cases) {
    const r = categorizeEndpoints(c.eps, c.svc);
    assert.deepEqual([ips(r.clusterEndpoints), ips(r.localEndpoints), ips(r.allReachableEndpoints), r.hasAnyEndpoints], [c.cluster, c.local, c.all, c.any], c.name);
  }
});

test('the tracker reports only real changes and names the changed services', () => {
  const t = new ProxyChangeTracker({ nodeName: 'node1' });
  const web = service('ns1', 'web', { clusterIP: '10.43.0.5', ports: [{ port: 80 }] });
  assert.equal(t.onService(undefined, web), true);
  assert.equal(t.onService(web, { ...web, metadata: { ...web.metadata, labels: { x: 'y' } } }), false, 'a label change changes no service port');
  const s = slice('ns1', 'web', 'web-1', [{ port: 80 }], [{ ip: '10.42.0.2' }]);
  assert.equal(t.onEndpointSlice(s, false), true);
  assert.equal(t.onEndpointSlice({ ...s, metadata: { ...s.metadata, resourceVersion: '9' } }, false), false);
  assert.equal(t.onEndpointSlice({ ...s, metadata: { namespace: 'ns1', name: 'nolabel' } }, false), false, 'a slice without the service-name label is ignored');
  assert.deepEqual([...t.takeChanges()], ['ns1/web']);
  assert.deepEqual([...t.takeChanges()], []);
  const snap = t.snapshot();
  assert.equal(snap.servicePorts.length, 1);
  assert.deepEqual(snap.endpoints.get('ns1/web/TCP')?.map((e) => e.endpoint), ['10.42.0.2:80']);
  assert.equal(t.onEndpointSlice(s, true), true);
  assert.equal(t.onService(web, undefined), true);
  assert.deepEqual([...t.takeChanges()], ['ns1/web']);
  assert.equal(t.snapshot().servicePorts.length, 0);
});
