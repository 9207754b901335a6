/**
 * The cluster DNS server against a real k8ts API server, on a loopback port:
 * every record type over UDP and TCP (dns-packet) and with dig, NXDOMAIN and
 * NODATA with the SOA, truncation and the TCP retry, forwarding to a test
 * upstream with its cache, updates within 1 s, SERVFAIL before sync, and
 * ensureKubeDnsService.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { connect } from 'node:net';
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { createLogger } from '../../src/api/log.js';
import { RESOURCES, RestClient } from '../../src/client/index.js';
import { ensureKubeDnsService, startClusterDns, type RunningClusterDns } from '../../src/dns/index.js';
import { eventually } from '../harness/kubectl.js';
import { startServer, type RunningServer } from '../harness/server.js';
import { rcodeOf, tcpQueries, udpQuery, values } from './dns-client.js';
import { startTestUpstream, type TestUpstream } from './test-upstream.js';

const log = createLogger('dns-test', { level: 'silent' });
const execFileP = promisify(execFile);
const hasDig = spawnSync('dig', ['-v'], { encoding: 'utf8' }).status === 0;
const Z = 'cluster.local';

let server: RunningServer;
let client: RestClient;
let upstream: TestUpstream;
let dns: RunningClusterDns;
const stop = new AbortController();
let webIP = '';

function headlessSlice(name: string, svc: string, ips: string[], extra: Partial<EndpointSlice['endpoints'][number]>[] = []): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
    metadata: { name, namespace: 'other', labels: { 'kubernetes.io/service-name': svc, 'endpointslice.kubernetes.io/managed-by': 'dns-test' } },
    addressType: 'IPv4', ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }],
    endpoints: ips.map((ip, i) => ({ addresses: [ip], conditions: { ready: true }, ...extra[i] })),
  };
}

const service = (name: string, spec: Service['spec']): Service => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'other' }, spec });

before(async () => {
  server = await startServer();
  client = RestClient.fromKubeconfig(server.kubeconfig, { component: 'dns-test' });
  upstream = await startTestUpstream();
  await client.create(RESOURCES.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } });
  const web = await client.create(RESOURCES.services, service('web', { ports: [{ name: 'http', port: 80, protocol: 'TCP' }] }));
  webIP = (web as Service).spec!.clusterIP!;
  await client.create(RESOURCES.services, service('db', { clusterIP: 'None', ports: [{ name: 'pg', port: 5432 }] }));
  await client.create(RESOURCES.endpointslices, headlessSlice('db-1', 'db', ['10.42.0.5', '10.42.0.6'], [{ hostname: 'db-0' }, { targetRef: { kind: 'Pod', name: 'db-abc', namespace: 'other' } }]));
  await client.create(RESOURCES.services, service('ext', { type: 'ExternalName', externalName: 'www.example.test' }));
  await client.create(RESOURCES.services, service('many', { clusterIP: 'None', ports: [{ name: 'pg', port: 5432 }] }));
  await client.create(RESOURCES.endpointslices, headlessSlice('many-1', 'many', Array.from({ length: 60 }, (_, i) => `10.42.1.${i + 1}`)));
  dns = await startClusterDns({ client, listen: { host: '127.0.0.1', port: 0 }, clusterDomain: Z, upstreams: [`127.0.0.1:${upstream.port}`], log, signal: stop.signal, tcpIdleTimeoutMs: 500 });
  assert.equal(await dns.synced, true);
});

after(async () => {
  stop.abort();
  await dns?.stop();
  await upstream?.close();
  client?.close();
  await server?.stop();
});

test('A for a ClusterIP service over UDP and TCP, case-insensitive, authoritative', async () => {
  const u = await udpQuery(dns.port, 'WEB.other.svc.Cluster.Local', 'A');
  assert.equal(rcodeOf(u), 'NOERROR');
  assert.equal(u.flag_aa, true);
  assert.deepEqual(values(u), [webIP]);
  assert.equal(u.questions![0]!.name, 'WEB.other.svc.Cluster.Local', 'the question is echoed as asked');
  const [t] = await tcpQueries(dns.port, [['web.other.svc.cluster.local', 'A']]);
  assert.deepEqual(values(t!), [webIP]);
});

test('SRV, headless names, pod A, PTR over the wire', async () => {
  const srv = await udpQuery(dns.port, `_http._tcp.web.other.svc.${Z}`, 'SRV');
  assert.deepEqual(values(srv), [{ priority: 0, weight: 100, port: 80, target: `web.other.svc.${Z}` }]);
  assert.deepEqual((srv.additionals ?? []).map((a) => 'data' in a && a.data), [webIP]);
  assert.deepEqual((values(await udpQuery(dns.port, `db.other.svc.${Z}`, 'A')) as string[]).sort(), ['10.42.0.5', '10.42.0.6']);
  const firsts = new Set<unknown>();
  for (let i = 0; i < 4; i++) firsts.add(values(await udpQuery(dns.port, `db.other.svc.${Z}`, 'A'))[0]);
  assert.equal(firsts.size, 2, 'replies start at each address in turn (loadbalance)');
  assert.deepEqual(values(await udpQuery(dns.port, `db-0.db.other.svc.${Z}`, 'A')), ['10.42.0.5']);
  assert.deepEqual(values(await udpQuery(dns.port, `db-abc.db.other.svc.${Z}`, 'A')), ['10.42.0.6']);
  const hsrv = await udpQuery(dns.port, `_pg._tcp.db.other.svc.${Z}`, 'SRV');
  assert.deepEqual((values(hsrv) as { target: string }[]).map((s) => s.target).sort(), [`db-0.db.other.svc.${Z}`, `db-abc.db.other.svc.${Z}`]);
  assert.deepEqual(values(await udpQuery(dns.port, `10-42-3-4.other.pod.${Z}`, 'A')), ['10.42.3.4']);
  const rev = webIP.split('.').reverse().join('.') + '.in-addr.arpa';
  assert.deepEqual(values(await udpQuery(dns.port, rev, 'PTR')), [`web.other.svc.${Z}`]);
  assert.deepEqual(values(await udpQuery(dns.port, '5.0.42.10.in-addr.arpa', 'PTR')), [`db-0.db.other.svc.${Z}`]);
});

test('NXDOMAIN and NODATA carry the zone SOA', async () => {
  const nx = await udpQuery(dns.port, `nope.other.svc.${Z}`, 'A');
  assert.equal(rcodeOf(nx), 'NXDOMAIN');
  assert.equal(nx.flag_aa, true);
  const soa = nx.authorities![0]!;
  assert.ok(soa.type === 'SOA');
  assert.equal(soa.name, Z);
  assert.equal(soa.data.mname, `ns.dns.${Z}`);
  assert.equal(soa.data.rname, `hostmaster.${Z}`);
  assert.deepEqual([soa.data.refresh, soa.data.retry, soa.data.expire, soa.data.minimum, soa.ttl], [7200, 1800, 86400, 30, 30]);
  const nodata = await udpQuery(dns.port, `web.other.svc.${Z}`, 'AAAA');
  assert.equal(rcodeOf(nodata), 'NOERROR');
  assert.equal(nodata.answers!.length, 0);
  assert.equal(nodata.authorities![0]!.type, 'SOA');
});

test('ExternalName: CNAME plus the target resolved upstream', async () => {
  const a = await udpQuery(dns.port, `ext.other.svc.${Z}`, 'A');
  assert.deepEqual(a.answers!.map((x) => [x.type, 'data' in x && x.data]), [['CNAME', 'www.example.test'], ['A', '192.0.2.1']]);
});

test('a large answer is truncated over UDP (512 bytes, or the EDNS0 size) and whole over TCP', async () => {
  const u = await udpQuery(dns.port, `many.other.svc.${Z}`, 'A');
  assert.equal(u.flag_tc, true);
  assert.equal(u.answers!.length, 0);
  assert.ok(u.size <= 512);
  const e = await udpQuery(dns.port, `many.other.svc.${Z}`, 'A', { udpSize: 4096 });
  assert.equal(e.flag_tc, false, 'fits in the advertised EDNS0 size');
  assert.equal(e.answers!.length, 60);
  const [t] = await tcpQueries(dns.port, [[`many.other.svc.${Z}`, 'A']]);
  assert.equal(t!.flag_tc, false);
  assert.equal(t!.answers!.length, 60);
});

test('TCP: several queries on one connection, replies in order; idle connections are closed', async () => {
  const replies = await tcpQueries(dns.port, [[`web.other.svc.${Z}`, 'A'], [`nope.other.svc.${Z}`, 'A'], ['www.example.test', 'A'], [`db-0.db.other.svc.${Z}`, 'A']]);
  assert.deepEqual(replies.map(rcodeOf), ['NOERROR', 'NXDOMAIN', 'NOERROR', 'NOERROR']);
  assert.deepEqual(replies.map((r) => values(r)[0]), [webIP, undefined, '192.0.2.1', '10.42.0.5']);
  const closedAfter = await new Promise<number>((resolve, reject) => {
    const started = Date.now();
    const c = connect({ host: '127.0.0.1', port: dns.port });
    c.on('error', reject);
    c.on('close', () => resolve(Date.now() - started));
  });
  assert.ok(closedAfter >= 400 && closedAfter < 3000, `idle connection closed after ${closedAfter} ms (timeout 500)`);
});

test('malformed input: garbage gets FORMERR or nothing, another opcode NOTIMP, and the server keeps answering', async () => {
  const { createSocket } = await import('node:dgram');
  const raw = (bytes: Buffer): Promise<Buffer | undefined> => new Promise((resolve) => {
    const s = createSocket('udp4');
    const timer = setTimeout(() => { s.close(); resolve(undefined); }, 300);
    s.on('message', (m) => { clearTimeout(timer); s.close(); resolve(m); });
    s.send(bytes, dns.port, '127.0.0.1');
  });
  assert.equal(await raw(Buffer.from([1, 2, 3])), undefined, 'shorter than a header: no reply');
  const bad = await raw(Buffer.from([0, 7, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 63, 97]));
  assert.equal(bad!.readUInt16BE(0), 7);
  assert.equal(bad![3]! & 0xf, 1, 'FORMERR');
  const status = await raw(Buffer.from([0, 8, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
  assert.equal(status![3]! & 0xf, 4, 'NOTIMP for opcode STATUS');
  assert.deepEqual(values(await udpQuery(dns.port, `web.other.svc.${Z}`, 'A')), [webIP]);
});

test('names outside the zone are forwarded; positive and negative answers are cached', async () => {
  const before = upstream.seen.length;
  for (let i = 0; i < 2; i++) {
    const a = await udpQuery(dns.port, 'cached.example.test', 'A');
    assert.deepEqual(values(a), ['192.0.2.1']);
    assert.equal(a.flag_aa, false);
    assert.equal(a.flag_ra, true);
    const nx = await udpQuery(dns.port, 'missing.example.test', 'A');
    assert.equal(rcodeOf(nx), 'NXDOMAIN');
  }
  assert.deepEqual(upstream.seen.slice(before), ['cached.example.test A udp', 'missing.example.test A udp'], 'one upstream query per name for two asks');
  const ttl = (await udpQuery(dns.port, 'cached.example.test', 'A')).answers![0]!;
  assert.ok('ttl' in ttl && ttl.ttl! <= 30, 'TTLs are capped at 30 s');
  // An upstream reply truncated over UDP is asked again over TCP.
  const big = await udpQuery(dns.port, 'big.example.test', 'A', { udpSize: 4096 });
  assert.equal(big.answers!.length, 100);
  assert.ok(upstream.seen.includes('big.example.test A tcp'));
  // Reverse names the cluster does not own are forwarded too.
  await udpQuery(dns.port, '1.2.0.192.in-addr.arpa', 'PTR');
  assert.ok(upstream.seen.includes('1.2.0.192.in-addr.arpa PTR udp'));
});

test('a port clash rejects startClusterDns with a clear error', async () => {
  const abort = new AbortController();
  await assert.rejects(
    startClusterDns({ client, listen: { host: '127.0.0.1', port: dns.port }, clusterDomain: Z, upstreams: [], log, signal: abort.signal }),
    /cannot listen on UDP 127\.0\.0\.1:\d+ for DNS: .*EADDRINUSE/);
  await assert.rejects(
    startClusterDns({ client, listen: { host: '127.0.0.1', port: 0 }, clusterDomain: 'Not A Domain', log, signal: abort.signal }), /invalid cluster domain/);
  abort.abort();
});

test('SERVFAIL when no upstream answers; SERVFAIL instead of NXDOMAIN before the informers sync', async () => {
  const abort = new AbortController();
  const dead = new RestClient({ server: 'https://127.0.0.1:1', insecureSkipTLSVerify: true } as never);
  const d = await startClusterDns({ client: dead, listen: { host: '127.0.0.1', port: 0 }, clusterDomain: Z, upstreams: ['127.0.0.1:9'], upstreamTimeoutMs: 200, log, signal: abort.signal });
  try {
    assert.equal(rcodeOf(await udpQuery(d.port, 'www.example.test', 'A')), 'SERVFAIL');
    assert.equal(rcodeOf(await udpQuery(d.port, `nope.other.svc.${Z}`, 'A')), 'SERVFAIL');
  } finally {
    abort.abort();
    await d.stop();
    dead.close();
  }
});

test('dig resolves cluster names, forwards, and retries a truncated answer over TCP', { skip: hasDig ? false : 'dig not installed (Debian package dnsutils)' }, async () => {
  // Asynchronous: the server answers from this process's event loop.
  const dig = async (...args: string[]): Promise<string> => (await execFileP('dig', ['@127.0.0.1', '-p', String(dns.port), '+tries=1', '+time=3', ...args], { encoding: 'utf8' })).stdout;
  assert.equal((await dig('+short', `db-0.db.other.svc.${Z}`)).trim(), '10.42.0.5');
  assert.match(await dig('+short', 'SRV', `_pg._tcp.db.other.svc.${Z}`), / 5432 /);
  assert.equal((await dig('+short', 'x.example.test')).trim(), '192.0.2.1');
  const full = await dig('+noedns', `many.other.svc.${Z}`);
  assert.match(full, /Truncated, retrying in TCP mode/);
  assert.equal((full.match(/\sIN\s+A\s+10\.42\.1\./g) ?? []).length, 60, full);
  assert.match(full, /flags: qr aa rd ra;/);
  assert.equal((await dig('+tcp', '+short', `many.other.svc.${Z}`)).trim().split('\n').length, 60);
  assert.match(await dig(`nope.other.svc.${Z}`), /status: NXDOMAIN[\s\S]*AUTHORITY SECTION:\ncluster\.local\.\s+30\s+IN\s+SOA\s+ns\.dns\.cluster\.local\. hostmaster\.cluster\.local\. \d+ 7200 1800 86400 30/);
});

test('answers follow Service and EndpointSlice changes within 1 s', async () => {
  const within1s = async (what: string, fn: () => Promise<boolean>): Promise<void> => {
    const started = Date.now();
    await eventually(fn, 1000, what);
    assert.ok(Date.now() - started <= 1100, what);
  };
  await client.patch(RESOURCES.services, 'web', { spec: { ports: [{ name: 'http', port: 80, protocol: 'TCP' }, { name: 'admin', port: 9000, protocol: 'TCP' }] } }, { namespace: 'other' });
  await within1s('new SRV port', async () => (await udpQuery(dns.port, `_admin._tcp.web.other.svc.${Z}`, 'SRV')).answers!.length === 1);
  await client.patch(RESOURCES.endpointslices, 'db-1', { endpoints: [{ addresses: ['10.42.0.9'], conditions: { ready: true } }] }, { namespace: 'other' });
  await within1s('new endpoint', async () => JSON.stringify(values(await udpQuery(dns.port, `db.other.svc.${Z}`, 'A'))) === '["10.42.0.9"]');
  await client.delete(RESOURCES.services, 'web', { namespace: 'other' });
  await within1s('deleted service', async () => rcodeOf(await udpQuery(dns.port, `web.other.svc.${Z}`, 'A')) === 'NXDOMAIN');
});

test('ensureKubeDnsService: creates, is idempotent, repairs drift; the DNS answers for it', async () => {
  const opts = { clusterIP: '10.43.0.10', endpointAddress: '127.0.0.1', port: dns.port };
  await ensureKubeDnsService(client, opts);
  const s1 = await client.get<Service>(RESOURCES.services, 'kube-dns', { namespace: 'kube-system' });
  const e1 = await client.get<EndpointSlice>(RESOURCES.endpointslices, 'kube-dns', { namespace: 'kube-system' });
  assert.equal(s1.spec!.clusterIP, '10.43.0.10');
  assert.equal(s1.spec!.selector, undefined);
  assert.equal(s1.metadata!.labels!['k8s-app'], 'kube-dns');
  assert.deepEqual(s1.spec!.ports!.map((p) => [p.name, p.port, p.protocol]), [['dns', 53, 'UDP'], ['dns-tcp', 53, 'TCP'], ['metrics', 9153, 'TCP']]);
  assert.deepEqual(e1.metadata!.labels, { 'kubernetes.io/service-name': 'kube-dns', 'endpointslice.kubernetes.io/managed-by': 'k8ts-dns' });
  assert.deepEqual(e1.endpoints.map((e) => e.addresses), [['127.0.0.1']]);
  assert.deepEqual(e1.ports!.map((p) => [p.name, p.port, p.protocol]), [['dns', dns.port, 'UDP'], ['dns-tcp', dns.port, 'TCP']]);
  await ensureKubeDnsService(client, opts);
  const s2 = await client.get<Service>(RESOURCES.services, 'kube-dns', { namespace: 'kube-system' });
  const e2 = await client.get<EndpointSlice>(RESOURCES.endpointslices, 'kube-dns', { namespace: 'kube-system' });
  assert.equal(s2.metadata!.resourceVersion, s1.metadata!.resourceVersion, 'no write when nothing drifted');
  assert.equal(e2.metadata!.resourceVersion, e1.metadata!.resourceVersion);
  await client.patch(RESOURCES.services, 'kube-dns', { metadata: { labels: { 'k8s-app': 'x' } }, spec: { selector: { app: 'x' } } }, { namespace: 'kube-system' });
  await client.patch(RESOURCES.endpointslices, 'kube-dns', { endpoints: [{ addresses: ['10.9.9.9'] }] }, { namespace: 'kube-system' });
  await ensureKubeDnsService(client, opts);
  const s3 = await client.get<Service>(RESOURCES.services, 'kube-dns', { namespace: 'kube-system' });
  const e3 = await client.get<EndpointSlice>(RESOURCES.endpointslices, 'kube-dns', { namespace: 'kube-system' });
  assert.equal(s3.metadata!.labels!['k8s-app'], 'kube-dns');
  assert.equal(s3.spec!.selector, undefined);
  assert.deepEqual(e3.endpoints.map((e) => e.addresses), [['127.0.0.1']]);
  await assert.rejects(ensureKubeDnsService(client, { ...opts, endpointAddress: 'not-an-ip' }), /not an IP address/);
  await eventually(async () => JSON.stringify(values(await udpQuery(dns.port, `kube-dns.kube-system.svc.${Z}`, 'A'))) === '["10.43.0.10"]', 2000, 'kube-dns A');
  assert.deepEqual(values(await udpQuery(dns.port, `ns.dns.${Z}`, 'A')), ['10.43.0.10']);
});
