/**
 * Issue 14's multi-node milestone: a server and two agents on one machine,
 * each agent in its own network namespace with its own containerd, wired as
 * separate hosts (test/harness/multi-node.ts). With flannel host-gw (nodes
 * on one L2 subnet) and vxlan (nodes on different subnets routed through
 * the host, where host-gw cannot work) a pod on node 1 reaches a pod on
 * node 2 by its pod IP and node 2's pod sees node 1's pod IP as the source
 * (no NAT); a pod reaches the other node's IP (masqueraded to its node's);
 * teardown leaves no namespace, link, mount or process. Needs root, the
 * node test packages, iptables and kubectl 1.35; skips saying which are missing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { createMultiNodeCluster, type AgentHost, type MultiNodeCluster, type Topology } from '../harness/multi-node.js';
import { eventually } from '../harness/kubectl.js';
import { BUSYBOX, nodeTestSkip } from './node-under-test.js';

const skip = nodeTestSkip([['iptables', 'iptables'], ['bridge', 'iproute2'], ['nsenter', 'util-linux']]);

/** busybox httpd whose /cgi-bin/ip answers the client address it sees (CGI's REMOTE_ADDR, `[::ffff:a.b.c.d]` on its dual-stack socket). */
const WHO_AM_I = (port: number): string[] => ['sh', '-c', [
  'mkdir -p /www/cgi-bin',
  `printf '#!/bin/sh\\necho Content-Type: text/plain\\necho\\necho "$REMOTE_ADDR"\\n' > /www/cgi-bin/ip`,
  'chmod +x /www/cgi-bin/ip',
  'trap "exit 0" TERM',
  `httpd -f -p ${port} -h /www & wait`,
].join('; ')];

function podOn(name: string, node: AgentHost, opts: { hostNetwork?: boolean; port: number }): string {
  return JSON.stringify({
    apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app: name } },
    spec: {
      nodeName: node.nodeName, terminationGracePeriodSeconds: 1, ...(opts.hostNetwork ? { hostNetwork: true } : {}),
      containers: [{ name: 'web', image: BUSYBOX, command: WHO_AM_I(opts.port) }],
    },
  });
}

async function runningPod(c: MultiNodeCluster, name: string): Promise<Pod> {
  return (await eventually(() => {
    const r = c.kubectl.run(['get', 'pod', name, '-o', 'json']);
    const pod = r.status === 0 ? JSON.parse(r.stdout) as Pod : undefined;
    const ready = pod?.status?.conditions?.find((x) => x.type === 'Ready')?.status === 'True';
    if (ready && pod?.status?.podIP) {
      const id = pod.status.containerStatuses?.[0]?.containerID;
      if (id) c.ids.add(id.slice('containerd://'.length));
      return pod;
    }
    return undefined;
  }, 120_000, `pod ${name} Running and Ready`).catch((err: Error) => {
    throw new Error(`${err.message}\n${c.kubectl.run(['describe', 'pod', name]).stdout}\nlogs:\n${c.logs().slice(-6000)}`);
  }))!;
}

/**
 * The body of a 200 answer to GET `path` at ip:port, from inside `pod`,
 * retried for a while (flannel programs routes within its resync). busybox
 * nc, since the static busybox's wget crashes in a container without NSS.
 */
/** a.b.c.d from the CGI's `[::ffff:a.b.c.d]`. */
function remoteAddr(text: string): string {
  return text.replace(/^\[(?:::ffff:)?([^\]]*)\]$/, '$1');
}

async function httpGetFrom(c: MultiNodeCluster, pod: string, ip: string, port: number, path: string): Promise<string> {
  let last = '';
  return (await eventually(() => {
    const r = c.kubectl.run(['exec', pod, '--', 'sh', '-c', `printf 'GET ${path} HTTP/1.0\\r\\n\\r\\n' | nc -w 3 ${ip} ${port}`], { timeoutMs: 15_000 });
    last = `${r.status} ${r.stdout}${r.stderr}`;
    const [head, ...body] = r.stdout.split(/\r?\n\r?\n/);
    return r.status === 0 && /^HTTP\/1\.[01] 200/.test(head ?? '') ? body.join('\n\n').trim() : undefined;
  }, 60_000, `GET http://${ip}:${port}${path} from ${pod}`).catch((err: Error) => { throw new Error(`${err.message}; last: ${last}`); }))!;
}

