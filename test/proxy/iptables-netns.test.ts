/**
 * kube-proxy's iptables mode on a real kernel, in throwaway network
 * namespaces: a real `k8ts server` holds the Services and EndpointSlices;
 * startKubeProxy programs the rules of namespace "node" with the real
 * iptables-restore; two namespaces joined to it by veths play the pods
 * (busybox httpd). From the node namespace, connections to a ClusterIP
 * reach the endpoints and spread over both; a service without endpoints
 * refuses at once; a removed endpoint stops getting traffic; a deleted
 * service's chains go; flushed tables come back. Needs root, iptables,
 * iproute2 and busybox; says which are missing and skips otherwise.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { RESOURCES, RestClient, loadKubeconfig } from '../../src/client/index.js';
import { startKubeProxy, type RunningKubeProxy } from '../../src/proxy/index.js';
import { endpointChainName, serviceChainName } from '../../src/proxy/iptables/chain-names.js';
import { startServer, type RunningServer } from '../harness/server.js';
import { eventually } from '../harness/kubectl.js';
import { capturingLogger } from '../kubelet/config/log-lines.js';
import { addNetns, deleteNetns, inNs, netnsName, netnsTestSkip, sh, vethPair } from './netns.js';

const skip = netnsTestSkip([['iptables', 'iptables'], ['iptables-restore', 'iptables'], ['busybox', 'busybox-static'], ['sysctl', 'procps']]);

const POD1 = '10.180.1.2';
const POD2 = '10.180.2.2';

/**
 * `count` HTTP GETs of `url` from inside `ns`, each on a new connection
 * (node's http with agent: false, run there by `ip netns exec`): the body
 * of each, or `error <code>`, and the milliseconds each took.
 */
