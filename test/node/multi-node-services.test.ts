/**
 * Issue 14's Services, DNS, LoadBalancer and node-failure milestone on a
 * server and two agents wired as separate hosts (test/harness/multi-node.ts,
 * flannel host-gw): for each kube-proxy mode the agents run (they are
 * restarted into the next mode, which must clean up the previous one's
 * rules), a ClusterIP and a NodePort reach pods on both nodes, traffic
 * spreads, an unready pod stops getting traffic, ClientIP affinity holds and
 * externalTrafficPolicy Local keeps the client's address. Then, from a
 * busybox pod, the cluster DNS answers service, headless, ExternalName and
 * outside names (forwarded to a DNS server the test runs); a LoadBalancer
 * Service gets the nodes' IPs and answers there; after kill -9 of an agent
 * its node goes NotReady, its pod is recreated on the other node and the
 * Service routes only to the live one. Needs root, the node packages,
 * iptables (and nft for that mode) and kubectl 1.35; skips saying which are missing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { connect } from 'node:net';
import type { Pod, Service } from 'kubernetes-types/core/v1.js';
import { createMultiNodeCluster, type AgentHost, type MultiNodeCluster } from '../harness/multi-node.js';
import { eventually } from '../harness/kubectl.js';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { findExecutable } from '../../src/kubelet/index.js';
import { BUSYBOX, nodeTestSkip } from './node-under-test.js';

const skip = nodeTestSkip([['iptables', 'iptables'], ['bridge', 'iproute2'], ['nsenter', 'util-linux']]);

/** The modes this machine can run (nftables needs the nft binary); K8TS_TEST_PROXY_MODES=a,b narrows them. */
const MODES: string[] = process.env['K8TS_TEST_PROXY_MODES']?.split(',') ?? ['iptables', ...(findExecutable('nft') ? ['nftables'] : []), 'userspace'];
if (!findExecutable('nft')) console.error('multi-node-services: nftables mode not tested: no nft binary (apt-get install nftables)');

/** busybox httpd whose /cgi-bin/id answers `<pod name> <client address>`. */
const WEB = ['sh', '-c', [
  'mkdir -p /www/cgi-bin',
  `printf '#!/bin/sh\\necho Content-Type: text/plain\\necho\\necho "$(hostname) $REMOTE_ADDR"\\n' > /www/cgi-bin/id`,
  'chmod +x /www/cgi-bin/id',
  'touch /tmp/ready',
  'trap "exit 0" TERM',
  'httpd -f -p 8080 -h /www & wait',
].join('; ')];

const manifests = (n1: string): unknown[] => [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } },
  {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'other' },
    spec: {
      replicas: 2, selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          terminationGracePeriodSeconds: 1,
          topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'web' } } }],
          containers: [{
            name: 'web', image: BUSYBOX, command: WEB,
            readinessProbe: { exec: { command: ['test', '-f', '/tmp/ready'] }, periodSeconds: 1, failureThreshold: 1 },
          }],
        },
      },
    },
  },
  svc('web', 'other', { ports: [{ port: 80, targetPort: 8080 }] }),
  svc('web-np', 'other', { type: 'NodePort', ports: [{ port: 80, targetPort: 8080 }] }),
  svc('web-local', 'other', { type: 'NodePort', externalTrafficPolicy: 'Local', ports: [{ port: 80, targetPort: 8080 }] }),
  svc('web-lb', 'other', { type: 'LoadBalancer', ports: [{ port: 8888, targetPort: 8080 }] }),
  svc('web-h', 'other', { clusterIP: 'None', ports: [{ name: 'http', port: 8080 }] }),
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 'ext', namespace: 'default' }, spec: { type: 'ExternalName', externalName: 'site.example.test' } },
  clientPod('client', 'default', n1),
  clientPod('client', 'other', n1),
];

/** The test's upstream DNS server in a process of its own: this thread blocks in kubectl runs. */
async function startUpstreamProcess(host: string): Promise<{ seen: string[]; close(): void }> {
  const child = spawn(process.execPath, [fileURLToPath(new URL('../dns/test-upstream-process.js', import.meta.url)), host, '53'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const seen: string[] = [];
  let buf = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    buf += d;
    const lines = buf.split('\n');
    buf = lines.pop()!;
    seen.push(...lines.filter((l) => !l.startsWith('ready ')));
  });
  await once(child.stdout!, 'data');
  return { seen, close: () => child.stdin!.end() };
}

function svc(name: string, namespace: string, spec: Service['spec']): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { selector: { app: 'web' }, ...spec } };
}

function clientPod(name: string, namespace: string, nodeName: string): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace },
    spec: { nodeName, terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image: BUSYBOX, command: ['sh', '-c', 'trap "exit 0" TERM; sleep 100000 & wait'] }] },
  };
}