const modes: Array<{ backend: 'host-gw' | 'vxlan'; topology: Topology }> = [
  { backend: 'host-gw', topology: 'l2' },
  { backend: 'vxlan', topology: 'routed' },
];

for (const { backend, topology } of modes) {
  test(`flannel ${backend}: pods on two agents reach each other by pod IP, without NAT (${topology} nodes)`, { skip, timeout: 900_000 }, async (t) => {
    const c = createMultiNodeCluster({ name: `mn-${backend}`, agents: 2, topology, flannelBackend: backend });
    const [a, b] = c.agents as [AgentHost, AgentHost];
    try {
      await c.start();

      await t.test('both nodes go Ready with their podCIDRs and flannel\'s annotations', async () => {
        await c.waitReady();
        for (const n of [a, b]) {
          const node = await eventually(() => {
            const got = JSON.parse(c.kubectl.ok(['get', 'node', n.nodeName, '-o', 'json'])) as Node;
            return got.metadata?.annotations?.['flannel.alpha.coreos.com/public-ip'] ? got : undefined;
          }, 60_000, `flannel annotations on ${n.nodeName}`);
          const ann = node!.metadata!.annotations!;
          assert.equal(node!.spec?.podCIDR, n.podCidr);
          assert.equal(ann['flannel.alpha.coreos.com/public-ip'], n.nodeIP);
          assert.equal(ann['flannel.alpha.coreos.com/backend-type'], backend);
          assert.equal(ann['flannel.alpha.coreos.com/kube-subnet-manager'], 'true');
          if (backend === 'vxlan') {
            const mac = (JSON.parse(ann['flannel.alpha.coreos.com/backend-data']!) as { VtepMAC: string }).VtepMAC;
            assert.equal(mac, JSON.parse(n.exec(['ip', '-j', 'link', 'show', 'flannel.1']))[0].address, 'VtepMAC is flannel.1\'s MAC');
          }
        }
      });

      await t.test(`flannel programmed node 1's kernel for node 2's podCIDR (${backend})`, async () => {
        const route = await eventually(() => a.exec(['ip', '-4', 'route', 'show', b.podCidr]).trim() || undefined, 60_000, `a route to ${b.podCidr} on ${a.nodeName}`);
        if (backend === 'host-gw') {
          assert.match(route!, new RegExp(`^${b.podCidr.replace(/\./g, '\\.')} via ${b.nodeIP.replace(/\./g, '\\.')} dev eth0`));
        } else {
          const net = b.podCidr.split('/')[0]!;
          assert.match(route!, new RegExp(`via ${net.replace(/\./g, '\\.')} dev flannel\\.1 onlink`));
          const mac = (JSON.parse(c.kubectl.ok(['get', 'node', b.nodeName, '-o', 'jsonpath={.metadata.annotations.flannel\\.alpha\\.coreos\\.com/backend-data}'])) as { VtepMAC: string }).VtepMAC;
          assert.match(a.exec(['ip', 'neigh', 'show', 'dev', 'flannel.1']), new RegExp(`${net.replace(/\./g, '\\.')} lladdr ${mac} PERMANENT`));
          assert.match(a.exec(['bridge', 'fdb', 'show', 'dev', 'flannel.1']), new RegExp(`${mac} dst ${b.nodeIP.replace(/\./g, '\\.')} self permanent`));
        }
        const nat = a.exec(['iptables', '-t', 'nat', '-S', 'FLANNEL-POSTRTG']);
        assert.match(nat, new RegExp(`-A FLANNEL-POSTRTG -s ${a.podCidr} -d ${c.clusterCidr} .*-j RETURN`));
        assert.doesNotMatch(a.exec(['iptables', '-t', 'nat', '-S', 'POSTROUTING']), /CNI-/, 'the bridge plugin masquerades nothing');
      });

      let ipA = '';
      let ipB = '';
      await t.test('a pod on node 1 reaches a pod on node 2 by pod IP, and node 2\'s pod sees node 1\'s pod IP', async () => {
        c.kubectl.ok(['apply', '-f', '-'], { input: podOn('web-a', a, { port: 8080 }) });
        c.kubectl.ok(['apply', '-f', '-'], { input: podOn('web-b', b, { port: 8080 }) });
        const [pa, pb] = [await runningPod(c, 'web-a'), await runningPod(c, 'web-b')];
        ipA = pa.status!.podIP!;
        ipB = pb.status!.podIP!;
        assert.equal(pa.spec?.nodeName, a.nodeName);
        assert.ok(ipA.startsWith(a.podCidr.replace(/0\/24$/, '')), `${ipA} in ${a.podCidr}`);
        assert.ok(ipB.startsWith(b.podCidr.replace(/0\/24$/, '')), `${ipB} in ${b.podCidr}`);
        const started = Date.now();
        assert.equal(remoteAddr(await httpGetFrom(c, 'web-a', ipB, 8080, '/cgi-bin/ip')), ipA, 'the source IP node 2\'s pod sees is node 1\'s pod IP');
        t.diagnostic(`pod ${ipA} -> pod ${ipB} answered after ${Date.now() - started} ms`);
        assert.equal(remoteAddr(await httpGetFrom(c, 'web-b', ipA, 8080, '/cgi-bin/ip')), ipB, 'and back');
      });

      await t.test('a pod reaches the other node\'s IP, masqueraded to its own node\'s', async () => {
        const port = 20000 + Math.floor(Math.random() * 10000);
        c.kubectl.ok(['apply', '-f', '-'], { input: podOn('host-b', b, { hostNetwork: true, port }) });
        await runningPod(c, 'host-b');
        assert.equal(remoteAddr(await httpGetFrom(c, 'web-a', b.nodeIP, port, '/cgi-bin/ip')), a.nodeIP);
      });

      if (backend === 'vxlan') {
        await t.test('the nodes share no subnet: a host-gw route between them is refused as not on-link', async () => {
          const out = (() => {
            try { return a.exec(['ip', 'route', 'replace', '10.255.255.0/24', 'via', b.nodeIP]); } catch (e) { return String((e as { stderr?: string }).stderr); }
          })();
          assert.match(out, /invalid gateway|unreachable/i, 'the topology really has no shared L2 subnet');
        });
      }

      await t.test('a deleted node\'s routes go from the other node', async () => {
        assert.equal(await b.stop(), 0, 'node 2\'s agent stops cleanly');
        c.kubectl.ok(['delete', 'node', b.nodeName, '--wait=false']);
        await eventually(() => a.exec(['ip', '-4', 'route', 'show', b.podCidr]).trim() === '', 60_000, `the route to ${b.podCidr} removed on ${a.nodeName}`);
        if (backend === 'vxlan') {
          const net = b.podCidr.split('/')[0]!;
          // The same pass deletes the route, then the neighbour, then the FDB entry.
          await eventually(() => !new RegExp(`^${net.replace(/\./g, '\\.')} `, 'm').test(a.exec(['ip', 'neigh', 'show', 'dev', 'flannel.1'])), 10_000, 'its neighbour entry removed');
          await eventually(() => !a.exec(['bridge', 'fdb', 'show', 'dev', 'flannel.1']).includes(`dst ${b.nodeIP} `), 10_000, 'its FDB entry removed');
        }
      });
    } finally {
      await c.cleanup();
    }
    assert.deepEqual(c.leftovers(), [], 'teardown leaves nothing');
  });
}

