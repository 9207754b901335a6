/**
 * kube-proxy's userspace mode on a real kernel, and switching between the
 * three modes. The userspace proxy's sockets live in kube-proxy's own
 * network namespace, so this file runs itself again inside the "node"
 * namespace (the outer test only builds the namespaces and checks the inner
 * run's exit code); the inner run starts a real `k8ts server` there and
 * drives kube-proxy with no command prefix:
 * - iptables mode, then nftables mode (its start removes every KUBE-* chain),
 *   then userspace mode (its start deletes the nftables table);
 * - in userspace mode, from a pod and from the node: a ClusterIP reaches
 *   both endpoints, a NodePort answers (with externalTrafficPolicy Local
 *   from this node's endpoint only), ClientIP affinity holds, a service without endpoints
 *   accepts and closes at once, UDP is relayed;
 * - iptables mode again removes the userspace chains.
 * Needs root, iptables, nft, iproute2 and busybox; skips otherwise.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { RESOURCES, RestClient, loadKubeconfig } from '../../src/client/index.js';
import { startKubeProxy, type ProxyMode, type RunningKubeProxy } from '../../src/proxy/index.js';
import { startServer, type RunningServer } from '../harness/server.js';
import { capturingLogger } from '../kubelet/config/log-lines.js';
import { createLogger } from '../../src/api/log.js';
import { NODE_IP, POD1, POD2, makeTestNetwork, netnsTestSkip, sh, spreadAsync, type TestNetwork } from './mode-netns.js';

const INNER_NODE = process.env['K8TS_PROXY_NODE_NS'];
const skip = netnsTestSkip([['nft', 'nftables'], ['iptables', 'iptables'], ['sysctl', 'procps']]);

if (!INNER_NODE) {
  test('kube-proxy userspace mode and mode switching (run inside the node namespace)', { skip, timeout: 300_000 }, async (t) => {
    let net: TestNetwork | undefined;
    let child: ChildProcess | undefined;
    try {
      net = makeTestNetwork('us');
      // Without NODE_TEST_CONTEXT, which would make the inner runner report to this one's protocol instead of printing.
      const { NODE_TEST_CONTEXT: _ctx, ...env } = process.env;
      const proc = spawn('ip', ['netns', 'exec', net.node, process.execPath, '--test', '--test-reporter=spec', fileURLToPath(import.meta.url)], {
        env: { ...env, K8TS_PROXY_NODE_NS: net.node, K8TS_PROXY_PODS: net.pods.join(',') }, stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = proc;
      let out = '';
      proc.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; });
      proc.stderr.setEncoding('utf8').on('data', (d: string) => { out += d; });
      const code = await new Promise<number | null>((resolve) => proc.once('close', resolve));
      for (const line of out.split('\n')) if (/^\s*(✔|✖)|^ℹ (from|pod1|NodePort)/.test(line)) t.diagnostic(line);
      assert.equal(code, 0, `the run inside the node namespace failed:\n${out}`);
      assert.match(out, /ℹ pass 11\n/, `all 11 inner tests ran:\n${out}`);
    } finally {
      if (child && child.exitCode === null) child.kill('SIGKILL');
      net?.destroy();
    }
  });
} else {
  const pod1 = process.env['K8TS_PROXY_PODS']!.split(',')[0]!;
  const pod2 = process.env['K8TS_PROXY_PODS']!.split(',')[1]!;

  test('inside the node namespace: iptables -> nftables -> userspace -> iptables', { timeout: 240_000 }, async (t) => {
    let server: RunningServer | undefined;
    let proxy: RunningKubeProxy | undefined;
    let udpEcho: ChildProcess | undefined;
    // K8TS_PROXY_TEST_LOG=1 shows kube-proxy's log of the inner run.
    const logger = process.env['K8TS_PROXY_TEST_LOG'] ? createLogger('kube-proxy', { level: 'debug' }) : capturingLogger().logger;
    try {
      server = await startServer({ datastore: 'memory' });
      const client = new RestClient(loadKubeconfig(server.kubeconfig), { component: 'kube-proxy' });
      const mk = (name: string, extra: Service['spec'] = {}): Promise<Service> => client.create<Service>(RESOURCES.services,
        { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec: { ports: [{ name: 'http', port: 80, targetPort: 8080 }], ...extra } });
      const eps = (svc: string, ips: string[], port = 8080, protocol: 'TCP' | 'UDP' = 'TCP', portName = 'http', nodes: string[] = []): Promise<EndpointSlice> => client.create(RESOURCES.endpointslices, {
        apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', addressType: 'IPv4',
        metadata: { name: `${svc}-1`, namespace: 'default', labels: { 'kubernetes.io/service-name': svc } },
        ports: [{ name: portName, port, protocol }],
        endpoints: ips.map((ip, i) => ({ addresses: [ip], conditions: { ready: true }, nodeName: nodes[i] ?? 'node1' })),
      } as EndpointSlice);
      const web = await mk('web', { type: 'NodePort' });
      const sticky = await mk('sticky', { sessionAffinity: 'ClientIP' });
      const empty = await mk('empty');
      const dns = await mk('dns', { ports: [{ name: 'dns', port: 53, targetPort: 5353, protocol: 'UDP' }] });
      await eps('web', [POD1, POD2]);
      await eps('sticky', [POD1, POD2]);
      await eps('dns', [POD2], 5353, 'UDP', 'dns');
      const local = await mk('local', { type: 'NodePort', externalTrafficPolicy: 'Local' });
      await eps('local', [POD1, POD2], 8080, 'TCP', 'http', ['node1', 'node2']);
      const webURL = `http://${web.spec!.clusterIP}/`;

      const start = async (mode: ProxyMode): Promise<void> => {
        await proxy?.stop();
        proxy = startKubeProxy({ client, nodeName: 'node1', nodeIPs: [NODE_IP], clusterCidrs: ['10.180.0.0/16'], mode, log: logger, healthCheckBindAddress: '127.0.0.1' });
        assert.equal(await proxy.firstSync, true, `${mode} mode synced`);
        assert.equal(proxy.stats().failures, 0);
      };
      const kubeChains = (): string[] => sh(['iptables-save']).split('\n').filter((l) => /^:KUBE-/.test(l)).map((l) => l.slice(1).split(' ')[0]!);
      const kubeRules = (): string[] => sh(['iptables-save']).split('\n').filter((l) => /-j KUBE-/.test(l));
      const nftTables = (): string => sh(['nft', 'list', 'tables']);

      await t.test('iptables mode serves the ClusterIP', async () => {
        await start('iptables');
        assert.ok(kubeChains().includes('KUBE-SERVICES'));
        assert.deepEqual(Object.keys(await spreadAsync(pod1, webURL, 10)).filter((k) => !/^pod[12]$/.test(k)), []);
      });

      await t.test('nftables mode: no iptables chain or jump of the iptables mode is left', async () => {
        await start('nftables');
        assert.deepEqual(kubeChains(), [], 'no KUBE-* chain');
        assert.deepEqual(kubeRules(), [], 'no jump to a KUBE-* chain');
        assert.match(nftTables(), /table ip kube-proxy/);
        assert.deepEqual(Object.keys(await spreadAsync(pod1, webURL, 10)).filter((k) => !/^pod[12]$/.test(k)), []);
      });

      await t.test('userspace mode: the nftables table is gone; only the portal chains exist', async () => {
        await start('userspace');
        assert.doesNotMatch(nftTables(), /kube-proxy/);
        assert.deepEqual(kubeChains().sort(), ['KUBE-NODEPORT-CONTAINER', 'KUBE-NODEPORT-HOST', 'KUBE-NODEPORT-NON-LOCAL', 'KUBE-PORTALS-CONTAINER', 'KUBE-PORTALS-HOST']);
        assert.match(sh(['iptables-save', '-t', 'nat']), new RegExp(`-A KUBE-PORTALS-CONTAINER -d ${web.spec!.clusterIP}/32 -p tcp -m comment --comment "?default/web:http"? -m tcp --dport 80 -j REDIRECT --to-ports \\d+`));
      });

      await t.test('userspace: a ClusterIP reaches both endpoints from a pod (REDIRECT) and from the node (DNAT)', async () => {
        const fromPod = await spreadAsync(pod1, webURL, 20);
        const fromNode = await spreadAsync(INNER_NODE, webURL, 20);
        t.diagnostic(`from pod1: ${JSON.stringify(fromPod)}; from the node: ${JSON.stringify(fromNode)}`);
        // Round robin over a shuffled list: 20 connections give 10 each.
        for (const c of [fromPod, fromNode]) assert.deepEqual(Object.keys(c).sort(), ['pod1', 'pod2'], JSON.stringify(c));
        assert.ok(Math.abs(fromPod['pod1']! - fromPod['pod2']!) <= 2, JSON.stringify(fromPod));
      });

      await t.test('userspace: a NodePort answers from a pod and from the node', async () => {
        const nodePort = web.spec!.ports![0]!.nodePort!;
        for (const from of [pod1, INNER_NODE]) {
          const c = await spreadAsync(from, `http://${NODE_IP}:${nodePort}/`, 4);
          assert.deepEqual(Object.keys(c).filter((k) => !/^pod[12]$/.test(k)), [], `from ${from}: ${JSON.stringify(c)}`);
        }
      });

      await t.test('userspace: externalTrafficPolicy Local sends NodePort traffic to this node\'s endpoint only; the ClusterIP to both', async () => {
        const viaNodePort = await spreadAsync(pod2, `http://${NODE_IP}:${local.spec!.ports![0]!.nodePort!}/`, 8);
        const viaClusterIP = await spreadAsync(pod2, `http://${local.spec!.clusterIP}/`, 8);
        t.diagnostic(`NodePort: ${JSON.stringify(viaNodePort)}; ClusterIP: ${JSON.stringify(viaClusterIP)}`);
        assert.deepEqual(viaNodePort, { pod1: 8 });
        assert.deepEqual(Object.keys(viaClusterIP).sort(), ['pod1', 'pod2']);
      });

      await t.test('userspace: sessionAffinity ClientIP keeps one endpoint per client', async () => {
        const a = await spreadAsync(pod1, `http://${sticky.spec!.clusterIP}/`, 10);
        const b = await spreadAsync(pod2, `http://${sticky.spec!.clusterIP}/`, 10);
        t.diagnostic(`pod1: ${JSON.stringify(a)}; pod2: ${JSON.stringify(b)}`);
        assert.equal(Object.keys(a).length, 1, JSON.stringify(a));
        assert.equal(Object.keys(b).length, 1, JSON.stringify(b));
        assert.match(Object.keys(a)[0]!, /^pod[12]$/);
      });

      await t.test('userspace: a service without endpoints accepts the connection, then closes it', async () => {
        const r = await new Promise<{ connected: boolean; data: string; ms: number }>((resolve) => {
          const started = Date.now();
          let connected = false;
          let data = '';
          const s = connect(80, empty.spec!.clusterIP!);
          s.setTimeout(5000, () => s.destroy());
          s.on('connect', () => { connected = true; s.write('GET / HTTP/1.0\r\n\r\n'); });
          s.setEncoding('utf8').on('data', (d: string) => { data += d; });
          s.on('error', () => undefined);
          s.on('close', () => resolve({ connected, data, ms: Date.now() - started }));
        });
        assert.equal(r.connected, true, 'accepted');
        assert.equal(r.data, '');
        assert.ok(r.ms < 2000, `closed at once (${r.ms} ms)`);
      });

      await t.test('userspace: UDP is relayed to the endpoint and back', async () => {
        udpEcho = spawn('ip', ['netns', 'exec', pod2, process.execPath, '-e',
          "const s=require('dgram').createSocket('udp4');s.on('message',(m,r)=>s.send('echo:'+m,r.port,r.address));s.bind(5353);"], { stdio: 'ignore' });
        const sock = createSocket('udp4');
        try {
          const reply = await new Promise<string | undefined>((resolve) => {
            const timer = setInterval(() => sock.send('ping', 53, dns.spec!.clusterIP!), 200);
            const done = setTimeout(() => { clearInterval(timer); resolve(undefined); }, 5000);
            sock.once('message', (m) => { clearInterval(timer); clearTimeout(done); resolve(m.toString()); });
          });
          assert.equal(reply, 'echo:ping');
        } finally {
          sock.close();
        }
      });

      await t.test('iptables mode again: the userspace chains and jumps are gone', async () => {
        await start('iptables');
        const chains = kubeChains();
        assert.ok(!chains.some((c) => c.startsWith('KUBE-PORTALS') || c.startsWith('KUBE-NODEPORT-')), chains.join(' '));
        assert.ok(!kubeRules().some((r) => /KUBE-PORTALS|KUBE-NODEPORT-(CONTAINER|HOST|NON-LOCAL)/.test(r)));
        assert.deepEqual(Object.keys(await spreadAsync(pod1, webURL, 6)).filter((k) => !/^pod[12]$/.test(k)), []);
      });
    } finally {
      await proxy?.stop();
      udpEcho?.kill('SIGKILL');
      await server?.stop();
    }
  });
}
