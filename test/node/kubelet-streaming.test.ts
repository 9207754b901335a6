/**
 * The kubelet's streaming routes and ephemeral containers end to end:
 * `k8ts server` and `k8ts agent` as processes with real containerd. Through
 * the kubelet's port, with a client certificate of the cluster CA, a SPDY
 * upgrade to /exec, /attach and /portForward gets containerd's 101 and a SPDY PING
 * written by hand comes back from containerd's streaming server; unknown
 * pods and containers, a request without an upgrade and a client without a
 * certificate are refused; the session gauge returns to 0 once the client
 * goes. A pod created with an ephemeral container targeting its app
 * container runs it in the app's PID namespace and reports its status.
 * Needs root, the README's packages and kubectl 1.35; says which are
 * missing and skips otherwise.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { connectCri } from '../../src/kubelet/index.js';
import { eventually } from '../harness/kubectl.js';
import { rawRequest, type Answer } from '../kubelet/server/raw-request.js';
import { BUSYBOX, createTestNode, nodeTestSkip } from './node-under-test.js';
import { freePort } from '../harness/free-port.js';

const skip = nodeTestSkip();


function httpsGet(host: string, port: number, path: string, ca: string, client: { certPem: string; keyPem: string }): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path, ca, servername: 'n1', cert: client.certPem, key: client.keyPem, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => { body += d; }).on('end', () => resolve(body));
    });
    req.on('error', reject).on('timeout', () => req.destroy(new Error(`GET ${path}: timeout`)));
    req.end();
  });
}

/** A SPDY/3 PING control frame (version 3, type 6, no flags, length 4) with an odd, client-side id. */
const SPDY_PING = Buffer.from([0x80, 0x03, 0x00, 0x06, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x01]);

/** The first `n` bytes the socket receives. */
function firstBytes(a: Answer, n: number, timeoutMs = 10_000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let got = Buffer.alloc(0);
    const timer = setTimeout(() => reject(new Error(`only ${got.length} of ${n} bytes within ${timeoutMs} ms`)), timeoutMs);
    a.socket.on('data', (d: Buffer) => {
      got = Buffer.concat([got, d]);
      if (got.length >= n) { clearTimeout(timer); resolve(got.subarray(0, n)); }
    });
  });
}