/** `n` answers of GET /cgi-bin/id at ip:port from inside a pod, as `<pod> <client address>` lines (failed tries are empty). */
function getFromPod(c: MultiNodeCluster, pod: string, ns: string, ip: string, port: number, n: number): string[] {
  const r = c.kubectl.run(['exec', '-n', ns, pod, '--', 'sh', '-c',
    `for i in $(seq ${n}); do printf 'GET /cgi-bin/id HTTP/1.0\\r\\n\\r\\n' | nc -w 3 ${ip} ${port} | tail -n 1; echo; done`], { timeoutMs: 120_000 });
  return r.stdout.split('\n').filter((l) => l.trim()).map((l) => normalize(l.trim()));
}

/** GET /cgi-bin/id at ip:port from this host (the server's machine, on the nodes' LAN); '' on failure. */
function getFromHost(ip: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = connect({ host: ip, port, timeout: 3000 });
    let out = '';
    s.on('connect', () => s.write('GET /cgi-bin/id HTTP/1.0\r\n\r\n'));
    s.on('data', (d: Buffer) => { out += d.toString(); });
    s.on('end', () => resolve(normalize(out.split(/\r?\n\r?\n/)[1]?.trim() ?? '')));
    s.on('timeout', () => { s.destroy(); resolve(''); });
    s.on('error', () => resolve(''));
  });
}

async function getManyFromHost(ip: string, port: number, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(await getFromHost(ip, port));
  return out;
}

/** `<pod> [::ffff:a.b.c.d]` as `<pod> a.b.c.d`. */
function normalize(line: string): string {
  return line.replace(/\[(?:::ffff:)?([^\]]*)\]/, '$1');
}

const podsOf = (lines: string[]): Set<string> => new Set(lines.map((l) => l.split(' ')[0]!).filter(Boolean));

function webPods(c: MultiNodeCluster): Pod[] {
  return (JSON.parse(c.kubectl.ok(['get', 'pods', '-n', 'other', '-l', 'app=web', '-o', 'json'])) as { items: Pod[] }).items;
}

function service(c: MultiNodeCluster, name: string): Service {
  return JSON.parse(c.kubectl.ok(['get', 'svc', '-n', 'other', name, '-o', 'json'])) as Service;
}

