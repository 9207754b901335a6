/**
 * kube-proxy's nftables mode on a real kernel, in throwaway network
 * namespaces: a real `k8ts server` holds the Services and EndpointSlices;
 * startKubeProxy programs namespace "node" with the real nft; two pod
 * namespaces run busybox httpd. From the node: a ClusterIP reaches both
 * endpoints, ClientIP affinity holds, a service without endpoints is
 * refused (reject-chain), a NodePort answers on the node's addresses, a removed endpoint stops getting traffic (partial
 * sync; its chain is flushed, then deleted), a deleted table comes back by
 * a full sync, and iptables mode taking over removes the table.
 * Needs root, nft, iptables, iproute2 and busybox; skips otherwise.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { RESOURCES, RestClient, loadKubeconfig } from '../../src/client/index.js';
import { startKubeProxy, type RunningKubeProxy } from '../../src/proxy/index.js';
import { endpointChainNameBase, servicePortChainNameBase } from '../../src/proxy/nftables/chain-names.js';
import { startServer, type RunningServer } from '../harness/server.js';
import { eventually } from '../harness/kubectl.js';
import { capturingLogger } from '../kubelet/config/log-lines.js';
import { NODE_IP, POD1, POD2, inNs, makeTestNetwork, sh, spread, wget, type TestNetwork } from './mode-netns.js';
import { netnsTestSkip } from './mode-netns.js';

const skip = netnsTestSkip([['nft', 'nftables'], ['iptables', 'iptables'], ['sysctl', 'procps']]);

const slice = (svc: string, ips: string[], resourceVersion?: string): EndpointSlice => ({
  apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', addressType: 'IPv4',
  metadata: { name: `${svc}-1`, namespace: 'default', labels: { 'kubernetes.io/service-name': svc }, ...(resourceVersion ? { resourceVersion } : {}) },
  ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
  endpoints: ips.map((ip) => ({ addresses: [ip], conditions: { ready: true }, nodeName: 'node1' })),
});

test('kube-proxy nftables mode programs a real kernel and routes service traffic', { skip, timeout: 240_000 }, async (t) => {
  let net: TestNetwork | undefined;
  let server: RunningServer | undefined;
  let proxy: RunningKubeProxy | undefined;
  const { logger } = capturingLogger();
  try {
    net = makeTestNetwork('nf');
    const node = net.node;
    server = await startServer({ datastore: 'memory' });
    const client = new RestClient(loadKubeconfig(server.kubeconfig), { component: 'kube-proxy' });
    const mk = (name: string, extra: Service['spec'] = {}): Promise<Service> => client.create<Service>(RESOURCES.services,
      { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec: { ports: [{ name: 'http', port: 80, targetPort: 8080 }], ...extra } });
    const web = await mk('web');
    const sticky = await mk('sticky', { sessionAffinity: 'ClientIP' });
    const empty = await mk('empty');
    const np = await mk('np', { type: 'NodePort' });
    await client.create(RESOURCES.endpointslices, slice('web', [POD1, POD2]));
    await client.create(RESOURCES.endpointslices, slice('np', [POD2]));
    await client.create(RESOURCES.endpointslices, slice('sticky', [POD1, POD2]));

    proxy = startKubeProxy({
      client, nodeName: 'node1', nodeIPs: [NODE_IP], clusterCidrs: ['10.180.0.0/16'], mode: 'nftables',
      commandPrefix: inNs(node, []), log: logger, syncPeriodMs: 2000, healthCheckBindAddress: '127.0.0.1',
    });
    assert.equal(await proxy.firstSync, true);
    const ruleset = (): string => sh(inNs(node, ['nft', 'list', 'table', 'ip', 'kube-proxy']));
    const webBase = servicePortChainNameBase('default', 'web', 'tcp', 'http');
    const ep1 = endpointChainNameBase('default', 'web', 'tcp', 'http', `${POD1}:8080`);

    await t.test('the table is in the kernel: service and endpoint chains, numgen, affinity sets, reject element', () => {
      const r = ruleset();
      for (const needle of [
        `chain service-${webBase} {`,
        `numgen random mod 2 vmap { 0 : goto endpoint-${ep1}, 1 : goto endpoint-`,
        `meta l4proto tcp dnat to ${POD1}:8080`,
        `set affinity-${endpointChainNameBase('default', 'sticky', 'tcp', 'http', `${POD1}:8080`)} {`,
        `${empty.spec!.clusterIP} . tcp . 80 comment "default/empty:http" : goto reject-chain`,
        `${web.spec!.clusterIP} . tcp . 80 : goto service-${webBase}`,
      ]) assert.ok(r.includes(needle), `nft list has ${needle}\n${r}`);
      assert.equal(proxy!.stats().failures, 0);
      assert.doesNotMatch(sh(inNs(node, ['nft', 'list', 'tables'])), /table ip6 kube-proxy/, 'no IPv6 service: no ip6 table');
    });

    await t.test('connections to the ClusterIP reach both endpoints', () => {
      const counts = spread(node, `http://${web.spec!.clusterIP}/`, 40);
      t.diagnostic(`40 connections: ${JSON.stringify(counts)}`);
      assert.deepEqual(Object.keys(counts).sort(), ['pod1', 'pod2']);
      // Binomial(40, 1/2): fewer than 8 on one side has probability ~1e-5.
      assert.ok(counts['pod1']! >= 8 && counts['pod2']! >= 8, JSON.stringify(counts));
    });

    await t.test('sessionAffinity ClientIP keeps one endpoint', () => {
      const counts = spread(node, `http://${sticky.spec!.clusterIP}/`, 15);
      t.diagnostic(`15 connections: ${JSON.stringify(counts)}`);
      assert.equal(Object.keys(counts).length, 1, JSON.stringify(counts));
      assert.match(Object.keys(counts)[0]!, /^pod[12]$/);
    });

    await t.test('a service without endpoints is refused at once', () => {
      const r = wget(node, `http://${empty.spec!.clusterIP}/`);
      assert.equal(r.ok, false);
      assert.match(r.out, /refused/i);
      assert.ok(r.ms < 2000, `refused in ${r.ms} ms, not a timeout`);
    });

    await t.test('a NodePort answers on the node\'s address (fib daddr type local)', () => {
      const nodePort = np.spec!.ports![0]!.nodePort!;
      assert.ok(nodePort > 0);
      assert.equal(wget(node, `http://${NODE_IP}:${nodePort}/`).out, 'pod2');
      assert.equal(wget(node, `http://10.180.2.1:${nodePort}/`).out, 'pod2', 'on every node address');
    });

    await t.test('a removed endpoint stops getting traffic by a partial sync; its chain is flushed, then deleted', async () => {
      const before = proxy!.stats();
      const cur = await client.get<EndpointSlice>(RESOURCES.endpointslices, 'web-1', { namespace: 'default' });
      await client.update(RESOURCES.endpointslices, slice('web', [POD2], cur.metadata!.resourceVersion!));
      await eventually(() => ruleset().includes(`numgen random mod 1 vmap { 0 : goto endpoint-${endpointChainNameBase('default', 'web', 'tcp', 'http', `${POD2}:8080`)} }`), 10_000, 'web balanced over one endpoint');
      const after = proxy!.stats();
      assert.ok(after.syncs > before.syncs);
      assert.equal(after.last?.full, false, 'an endpoint change is a partial sync');
      assert.deepEqual(spread(node, `http://${web.spec!.clusterIP}/`, 10), { pod2: 10 });
      // Deleted by a later sync at least 1 s after the flush; any change triggers one.
      await new Promise((r) => setTimeout(r, 1200));
      await client.delete(RESOURCES.services, 'empty', { namespace: 'default' });
      await eventually(() => !ruleset().includes(`endpoint-${ep1}`), 10_000, 'the stale endpoint chain is deleted');
    });

    await t.test('a deleted table is rebuilt by a full sync', async () => {
      const fullBefore = proxy!.stats().fullSyncs;
      sh(inNs(node, ['nft', 'delete', 'table', 'ip', 'kube-proxy']));
      assert.equal(wget(node, `http://${web.spec!.clusterIP}/`).ok, false, 'no rules: the ClusterIP does not answer');
      await eventually(() => proxy!.stats().fullSyncs > fullBefore, 15_000, 'a full sync after the periodic check');
      assert.equal(wget(node, `http://${web.spec!.clusterIP}/`).out, 'pod2');
    });

    await t.test('iptables mode taking over deletes the nftables table and serves the ClusterIP', async () => {
      await proxy!.stop();
      proxy = startKubeProxy({
        client, nodeName: 'node1', nodeIPs: [NODE_IP], clusterCidrs: ['10.180.0.0/16'], mode: 'iptables',
        commandPrefix: inNs(node, []), log: logger, healthCheckBindAddress: '127.0.0.1',
      });
      assert.equal(await proxy.firstSync, true);
      assert.equal(sh(inNs(node, ['nft', 'list', 'tables'])).includes('kube-proxy'), false, 'no kube-proxy table left');
      assert.ok(sh(inNs(node, ['iptables-save', '-t', 'nat'])).includes('KUBE-SERVICES'));
      assert.equal(wget(node, `http://${web.spec!.clusterIP}/`).out, 'pod2');
    });
  } finally {
    await proxy?.stop();
    await server?.stop();
    net?.destroy();
  }
});