test('flannel host-gw between nodes on different subnets: a log line names the node and the refused command; the agent runs on', { skip, timeout: 300_000 }, async () => {
  const c = createMultiNodeCluster({ name: 'mn-hostgw-routed', agents: 2, topology: 'routed', flannelBackend: 'host-gw' });
  const [a, b] = c.agents as [AgentHost, AgentHost];
  try {
    await c.start();
    let exited = false;
    void a.exit.then(() => { exited = true; });
    await c.waitReady();
    const command = `ip route replace ${b.podCidr} via ${b.nodeIP}`;
    const line = await eventually(() => a.logs().split('\n').find((l) => l.includes(`"command":"${command}"`)), 60_000, `a log line for ${command}`);
    const entry = JSON.parse(line!) as { level: string; node: string; msg: string; err: string };
    assert.equal(entry.level, 'error');
    assert.equal(entry.node, b.nodeName);
    assert.match(entry.msg, new RegExp(`^flannel could not program the route to node ${b.nodeName}: host-gw needs every node on one L2 network`));
    assert.match(entry.err, /invalid gateway/i);
    assert.equal(a.exec(['ip', '-4', 'route', 'show', b.podCidr]).trim(), '', 'no half-programmed route');
    assert.equal(exited, false, 'the agent did not crash');
  } finally {
    await c.cleanup();
  }
  assert.deepEqual(c.leftovers(), [], 'teardown leaves nothing');
});