test('Services in every kube-proxy mode, cluster DNS, LoadBalancer and a node that dies, on two agents', { skip, timeout: 1_800_000 }, async (t) => {
  // The host's nameserver for the cluster DNS to forward to: a DNS server of the test's own on a loopback address of its own.
  const upstreamHost = `127.${randomInt(1, 250)}.${randomInt(1, 250)}.${randomInt(1, 250)}`;
  const upstream = await startUpstreamProcess(upstreamHost);
  const c = createMultiNodeCluster({
    name: 'svc', agents: 2, topology: 'l2', flannelBackend: 'host-gw', agentArgs: ['--proxy-mode', MODES[0]!],
    // A node is NotReady after 25 s without a Lease renewal (agents renew every 10 s), and its pods are evicted 5 s later.
    serverArgs: ['--node-monitor-grace-period', '25s', '--default-unreachable-toleration-seconds', '5', '--default-not-ready-toleration-seconds', '5'],
    resolvConf: `nameserver ${upstreamHost}\n`,
  });
  const [a, b] = c.agents as [AgentHost, AgentHost];
  try {
    await c.start();
    await c.waitReady();
    c.kubectl.ok(['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: manifests(a.nodeName) }) });
    c.kubectl.ok(['rollout', 'status', '-n', 'other', 'deployment/web', '--timeout=180s']);
    await eventually(() => c.kubectl.run(['get', 'pod', '-n', 'other', 'client', '-o', 'jsonpath={.status.phase}']).stdout === 'Running', 120_000, 'client pods Running');
    await eventually(() => c.kubectl.run(['get', 'pod', '-n', 'default', 'client', '-o', 'jsonpath={.status.phase}']).stdout === 'Running', 120_000, 'client pods Running');
    const pods = webPods(c);
    const onNode = (n: AgentHost): Pod => pods.find((p) => p.spec?.nodeName === n.nodeName)!;
    assert.ok(onNode(a) && onNode(b), `one web pod per node: ${pods.map((p) => `${p.metadata?.name}@${p.spec?.nodeName}`).join(', ')}`);
    const clientIP = c.kubectl.ok(['get', 'pod', '-n', 'default', 'client', '-o', 'jsonpath={.status.podIP}']);

    for (const [i, mode] of MODES.entries()) {
      await t.test(`kube-proxy ${mode}`, async (tm) => {
        if (i > 0) {
          for (const n of [a, b]) await n.restart(['--proxy-mode', mode]);
          await c.waitReady();
          // A restarted kubelet listens on a new port (--kubelet-port 0): exec works once its Node says which.
          for (const p of webPods(c)) {
            await eventually(() => c.kubectl.run(['exec', '-n', 'other', p.metadata!.name!, '--', 'true']).status === 0 || undefined, 60_000, `exec in ${p.metadata!.name} after the restart`);
          }
          const previous = MODES[i - 1]!;
          await tm.test(`switching from ${previous} leaves none of its rules`, async () => {
            for (const n of [a, b]) {
              await eventually(() => {
                const ipt = n.exec(['iptables-save']);
                const gone = previous === 'iptables' ? !/KUBE-SVC-|KUBE-SERVICES/.test(ipt)
                  : previous === 'userspace' ? !/KUBE-PORTALS/.test(ipt)
                    : !n.exec(['nft', 'list', 'tables']).includes('kube-proxy');
                return gone || undefined;
              }, 60_000, `${previous} rules gone on ${n.nodeName}`);
            }
          });
        }
        const clusterIP = service(c, 'web').spec!.clusterIP!;
        await tm.test('a ClusterIP reaches pods on both nodes, without NAT, spread over them', async () => {
          const lines = await eventually(() => {
            const got = getFromPod(c, 'client', 'default', clusterIP, 80, 20);
            return podsOf(got).size === 2 && got.length === 20 ? got : undefined;
          }, 90_000, `20 answers from both pods through ${clusterIP}`);
          const seen = lines!.map((l) => l.split(' ')[1]);
          tm.diagnostic(`${mode}: ${[...podsOf(lines!)].map((p) => `${p}: ${lines!.filter((l) => l.startsWith(`${p} `)).length}`).join(', ')}`);
          if (mode !== 'userspace') assert.ok(seen.every((ip) => ip === clientIP), `the pods see the client pod's IP ${clientIP}: ${seen.join(' ')}`);
        });
        await tm.test('a NodePort on either node reaches pods on both nodes', async () => {
          const nodePort = service(c, 'web-np').spec!.ports![0]!.nodePort!;
          for (const n of [a, b]) {
            await eventually(async () => podsOf(await getManyFromHost(n.nodeIP, nodePort, 16)).size === 2 || undefined, 60_000, `NodePort ${n.nodeIP}:${nodePort}`);
          }
        });
        await tm.test('a pod that becomes unready stops getting traffic', async () => {
          const gone = onNode(b).metadata!.name!;
          c.kubectl.ok(['exec', '-n', 'other', gone, '--', 'rm', '/tmp/ready']);
          try {
            await eventually(() => {
              const got = getFromPod(c, 'client', 'default', clusterIP, 80, 12);
              return got.length === 12 && !podsOf(got).has(gone) ? true : undefined;
            }, 60_000, `no traffic to unready ${gone}`);
          } finally {
            c.kubectl.ok(['exec', '-n', 'other', gone, '--', 'touch', '/tmp/ready']);
          }
          await eventually(() => podsOf(getFromPod(c, 'client', 'default', clusterIP, 80, 16)).size === 2 || undefined, 60_000, `${gone} back in rotation`);
        });
        await tm.test('sessionAffinity ClientIP keeps a client on one pod', async () => {
          c.kubectl.ok(['patch', 'svc', '-n', 'other', 'web', '-p', '{"spec":{"sessionAffinity":"ClientIP"}}']);
          try {
            await eventually(() => {
              const got = getFromPod(c, 'client', 'default', clusterIP, 80, 12);
              return got.length === 12 && podsOf(got).size === 1 ? true : undefined;
            }, 60_000, '12 answers from one pod');
          } finally {
            c.kubectl.ok(['patch', 'svc', '-n', 'other', 'web', '-p', '{"spec":{"sessionAffinity":"None"}}']);
          }
        });
        await tm.test('externalTrafficPolicy Local keeps the client\'s IP', async () => {
          const nodePort = service(c, 'web-local').spec!.ports![0]!.nodePort!;
          const line = await eventually(async () => (await getFromHost(a.nodeIP, nodePort)) || undefined, 60_000, `web-local on ${a.nodeIP}:${nodePort}`);
          assert.equal(line!.split(' ')[0], onNode(a).metadata!.name, 'answered by the pod on that node');
          assert.equal(line!.split(' ')[1], c.serverIP, 'the pod sees this host\'s address, not a node\'s');
        });
      });
    }

    await t.test('cluster DNS from a busybox pod', async (td) => {
      const lookup = (ns: string, name: string): string => {
        const r = c.kubectl.run(['exec', '-n', ns, 'client', '--', 'nslookup', name], { timeoutMs: 30_000 });
        return `${r.stdout}${r.stderr}(exit ${r.status})`;
      };
      const clusterIP = service(c, 'web').spec!.clusterIP!;
      // busybox's nslookup applies the search list only to names without a dot; wget resolves through the C library, which applies it with ndots:5.
      await td.test('web (from its namespace), web.other.svc.cluster.local; web.other below, through wget', async () => {
        await eventually(() => lookup('other', 'web').includes(clusterIP) || undefined, 60_000, 'web from other');
        assert.match(lookup('default', 'web.other.svc.cluster.local'), new RegExp(`Address: ${clusterIP.replace(/\./g, '\\.')}`));
      });
      await td.test('a headless Service\'s pods by name', async () => {
        for (const p of webPods(c)) {
          assert.match(lookup('default', `${p.metadata!.name}.web-h.other.svc.cluster.local`), new RegExp(`Address: ${p.status!.podIP!.replace(/\./g, '\\.')}`));
        }
      });
      await td.test('an ExternalName, and a name outside the cluster forwarded to the host\'s nameserver', async () => {
        const ext = lookup('default', 'ext.default.svc.cluster.local');
        assert.match(ext, /site\.example\.test/);
        assert.match(ext, /192\.0\.2\.1/);
        assert.match(lookup('default', 'other.example.test'), /Address: 192\.0\.2\.1/);
        await eventually(() => upstream.seen.some((q) => q.startsWith('other.example.test A')) || undefined, 5_000, `the host's nameserver asked (saw ${upstream.seen.join(', ')})`);
      });
      await td.test('wget http://web.other works (web.other through the search list)', () => {
        const r = c.kubectl.run(['exec', '-n', 'default', 'client', '--', 'wget', '-q', '-O', '-', 'http://web.other/cgi-bin/id'], { timeoutMs: 30_000 });
        assert.equal(r.status, 0, `wget: ${r.stdout}${r.stderr}`);
        assert.match(r.stdout, /^web-/);
      });
    });

    await t.test('a LoadBalancer Service gets the nodes\' IPs and answers on them', async () => {
      const ips = await eventually(() => {
        const ingress = service(c, 'web-lb').status?.loadBalancer?.ingress?.map((x) => x.ip ?? '').sort();
        return ingress && ingress.length === 2 ? ingress : undefined;
      }, 60_000, 'web-lb ingress');
      assert.deepEqual(ips, [a.nodeIP, b.nodeIP].sort());
      assert.match(c.kubectl.ok(['get', 'svc', '-n', 'other', 'web-lb']), new RegExp(`${a.nodeIP.replace(/\./g, '\\.')}`));
      for (const ip of ips!) await eventually(async () => (await getFromHost(ip, 8888)).startsWith('web-') || undefined, 60_000, `web-lb on ${ip}:8888`);
    });

    await t.test('kill -9 of an agent: its node goes NotReady, its pod comes back on the other node, the Service routes only to live pods', async () => {
      const dead = onNode(b).metadata!.name!;
      await b.kill();
      await eventually(() => c.kubectl.run(['get', 'node', b.nodeName, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}']).stdout !== 'True' || undefined,
        60_000, `${b.nodeName} NotReady`);
      const replacement = await eventually(() => webPods(c).find((p) => p.spec?.nodeName === a.nodeName && p.metadata?.name !== onNode(a).metadata?.name
        && p.status?.conditions?.find((x) => x.type === 'Ready')?.status === 'True'), 120_000, 'a replacement pod Ready on the live node');
      assert.ok(replacement);
      const clusterIP = service(c, 'web').spec!.clusterIP!;
      let last: string[] = [];
      await eventually(() => {
        last = getFromPod(c, 'client', 'default', clusterIP, 80, 12);
        const live = new Set(webPods(c).filter((p) => p.spec?.nodeName === a.nodeName).map((p) => p.metadata!.name!));
        return last.length === 12 && [...podsOf(last)].every((p) => live.has(p)) ? true : undefined;
      }, 90_000, `12 answers, all from pods on ${a.nodeName}, none from ${dead}`).catch((err: Error) => {
        throw new Error(`${err.message}; last answers: ${last.join(', ')}\n${c.kubectl.run(['get', 'endpointslices', '-n', 'other', '-l', 'kubernetes.io/service-name=web', '-o', 'yaml']).stdout}`
          + `\n${c.kubectl.run(['get', 'pods', '-n', 'other', '-o', 'wide']).stdout}`);
      });
    });
  } finally {
    await c.cleanup();
    upstream.close();
  }
  assert.deepEqual(c.leftovers(), []);
});