function getsFrom(ns: string, url: string, count = 1): Array<{ out: string; ms: number }> {
  const script = `
    const http = require('node:http');
    const one = () => new Promise((resolve) => {
      const t0 = Date.now();
      const req = http.get(${JSON.stringify(url)}, { agent: false, timeout: 3000 }, (res) => {
        let b = ''; res.setEncoding('utf8'); res.on('data', (d) => { b += d; }); res.on('end', () => resolve({ out: b.trim(), ms: Date.now() - t0 }));
      });
      req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
      req.on('error', (e) => resolve({ out: 'error ' + (e.code || e.message), ms: Date.now() - t0 }));
    });
    (async () => { const out = []; for (let i = 0; i < ${count}; i++) out.push(await one()); process.stdout.write(JSON.stringify(out)); })();`;
  const r = spawnSync('ip', ['netns', 'exec', ns, process.execPath, '-e', script], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`client in ${ns} failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Array<{ out: string; ms: number }>;
}
/** A port of the NodePort range free on 127.0.0.1 (healthCheckNodePorts are validated against that range). */
async function freeNodePort(): Promise<number> {
  for (;;) {
    const port = 30000 + Math.floor(Math.random() * 2768);
    const free = await new Promise<boolean>((resolve) => {
      const srv = createServer().once('error', () => resolve(false)).listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

const getFrom = (ns: string, url: string): { out: string; ms: number } => getsFrom(ns, url, 1)[0]!;

test('kube-proxy iptables mode programs a real kernel and routes service traffic', { skip, timeout: 180_000 }, async (t) => {
  const node = netnsName('kpn');
  const pod1 = netnsName('kp1');
  const pod2 = netnsName('kp2');
  const www = mkdtempSync(join(tmpdir(), 'k8ts-kproxy-'));
  const httpds: ChildProcess[] = [];
  let server: RunningServer | undefined;
  let proxy: RunningKubeProxy | undefined;
  const { logger, lines } = capturingLogger();
  try {
    for (const ns of [node, pod1, pod2]) addNetns(ns);
    vethPair(node, pod1, 'kp1', '10.180.1.1', POD1);
    vethPair(node, pod2, 'kp2', '10.180.2.1', POD2);
    // Service IPs need a route for a local connect() to reach OUTPUT, where the DNAT happens (the DNAT then reroutes).
    sh(['ip', '-n', node, 'route', 'add', '10.43.0.0/16', 'via', '10.180.1.2']);
    for (const [ns, name] of [[pod1, 'pod1'], [pod2, 'pod2']] as const) {
      mkdirSync(join(www, name));
      writeFileSync(join(www, name, 'index.html'), `${name}\n`);
      httpds.push(spawn('ip', ['netns', 'exec', ns, 'busybox', 'httpd', '-f', '-p', '8080', '-h', join(www, name)], { stdio: 'ignore' }));
    }

    server = await startServer({ datastore: 'memory' });
    const client = new RestClient(loadKubeconfig(server.kubeconfig), { component: 'kube-proxy' });
    const web = await client.create<Service>(RESOURCES.services, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { ports: [{ name: 'http', port: 80, targetPort: 8080 }] } });
    const empty = await client.create<Service>(RESOURCES.services, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'empty', namespace: 'default' }, spec: { ports: [{ port: 80 }] } });
    const webSlice = (ips: string[]): EndpointSlice => ({
      apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', addressType: 'IPv4',
      metadata: { name: 'web-1', namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } },
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      endpoints: ips.map((ip) => ({ addresses: [ip], conditions: { ready: true }, nodeName: 'node1' })),
    });
    await client.create(RESOURCES.endpointslices, webSlice([POD1, POD2]));
    const webIP = web.spec!.clusterIP!;
    const emptyIP = empty.spec!.clusterIP!;

    proxy = startKubeProxy({
      client, nodeName: 'node1', nodeIPs: ['10.180.1.1'], clusterCidrs: ['10.180.0.0/16'], mode: 'iptables',
      commandPrefix: ['ip', 'netns', 'exec', node], log: logger, syncPeriodMs: 2000, healthCheckBindAddress: '127.0.0.1',
    });
    assert.equal(await proxy.firstSync, true);
    const save = (): string => sh(inNs(node, ['iptables-save']));
    const svcChain = serviceChainName('default/web:http', 'tcp');
    const sep1 = endpointChainName('default/web:http', 'tcp', `${POD1}:8080`);
    const sep2 = endpointChainName('default/web:http', 'tcp', `${POD2}:8080`);

    await t.test('the rules are in the kernel: hooks, canary, service, endpoint and REJECT rules', () => {
      const s = save();
      for (const needle of [
        '-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
        '-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
        '-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING',
        '-A OUTPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
        ':KUBE-PROXY-CANARY - [0:0]',
        `-A KUBE-SERVICES -d ${webIP}/32 -p tcp -m comment --comment "default/web:http cluster IP" -m tcp --dport 80 -j ${svcChain}`,
        `-A ${sep1} -p tcp -m comment --comment "default/web:http" -m tcp -j DNAT --to-destination ${POD1}:8080`,
        `-A ${sep2} -p tcp -m comment --comment "default/web:http" -m tcp -j DNAT --to-destination ${POD2}:8080`,
        `-A KUBE-SERVICES -d ${emptyIP}/32 -p tcp -m comment --comment "default/empty has no endpoints" -m tcp --dport 80 -j REJECT`,
      ]) assert.ok(s.includes(needle), `iptables-save has ${needle}\n${s}`);
      const prob = /-A \S+ .*--probability (\S+) -j KUBE-SEP-/.exec(s);
      assert.ok(prob && Math.abs(Number(prob[1]) - 0.5) < 1e-6, `probability 1/2, iptables-save shows ${prob?.[1]}`);
      assert.equal(sh(inNs(node, ['sysctl', '-n', 'net.ipv4.conf.all.route_localnet'])).trim(), '1');
      assert.equal(proxy!.stats().failures, 0);
    });

    await t.test('connections to the ClusterIP reach both endpoints', () => {
      const counts: Record<string, number> = {};
      for (const r of getsFrom(node, `http://${webIP}/`, 40)) counts[r.out] = (counts[r.out] ?? 0) + 1;
      t.diagnostic(`40 connections: ${JSON.stringify(counts)}`);
      assert.deepEqual(Object.keys(counts).sort(), ['pod1', 'pod2']);
      // Binomial(40, 1/2): fewer than 8 on one side has probability ~1e-5.
      assert.ok(counts['pod1']! >= 8 && counts['pod2']! >= 8, JSON.stringify(counts));
    });

    await t.test('a service without endpoints refuses the connection at once', () => {
      const r = getFrom(node, `http://${emptyIP}/`);
      assert.equal(r.out, 'error ECONNREFUSED');
      assert.ok(r.ms < 2000, `refused in ${r.ms} ms, not a timeout`);
    });

    await t.test('a removed endpoint stops getting traffic, by a partial sync', async () => {
      const before = proxy!.stats();
      const current = await client.get<EndpointSlice>(RESOURCES.endpointslices, 'web-1', { namespace: 'default' });
      await client.update(RESOURCES.endpointslices, { ...webSlice([POD2]), metadata: { ...webSlice([POD2]).metadata, resourceVersion: current.metadata!.resourceVersion! } });
      await eventually(() => !save().includes(`-A ${sep1} `), 10_000, 'the removed endpoint\'s chain is deleted');
      await proxy!.idle();
      const after = proxy!.stats();
      assert.ok(after.syncs > before.syncs);
      assert.equal(after.last?.full, false, 'an endpoint change is a partial sync');
      assert.deepEqual(getsFrom(node, `http://${webIP}/`, 10).map((r) => r.out), Array(10).fill('pod2'));
    });

    await t.test('sessionAffinity ClientIP holds: every connection from one client reaches the same endpoint', async () => {
      await client.create(RESOURCES.endpointslices, { ...webSlice([POD1, POD2]), metadata: { name: 'sticky-1', namespace: 'default', labels: { 'kubernetes.io/service-name': 'sticky' } } });
      const sticky = await client.create<Service>(RESOURCES.services, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'sticky', namespace: 'default' },
        spec: { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } });
      const url = `http://${sticky.spec!.clusterIP!}/`;
      await eventually(() => !getFrom(node, url).out.startsWith('error'), 10_000, 'the sticky service answers');
      const seen = new Set(getsFrom(node, url, 20).map((r) => r.out));
      assert.equal(seen.size, 1, `one endpoint for one client: ${[...seen].join(', ')}`);
      assert.match([...seen][0]!, /^pod[12]$/);
    });

    await t.test('a NodePort answers on the node IP and on 127.0.0.1 (route_localnet)', async () => {
      await client.create(RESOURCES.endpointslices, { ...webSlice([POD2]), metadata: { name: 'np-1', namespace: 'default', labels: { 'kubernetes.io/service-name': 'np' } } });
      const np = await client.create<Service>(RESOURCES.services, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'np', namespace: 'default' },
        spec: { type: 'NodePort', ports: [{ name: 'http', port: 80, targetPort: 8080 }] } });
      const nodePort = np.spec!.ports![0]!.nodePort!;
      assert.ok(nodePort >= 30000 && nodePort <= 32767, `nodePort ${nodePort}`);
      await eventually(() => getFrom(node, `http://10.180.1.1:${nodePort}/`).out === 'pod2', 10_000, 'the NodePort answers on the node IP');
      assert.equal(getFrom(node, `http://127.0.0.1:${nodePort}/`).out, 'pod2');
    });

    await t.test('externalTrafficPolicy Local: the healthCheckNodePort answers 200 with a local endpoint, 503 without', async () => {
      const hcPort = await freeNodePort();
      await client.create(RESOURCES.endpointslices, { ...webSlice([POD1]), metadata: { name: 'lb-1', namespace: 'default', labels: { 'kubernetes.io/service-name': 'lb' } } });
      await client.create<Service>(RESOURCES.services, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'lb', namespace: 'default' },
        spec: { type: 'LoadBalancer', externalTrafficPolicy: 'Local', healthCheckNodePort: hcPort, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } });
      const health = async (): Promise<{ status: number; body: { localEndpoints?: number } }> => {
        const res = await fetch(`http://127.0.0.1:${hcPort}/`).catch(() => undefined);
        return res ? { status: res.status, body: await res.json() as { localEndpoints?: number } } : { status: 0, body: {} };
      };
      await eventually(async () => (await health()).status === 200, 10_000, 'the health check answers 200');
      assert.equal((await health()).body.localEndpoints, 1);
      assert.ok(save().includes(`-A KUBE-NODEPORTS -p tcp -m comment --comment "default/lb:http health check node port" -m tcp --dport ${hcPort} -j ACCEPT`), save());
      const cur = await client.get<EndpointSlice>(RESOURCES.endpointslices, 'lb-1', { namespace: 'default' });
      await client.update(RESOURCES.endpointslices, { ...cur, endpoints: [{ addresses: [POD1], conditions: { ready: true }, nodeName: 'node2' }] });
      await eventually(async () => (await health()).status === 503, 10_000, 'no local endpoint: 503');
      assert.equal((await health()).body.localEndpoints, 0);
      await client.delete(RESOURCES.services, 'lb', { namespace: 'default' });
      await eventually(async () => (await health()).status === 0, 10_000, 'the server closes with its service');
    });

    await t.test('flushed tables (canary gone) are rebuilt by a full sync', async () => {
      const fullBefore = proxy!.stats().fullSyncs;
      for (const table of ['nat', 'filter', 'mangle']) {
        sh(inNs(node, ['iptables', '-t', table, '-F']));
        sh(inNs(node, ['iptables', '-t', table, '-X']));
      }
      assert.match(getFrom(node, `http://${webIP}/`).out, /^error /, 'no rules: the ClusterIP does not answer');
      await eventually(() => proxy!.stats().fullSyncs > fullBefore, 15_000, 'a full sync after the canary check');
      assert.equal(getFrom(node, `http://${webIP}/`).out, 'pod2');
      const hooks = save().split('\n').filter((l) => l.includes('-j KUBE-SERVICES') && l.startsWith('-A PREROUTING'));
      assert.equal(hooks.length, 1, 'each hook once, however many full syncs ran');
    });

    await t.test('a deleted service\'s chains are deleted', async () => {
      await client.delete(RESOURCES.services, 'web', { namespace: 'default' });
      await eventually(() => !save().includes(svcChain), 10_000, 'KUBE-SVC chain of web gone');
      assert.ok(!save().includes(sep2));
      assert.ok(save().includes('default/empty has no endpoints'), 'other services stay');
    });

    await t.test('a failed restore is logged, leaves the previous rules and is retried as a full sync', async () => {
      // A stale-looking service chain that something else still jumps to: kube-proxy's `-X` of it fails the nat commit.
      const stale = 'KUBE-SVC-AAAAAAAAAAAAAAAA';
      sh(inNs(node, ['iptables', '-t', 'nat', '-N', stale]));
      sh(inNs(node, ['iptables', '-t', 'nat', '-A', 'PREROUTING', '-j', stale]));
      const failuresBefore = proxy!.stats().failures;
      // The slice first, so that the service's first rules are nat rules (a filter-only change would commit: restore is atomic per table).
      await client.create(RESOURCES.endpointslices, { ...webSlice([POD1]), metadata: { name: 'third-1', namespace: 'default', labels: { 'kubernetes.io/service-name': 'third' } },
        ports: [{ name: '', port: 8080, protocol: 'TCP' }] });
      const third = await client.create<Service>(RESOURCES.services, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'third', namespace: 'default' }, spec: { ports: [{ port: 81 }] } });
      await eventually(() => proxy!.stats().failures > failuresBefore, 10_000, 'the restore fails');
      const failure = lines().find((l) => l['msg'] === 'failed to sync iptables rules; the previous rules stay; retrying with a full sync');
      assert.match(String(failure?.['err']), /iptables-restore failed/, JSON.stringify(failure));
      const s = save();
      assert.ok(s.includes('default/empty has no endpoints'), 'the previous rules stay in place');
      assert.ok(!s.includes('default/third'), 'nothing of the failed sync was applied');
      const fullBefore = proxy!.stats().fullSyncs;
      sh(inNs(node, ['iptables', '-t', 'nat', '-D', 'PREROUTING', '-j', stale]));
      await eventually(() => save().includes(`-A KUBE-SERVICES -d ${third.spec!.clusterIP!}/32`), 15_000, 'the retry applies the rules');
      await proxy!.idle();
      assert.ok(proxy!.stats().fullSyncs > fullBefore, 'the retry is a full sync');
      assert.ok(!save().includes(stale), 'the stale chain is deleted now');
      assert.equal(getFrom(node, `http://${third.spec!.clusterIP!}:81/`).out, 'pod1');
    });
  } finally {
    await proxy?.stop();
    for (const h of httpds) h.kill('SIGKILL');
    await server?.stop();
    deleteNetns(node, pod1, pod2);
    rmSync(www, { recursive: true, force: true });
  }
  const left = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout;
  assert.ok(![node, pod1, pod2].some((n) => left.includes(n)), 'namespaces deleted');
});