const SPDY = { Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': 'v4.channel.k8s.io' };

test('the kubelet relays exec and port-forward upgrades to containerd and runs ephemeral containers', { skip, timeout: 300_000 }, async (t) => {
  const port = await freePort();
  const testNode = createTestNode({
    name: 'kubelet-streaming', bridgeTag: 'x', kubeletPort: port,
    agentArgs: (server) => ['--client-ca-file', join(server.dataDir, 'tls', 'server-ca.crt')],
  });
  try {
    await testNode.start();
    await testNode.waitReady();
    const kubectl = testNode.kubectl;
    const tls = join(testNode.server.dataDir, 'tls');
    const client = { certPem: readFileSync(join(tls, 'client-admin.crt'), 'utf8'), keyPem: readFileSync(join(tls, 'client-admin.key'), 'utf8') };
    const node = JSON.parse(kubectl.ok(['get', 'node', 'n1', '-o', 'json'])) as Node;
    const nodeIP = node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address ?? '';
    assert.ok(nodeIP, 'InternalIP');
    // The kubelet's serving certificate is signed by the cluster CA.
    const servingCa = readFileSync(join(tls, 'server-ca.crt'), 'utf8');
    const ask = (method: string, path: string, headers: Record<string, string> = SPDY): Promise<Answer> =>
      rawRequest(nodeIP, port, servingCa, 'n1', method, path, headers, client);
    const inflight = async (path: string): Promise<number> => {
      const m = new RegExp(`^kubelet_http_inflight_requests\\{method="POST",path="${path}",server_type="readwrite",long_running="true"\\} (\\d+)$`, 'm')
        .exec(await httpsGet(nodeIP, port, '/metrics', servingCa, client));
      return Number(m?.[1] ?? -1);
    };

    // An ephemeral container in the spec at creation: upstream validation refuses that, ours lets it through.
    const pod: Pod = {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'sleeper', namespace: 'default' },
      spec: {
        terminationGracePeriodSeconds: 1,
        containers: [{ name: 'app', image: BUSYBOX, command: ['sleep', '3600'] }],
        ephemeralContainers: [{ name: 'debugger', image: BUSYBOX, command: ['sleep', '3601'], targetContainerName: 'app' }],
      },
    };
    kubectl.ok(['create', '-f', '-'], { input: JSON.stringify(pod) });
    const running = await eventually(() => {
      const p = testNode.getPod('sleeper');
      return p?.status?.phase === 'Running' && p.status.ephemeralContainerStatuses?.[0]?.state?.running ? p : undefined;
    }, 90_000, `sleeper Running with its ephemeral container; agent log:\n${testNode.logs()}`);
    for (const s of [...running!.status!.containerStatuses!, ...running!.status!.ephemeralContainerStatuses!]) testNode.ids.add(s.containerID!.slice('containerd://'.length));

    await t.test('the ephemeral container runs in its target\'s PID namespace and has its own status', async () => {
      const eph = running!.status!.ephemeralContainerStatuses![0]!;
      assert.equal(eph.name, 'debugger');
      assert.equal(eph.ready, false);
      assert.equal(running!.status!.containerStatuses!.length, 1, 'not among the app containers');
      const cri = connectCri(testNode.paths.containerdSocket);
      try {
        const id = eph.containerID!.slice('containerd://'.length);
        const r = await cri.runtime.execSync(id, ['cat', '/proc/1/cmdline'], 10);
        assert.equal(r.stdout.toString(), 'sleep\u00003600\u0000', 'PID 1 is the target\'s process, not the debugger\'s own (sleep 3601)');
      } finally {
        cri.close();
      }
    });

    await t.test('exec: containerd\'s 101 and its SPDY PING echo through the kubelet; the session ends with the client', async () => {
      const a = await ask('POST', '/exec/default/sleeper/app?command=echo&command=hi&output=1&error=1');
      assert.equal(a.status, 101, a.head);
      assert.match(a.head, /^X-Stream-Protocol-Version: v4\.channel\.k8s\.io$/im);
      assert.match(a.head, /^Upgrade: SPDY\/3\.1$/im);
      const echo = firstBytes(a, SPDY_PING.length);
      a.socket.write(SPDY_PING);
      assert.deepEqual(await echo, SPDY_PING, 'containerd echoes a PING whose id is the client\'s');
      assert.equal(await inflight('exec'), 1);
      a.socket.destroy();
      await eventually(async () => (await inflight('exec')) === 0, 10_000, 'the exec session gauge back to 0');
    });

    await t.test('exec into the ephemeral container, attach to the app and port-forward into the sandbox upgrade too', async () => {
      const e = await ask('POST', '/exec/default/sleeper/debugger?command=true&output=1');
      assert.equal(e.status, 101, e.head);
      e.socket.destroy();
      const at = await ask('POST', '/attach/default/sleeper/app?output=1&error=1');
      assert.equal(at.status, 101, at.head);
      at.socket.destroy();
      const uid = running!.metadata!.uid!;
      const p = await ask('POST', `/portForward/default/sleeper/${uid}`, { ...SPDY, 'X-Stream-Protocol-Version': 'portforward.k8s.io' });
      assert.equal(p.status, 101, p.head);
      assert.match(p.head, /^X-Stream-Protocol-Version: portforward\.k8s\.io$/im);
      p.socket.destroy();
      await eventually(async () => (await inflight('portForward')) === 0, 10_000, 'the port-forward session gauge back to 0');
    });

    await t.test('refusals: unknown pod, unknown container, no upgrade, no client certificate', async () => {
      const body = async (a: Promise<Answer>): Promise<[number, string]> => { const r = await a; return [r.status, r.body]; };
      assert.deepEqual(await body(ask('POST', '/exec/default/nope/app?command=true&output=1')), [404, 'pod does not exist\n']);
      assert.deepEqual(await body(ask('POST', '/exec/default/sleeper/nope?command=true&output=1')), [500, 'container not found ("nope")\n']);
      assert.deepEqual(await body(ask('POST', '/exec/default/sleeper/app?command=true&output=1', {})), [500, 'Upgrade request required\n']);
      assert.deepEqual(await body(ask('POST', '/portForward/default/sleeper/not-its-uid', { ...SPDY, 'X-Stream-Protocol-Version': 'portforward.k8s.io' })), [404, 'pod not found\n']);
      const anonymous = await rawRequest(nodeIP, port, servingCa, 'n1', 'POST', '/exec/default/sleeper/app?command=true&output=1', SPDY);
      assert.deepEqual([anonymous.status, anonymous.body], [401, 'Unauthorized\n']);
      await eventually(async () => (await inflight('exec')) === 0, 10_000, 'no session left');
    });

    await t.test('deleting the pod stops the ephemeral container with the rest', async () => {
      kubectl.ok(['delete', 'pod', 'sleeper', '--wait=true', '--timeout=60s']);
      const cri = connectCri(testNode.paths.containerdSocket);
      try {
        const left = await cri.runtime.listContainers({ state: { state: 'CONTAINER_RUNNING' }, labelSelector: { 'io.kubernetes.pod.uid': running!.metadata!.uid! } });
        assert.deepEqual(left.map((c) => c.labels['io.kubernetes.container.name']), []);
      } finally {
        cri.close();
      }
    });
  } finally {
    await testNode.cleanup();
  }
});
