/**
 * The API server reaching a real kubelet: `k8ts server` with its own node
 * (real containerd, runc, CNI), driven by kubectl 1.35. The kubelet's
 * serving certificate is signed by the cluster CA and verified by the API
 * server, which presents its kubelet client certificate; `kubectl logs`
 * (and -f, --tail, --timestamps) streams the container's log through it,
 * and a follower that goes frees the connection to the kubelet;
 * nodes/proxy reaches the kubelet, pods/proxy and services/proxy the pod.
 * exec, attach and port-forward through a real kubelet need its streaming
 * routes (another branch): not tested here. Needs root, the README's
 * packages and kubectl 1.35; skips otherwise.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes, X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { buildBusyboxImage, findExecutable, missingNodeRequirements, nodePaths } from '../../src/kubelet/index.js';
import { findKubectl } from '../harness/clients.js';
import { Kubectl, eventually } from '../harness/kubectl.js';
import { startServer, type RunningServer } from '../harness/server.js';
import { removeLeftovers } from './leftovers.js';
import { freeSubnetPrefix } from './pod-network.js';
import { freePort } from '../harness/free-port.js';

const missing = missingNodeRequirements();
if (!findExecutable('ip')) missing.push('ip (apt-get install iproute2)');
const kubectlBin = findKubectl(35);
if (!kubectlBin.path) missing.push(kubectlBin.reason ?? 'kubectl 1.35');
const skip = missing.length > 0 ? `needs ${missing.join('; ')}` : false;

const BUSYBOX = 'docker.io/k8ts-test/busybox:1';

test('the API server streams logs from a real kubelet and proxies to nodes, pods and services', { skip, timeout: 300_000 }, async (t) => {
  const bridge = `k8tsa${randomBytes(3).toString('hex')}`;
  const dir = mkdtempSync('/tmp/k8ts-apiserver-streaming-');
  const serverData = join(dir, 'server');
  const paths = nodePaths(serverData, { runDir: join(dir, 'run') });
  const prefix = freeSubnetPrefix();
  const ids = new Set<string>();
  let server: RunningServer | undefined;
  try {
    mkdirSync(paths.imagesDir, { recursive: true });
    writeFileSync(join(paths.imagesDir, 'busybox.tar'), buildBusyboxImage(BUSYBOX).archive);
    server = await startServer({
      agent: true, dataDir: serverData, timeoutMs: 90_000,
      args: ['--node-name', 's1', '--run-dir', join(dir, 'run'), '--pod-cidr', `${prefix}.0/24`, '--cni-bridge', bridge,
        '--pod-logs-dir', join(dir, 'pods'), '--stream-server-port', String(await freePort('127.0.0.1')), '--kubelet-port', '0'],
    });
    const k = new Kubectl(kubectlBin.path!, server.kubeconfig);
    await eventually(() => k.ok(['get', 'node', 's1', '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}']) === 'True', 60_000, 'node s1 Ready');
    k.ok(['run', 'talker', `--image=${BUSYBOX}`, '--port=8080', '--', 'sh', '-c',
      'mkdir -p /www && echo served > /www/index.html && httpd -p 8080 -h /www; i=0; while true; do i=$((i+1)); echo line $i; sleep 0.3; done']);
    await eventually(() => k.ok(['get', 'pod', 'talker', '-o', 'jsonpath={.status.phase}']) === 'Running', 90_000, 'talker Running');
    const pod = JSON.parse(k.ok(['get', 'pod', 'talker', '-o', 'json'])) as Pod;
    for (const s of pod.status?.containerStatuses ?? []) if (s.containerID) ids.add(s.containerID.replace(/^containerd:\/\//, ''));

    await t.test('the kubelet serves a certificate of the cluster CA', () => {
      const ca = new X509Certificate(readFileSync(join(serverData, 'tls', 'server-ca.crt'), 'utf8'));
      const serving = new X509Certificate(readFileSync(paths.kubeletServingCert, 'utf8'));
      assert.ok(serving.checkIssued(ca) && serving.verify(ca.publicKey));
      assert.match(serving.subjectAltName ?? '', /DNS:s1/);
    });

    await t.test('kubectl logs, --tail and --timestamps come from the container through the kubelet', async () => {
      await eventually(() => /line 3\n/.test(k.ok(['logs', 'talker'])), 20_000, 'three lines');
      assert.match(k.ok(['logs', 'talker']), /^line 1\nline 2\nline 3\n/);
      assert.match(k.ok(['logs', 'talker', '--tail=1']), /^line \d+\n$/);
      assert.match(k.ok(['logs', 'talker', '--tail=1', '--timestamps']), /^\d{4}-\d\d-\d\dT[\d:.]+Z line \d+\n$/);
      const r = k.run(['logs', 'talker', '-c', 'nope']);
      assert.match(r.stderr, /container nope is not valid for pod talker/);
    });

    await t.test('kubectl logs -f shows new lines as they come (the container writes one every 0.3 s)', async () => {
      const child = spawn(kubectlBin.path!, ['--kubeconfig', server!.kubeconfig, 'logs', '-f', '--tail=0', 'talker'], { stdio: ['ignore', 'pipe', 'pipe'] });
      try {
        const started = Date.now();
        const first = await new Promise<number>((resolve, reject) => {
          child.stdout.once('data', () => resolve(Date.now() - started));
          child.once('exit', (code) => reject(new Error(`kubectl logs -f exited ${code}`)));
        });
        t.diagnostic(`first followed line after ${first} ms`);
        assert.ok(first < 2000, `first line after ${first} ms`);
      } finally {
        child.kill('SIGTERM');
      }
    });

    await t.test('a follower that goes frees the API server\'s connection to the kubelet', async () => {
      const kubeletPort = Number(k.ok(['get', 'node', 's1', '-o', 'jsonpath={.status.daemonEndpoints.kubeletEndpoint.Port}']));
      const before = connectionsTo(kubeletPort);
      const child = spawn(kubectlBin.path!, ['--kubeconfig', server!.kubeconfig, 'logs', '-f', 'talker'], { stdio: ['ignore', 'pipe', 'ignore'] });
      await new Promise((r) => child.stdout.once('data', r));
      assert.ok(connectionsTo(kubeletPort) > before, 'a connection to the kubelet while following');
      child.kill('SIGKILL');
      await eventually(() => connectionsTo(kubeletPort) <= before, 10_000, `connections to the kubelet back to ${before}`);
    });

    await t.test('nodes/proxy reaches the kubelet; pods/proxy and services/proxy reach the pod', async () => {
      assert.equal(k.ok(['get', '--raw', '/api/v1/nodes/s1/proxy/healthz']), 'ok');
      const pods = JSON.parse(k.ok(['get', '--raw', '/api/v1/nodes/s1/proxy/pods'])) as { items: Pod[] };
      assert.ok(pods.items.some((p) => p.metadata?.name === 'talker'));
      assert.equal(k.ok(['get', '--raw', '/api/v1/namespaces/default/pods/talker/proxy/index.html']), 'served\n');
      assert.equal(k.ok(['get', '--raw', '/api/v1/namespaces/default/pods/talker:8080/proxy/']), 'served\n');
      k.ok(['expose', 'pod', 'talker', '--port=80', '--target-port=8080']);
      await eventually(() => k.run(['get', '--raw', '/api/v1/namespaces/default/services/talker:80/proxy/']).stdout === 'served\n', 30_000, 'services/proxy');
    });
  } finally {
    if (server?.process.exitCode === null) await server.stop({ keepData: true });
    if (process.env['K8TS_AGENT_LOG']) writeFileSync(process.env['K8TS_AGENT_LOG'], server?.logs() ?? '');
    removeLeftovers(dir, ids, bridge);
    rmSync(dir, { recursive: true, force: true });
  }
});

/** ESTABLISHED TCP connections (both ends are counted) to or from `port` in this network namespace. */
function connectionsTo(port: number): number {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  let n = 0;
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try { text = readFileSync(file, 'utf8'); } catch { continue; }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length > 3 && f[3] === '01' && (f[1]!.endsWith(`:${hex}`) || f[2]!.endsWith(`:${hex}`))) n++;
    }
  }
  return n;
}

