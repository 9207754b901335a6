/** Cluster-zone answers from the record indexes: each record type, NXDOMAIN/NODATA with the SOA, PTR, index updates. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { ClusterRecords } from '../../src/dns/cluster-records.js';
import { answerReverseQuestion, answerZoneQuestion, type ZoneAnswer } from '../../src/dns/zone-answer.js';
import { canonicalIp, dashedIp, ipFromPodLabel, ipFromReverseName, reverseName } from '../../src/dns/names.js';

const cfg = { zone: 'cluster.local', ttl: 30 };

function svc(ns: string, name: string, spec: Service['spec']): Service {
  return { metadata: { namespace: ns, name }, spec };
}

function slice(ns: string, svcName: string, name: string, eps: { ip: string; ready?: boolean; hostname?: string; pod?: string }[],
  ports = [{ name: 'http', port: 8080, protocol: 'TCP' }]): EndpointSlice {
  return {
    metadata: { namespace: ns, name, labels: { 'kubernetes.io/service-name': svcName } },
    addressType: eps[0]?.ip.includes(':') ? 'IPv6' : 'IPv4', ports,
    endpoints: eps.map((e) => ({
      addresses: [e.ip], ...(e.ready === undefined ? {} : { conditions: { ready: e.ready } }),
      ...(e.hostname ? { hostname: e.hostname } : {}), ...(e.pod ? { targetRef: { kind: 'Pod', name: e.pod, namespace: ns } } : {}),
    })),
  };
}

function cluster(endpointPodNames = true): ClusterRecords {
  const r = new ClusterRecords({ endpointPodNames });
  for (const n of ['default', 'other', 'kube-system']) r.setNamespace({ metadata: { name: n } });
  r.setService(svc('other', 'web', { clusterIP: '10.43.0.20', clusterIPs: ['10.43.0.20'], ports: [{ name: 'http', port: 80, protocol: 'TCP' }, { port: 81 }] }));
  r.setService(svc('other', 'dual', { clusterIP: '10.43.0.21', clusterIPs: ['10.43.0.21', 'fd00::21'], ports: [{ name: 'http', port: 80 }] }));
  r.setService(svc('other', 'db', { clusterIP: 'None', ports: [{ name: 'pg', port: 5432 }] }));
  r.setEndpointSlice(slice('other', 'db', 'db-1', [
    { ip: '10.42.0.5', hostname: 'db-0' }, { ip: '10.42.0.6', pod: 'db-abc' }, { ip: '10.42.0.7', ready: false }, { ip: '10.42.0.8', ready: true },
  ], [{ name: 'pg', port: 5432, protocol: 'TCP' }]));
  r.setService(svc('other', 'empty', { clusterIP: 'None' }));
  r.setService(svc('other', 'ext', { type: 'ExternalName', externalName: 'example.org.' }));
  r.setService(svc('other', 'extip', { type: 'ExternalName', externalName: '1.2.3.4' }));
  r.setService(svc('kube-system', 'kube-dns', { clusterIP: '10.43.0.10', ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] }));
  return r;
}

const ask = (r: ClusterRecords, name: string, type: string): ZoneAnswer => answerZoneQuestion(r, cfg, name, name.toLowerCase(), type);
const data = (a: ZoneAnswer): unknown[] => a.answers.map((x) => ('data' in x ? x.data : undefined));

test('A for a ClusterIP service, every family entry; AAAA NODATA on IPv4-only; owner echoes the name as asked', () => {
  const r = cluster();
  const a = ask(r, 'Web.Other.svc.cluster.local', 'A');
  assert.equal(a.rcode, 'NOERROR');
  assert.deepEqual(a.answers, [{ name: 'Web.Other.svc.cluster.local', type: 'A', class: 'IN', ttl: 30, data: '10.43.0.20' }]);
  assert.deepEqual(data(ask(r, 'dual.other.svc.cluster.local', 'AAAA')), ['fd00::21']);
  const nodata = ask(r, 'web.other.svc.cluster.local', 'AAAA');
  assert.equal(nodata.rcode, 'NOERROR');
  assert.equal(nodata.answers.length, 0);
  assert.equal(nodata.authorities[0]!.type, 'SOA');
  assert.equal(ask(r, 'web.other.svc.cluster.local', 'MX').answers.length, 0);
});

test('NXDOMAIN with the SOA exactly as CoreDNS: unknown service, namespace, second-level label, too many labels', () => {
  const r = cluster();
  for (const n of ['nope.other.svc.cluster.local', 'web.nope.svc.cluster.local', 'web.other.xyz.cluster.local', 'a.b.c.web.other.svc.cluster.local', 'nope.svc.cluster.local']) {
    const a = ask(r, n, 'A');
    assert.equal(a.rcode, 'NXDOMAIN', n);
    const soa = a.authorities[0]!;
    assert.ok(soa.type === 'SOA');
    assert.equal(soa.name, 'cluster.local');
    assert.equal(soa.ttl, 30);
    assert.deepEqual({ ...soa.data, serial: 0 }, { mname: 'ns.dns.cluster.local', rname: 'hostmaster.cluster.local', serial: 0, refresh: 7200, retry: 1800, expire: 86400, minimum: 30 });
    assert.equal(soa.data.serial, r.serial);
  }
  const ttl600 = answerZoneQuestion(r, { zone: 'cluster.local', ttl: 600 }, 'x.svc.cluster.local', 'x.svc.cluster.local', 'A');
  assert.equal((ttl600.authorities[0] as { ttl?: number }).ttl, 300, 'the SOA TTL is capped at 300');
});

test('NODATA for the zone apex, svc.<zone>, pod.<zone> and an existing <ns>.svc.<zone>; SOA and NS at the apex', () => {
  const r = cluster();
  for (const n of ['cluster.local', 'svc.cluster.local', 'pod.cluster.local', 'other.svc.cluster.local']) {
    const a = ask(r, n, 'A');
    assert.equal(a.rcode, 'NOERROR', n);
    assert.equal(a.answers.length, 0, n);
    assert.equal(a.authorities[0]!.type, 'SOA', n);
  }
  assert.equal(ask(r, 'cluster.local', 'SOA').answers[0]!.type, 'SOA');
  const ns = ask(r, 'cluster.local', 'NS');
  assert.deepEqual(data(ns), ['ns.dns.cluster.local']);
  assert.deepEqual(ns.additionals.map((x) => 'data' in x && x.data), ['10.43.0.10']);
  assert.deepEqual(data(ask(r, 'dns-version.cluster.local', 'TXT')), ['1.1.0']);
  assert.equal((ask(r, 'dns-version.cluster.local', 'TXT').answers[0] as { ttl?: number }).ttl, 28800);
  assert.equal(ask(r, 'cluster.local', 'AXFR').rcode, 'REFUSED');
});

test('SRV: named port on a ClusterIP service targets the service, bare name covers all ports, wrong port/proto NXDOMAIN', () => {
  const r = cluster();
  const a = ask(r, '_http._tcp.web.other.svc.cluster.local', 'SRV');
  assert.deepEqual(data(a), [{ priority: 0, weight: 100, port: 80, target: 'web.other.svc.cluster.local' }]);
  assert.deepEqual(a.additionals.map((x) => [x.name, 'data' in x && x.data]), [['web.other.svc.cluster.local', '10.43.0.20']]);
  assert.deepEqual(data(ask(r, 'web.other.svc.cluster.local', 'SRV')).map((d) => (d as { port: number; weight: number }).port), [80, 81]);
  assert.equal((data(ask(r, 'web.other.svc.cluster.local', 'SRV'))[0] as { weight: number }).weight, 50);
  assert.equal(ask(r, '_http._udp.web.other.svc.cluster.local', 'SRV').rcode, 'NXDOMAIN');
  assert.equal(ask(r, '_nope._tcp.web.other.svc.cluster.local', 'SRV').rcode, 'NXDOMAIN');
  assert.deepEqual(data(ask(r, '_http._tcp.web.other.svc.cluster.local', 'A')), ['10.43.0.20']);
});

test('headless: ready endpoints only (unset counts as ready), per-endpoint names (hostname, pod name, dashed IP), SRV per endpoint', () => {
  const r = cluster();
  assert.deepEqual(data(ask(r, 'db.other.svc.cluster.local', 'A')).sort(), ['10.42.0.5', '10.42.0.6', '10.42.0.8']);
  assert.deepEqual(data(ask(r, 'db-0.db.other.svc.cluster.local', 'A')), ['10.42.0.5']);
  assert.deepEqual(data(ask(r, 'db-abc.db.other.svc.cluster.local', 'A')), ['10.42.0.6']);
  assert.deepEqual(data(ask(r, '10-42-0-8.db.other.svc.cluster.local', 'A')), ['10.42.0.8']);
  assert.equal(ask(r, '10-42-0-7.db.other.svc.cluster.local', 'A').rcode, 'NXDOMAIN', 'not ready');
  const srv = ask(r, '_pg._tcp.db.other.svc.cluster.local', 'SRV');
  assert.deepEqual(data(srv).map((d) => (d as { target: string }).target).sort(),
    ['10-42-0-8.db.other.svc.cluster.local', 'db-0.db.other.svc.cluster.local', 'db-abc.db.other.svc.cluster.local']);
  assert.equal((data(srv)[0] as { weight: number }).weight, 33);
  assert.equal(srv.additionals.length, 3);
  assert.equal(ask(r, 'empty.other.svc.cluster.local', 'A').rcode, 'NXDOMAIN', 'headless without ready endpoints');
  // Without endpoint_pod_names the pod's endpoint is named by its dashed IP.
  const plain = cluster(false);
  assert.equal(ask(plain, 'db-abc.db.other.svc.cluster.local', 'A').rcode, 'NXDOMAIN');
  assert.deepEqual(data(ask(plain, '10-42-0-6.db.other.svc.cluster.local', 'A')), ['10.42.0.6']);
});

test('ExternalName: CNAME, chase for A/AAAA; an IP literal is not served; no SRV', () => {
  const r = cluster();
  const a = ask(r, 'ext.other.svc.cluster.local', 'A');
  assert.deepEqual(a.answers, [{ name: 'ext.other.svc.cluster.local', type: 'CNAME', class: 'IN', ttl: 30, data: 'example.org' }]);
  assert.equal(a.chase, 'example.org');
  assert.equal(ask(r, 'ext.other.svc.cluster.local', 'CNAME').chase, undefined);
  assert.equal(ask(r, 'extip.other.svc.cluster.local', 'A').rcode, 'NXDOMAIN');
  assert.equal(ask(r, '_http._tcp.ext.other.svc.cluster.local', 'SRV').rcode, 'NXDOMAIN');
});

test('pods insecure: a-b-c-d.<ns>.pod answers a valid IP in an existing namespace', () => {
  const r = cluster();
  assert.deepEqual(data(ask(r, '10-42-1-9.other.pod.cluster.local', 'A')), ['10.42.1.9']);
  assert.deepEqual(data(ask(r, 'fd00--1.other.pod.cluster.local', 'AAAA')), ['fd00::1']);
  assert.equal(ask(r, '10-42-1-999.other.pod.cluster.local', 'A').rcode, 'NXDOMAIN');
  assert.equal(ask(r, '10-42-1-9.nope.pod.cluster.local', 'A').rcode, 'NXDOMAIN');
});

test('PTR: service IP → service, endpoint IP → hostname name; unknown IPs are not owned (forwarded)', () => {
  const r = cluster();
  const ptr = (ip: string): unknown[] | undefined => {
    const n = reverseName(ip)!;
    const a = answerReverseQuestion(r, cfg, n, n, 'PTR');
    return a && data(a);
  };
  assert.deepEqual(ptr('10.43.0.20'), ['web.other.svc.cluster.local']);
  assert.deepEqual(ptr('fd00::21'), ['dual.other.svc.cluster.local']);
  assert.deepEqual(ptr('10.42.0.5'), ['db-0.db.other.svc.cluster.local']);
  assert.equal(ptr('10.42.0.7'), undefined);
  assert.equal(ptr('8.8.8.8'), undefined);
});

test('the indexes follow updates and deletes', () => {
  const r = cluster();
  const g = r.generation;
  r.setService(svc('other', 'web', { clusterIP: '10.43.0.99', ports: [{ name: 'http', port: 80 }] }));
  assert.ok(r.generation > g);
  assert.deepEqual(data(ask(r, 'web.other.svc.cluster.local', 'A')), ['10.43.0.99']);
  const old = reverseName('10.43.0.20')!;
  assert.equal(answerReverseQuestion(r, cfg, old, old, 'PTR'), undefined, 'the old IP no longer points at web');
  r.setEndpointSlice(slice('other', 'db', 'db-1', [{ ip: '10.42.0.9' }]));
  assert.deepEqual(data(ask(r, 'db.other.svc.cluster.local', 'A')), ['10.42.0.9']);
  r.deleteEndpointSlice(slice('other', 'db', 'db-1', []));
  assert.equal(ask(r, 'db.other.svc.cluster.local', 'A').rcode, 'NXDOMAIN');
  r.deleteService(svc('other', 'web', {}));
  assert.equal(ask(r, 'web.other.svc.cluster.local', 'A').rcode, 'NXDOMAIN');
  r.deleteNamespace({ metadata: { name: 'other' } });
  assert.equal(ask(r, 'other.svc.cluster.local', 'A').rcode, 'NXDOMAIN');
});

test('name helpers: reverse names both ways, dashed IPs, canonical IPv6', () => {
  assert.equal(reverseName('10.43.0.10'), '10.0.43.10.in-addr.arpa');
  assert.equal(ipFromReverseName('10.0.43.10.in-addr.arpa'), '10.43.0.10');
  assert.equal(ipFromReverseName('0.43.10.in-addr.arpa'), undefined);
  const v6 = reverseName('fd00::1')!;
  assert.equal(v6, '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa');
  assert.equal(ipFromReverseName(v6), 'fd00::1');
  assert.equal(canonicalIp('FD00:0:0:0:0:0:0:1'), 'fd00::1');
  assert.equal(canonicalIp('1:0:0:2:0:0:0:3'), '1:0:0:2::3');
  assert.equal(dashedIp('10.42.0.5'), '10-42-0-5');
  assert.equal(dashedIp('fd00::'), 'fd00--0');
  assert.equal(ipFromPodLabel('1-2-3-4'), '1.2.3.4');
  assert.equal(ipFromPodLabel('nope'), undefined);
});
