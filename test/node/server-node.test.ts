/**
 * `k8ts server` runs its own node, as k3s does, and another node joins it
 * with the token: real containerd, runc and CNI, driven with real kubectl.
 * The server's node goes Ready with the control-plane label and runs a
 * Deployment's pod that answers on its pod IP; a `k8ts agent --server
 * --token` with its own dirs, bridge and pod CIDR joins and goes Ready, and
 * a wrong token is refused; after kill -9 of the server and a restart on
 * the same data dir the pod's container is still running, the same one.
 * Needs root, the README's packages and kubectl 1.35; skips otherwise.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { buildBusyboxImage, connectCri, findExecutable, missingNodeRequirements, nodePaths } from '../../src/kubelet/index.js';
import { REPO_ROOT, findKubectl } from '../harness/clients.js';
import { Kubectl, eventually } from '../harness/kubectl.js';
import { startServer, type RunningServer } from '../harness/server.js';
import { leftoverProcesses, removeLeftovers } from './leftovers.js';
import { freeSubnetPrefix, httpGet } from './pod-network.js';
import { freePort } from '../harness/free-port.js';

const missing = missingNodeRequirements();
if (!findExecutable('ip')) missing.push('ip (apt-get install iproute2)');
const kubectlBin = findKubectl(35);
if (!kubectlBin.path) missing.push(kubectlBin.reason ?? 'kubectl 1.35');
const skip = missing.length > 0 ? `needs ${missing.join('; ')}` : false;

const BUSYBOX = 'docker.io/k8ts-test/busybox:1';
const BIN = join(REPO_ROOT, 'bin', 'k8ts.js');

test('k8ts server runs its own node; another joins with the token', { skip, timeout: 300_000 }, async (t) => {
  const suffix = randomBytes(3).toString('hex');
  const bridges = [`k8tss${suffix}`, `k8tsj${suffix}`];
  const dir = mkdtempSync('/tmp/k8ts-server-node-');
  const serverData = join(dir, 'server');
  const paths = nodePaths(serverData, { runDir: join(dir, 'run') });
  const prefix = freeSubnetPrefix();
  let prefix2 = freeSubnetPrefix();
  while (prefix2 === prefix) prefix2 = freeSubnetPrefix();
  // Other node tests may run at once: every containerd gets its own streaming port.
  const serverArgs = ['--node-name', 's1', '--run-dir', join(dir, 'run'), '--pod-cidr', `${prefix}.0/24`,
    '--cni-bridge', bridges[0]!, '--pod-logs-dir', join(dir, 'pods'), '--stream-server-port', String(await freePort('127.0.0.1')), '--kubelet-port', '0'];
  const start = (): Promise<RunningServer> => startServer({ agent: true, dataDir: serverData, args: serverArgs, timeoutMs: 90_000 });
  let server: RunningServer | undefined;
  let joiner: ChildProcess | undefined;
  let joinerExit: Promise<number | null> | undefined;
  let joinerLogs = '';
  const ids = new Set<string>();
  try {
    mkdirSync(paths.imagesDir, { recursive: true });
    writeFileSync(join(paths.imagesDir, 'busybox.tar'), buildBusyboxImage(BUSYBOX).archive);
    server = await start();
    let kubectl = new Kubectl(kubectlBin.path!, server.kubeconfig);
    const getPods = (selector: string): Pod[] =>
      (JSON.parse(kubectl.ok(['get', 'pods', '-l', selector, '-o', 'json'])) as { items: Pod[] }).items;
    const ready = (node: string): boolean =>
      kubectl.ok(['get', 'node', node, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}']) === 'True';

    await t.test('the server\'s node s1 goes Ready with the control-plane labels', async () => {
      await eventually(() => ready('s1'), 45_000, `node s1 Ready; server log:\n${server!.logs()}`);
      const node = JSON.parse(kubectl.ok(['get', 'node', 's1', '-o', 'json'])) as Node;
      assert.equal(node.metadata?.labels?.['node-role.kubernetes.io/control-plane'], 'true');
      assert.equal(node.metadata?.labels?.['node-role.kubernetes.io/master'], 'true');
      assert.equal(node.spec?.podCIDR, `${prefix}.0/24`);
      assert.match(kubectl.ok(['get', 'nodes']), /^s1\s+Ready\s+control-plane,master\s/m);
    });

    let podIP = '';
    let containerID = '';
    await t.test('a Deployment\'s pod runs on it and answers on its pod IP', async () => {
      kubectl.ok(['create', 'deployment', 'web', `--image=${BUSYBOX}`, '--', 'sh', '-c', 'trap "exit 0" TERM; mkdir -p /www && echo hello from $(hostname) > /www/index.html && httpd -f -p 8080 -h /www & wait']);
      kubectl.ok(['rollout', 'status', 'deployment/web', '--timeout=60s']);
      const pod = getPods('app=web')[0]!;
      assert.equal(pod.spec?.nodeName, 's1');
      assert.equal(pod.status?.phase, 'Running');
      podIP = pod.status?.podIP ?? '';
      assert.ok(podIP.startsWith(`${prefix}.`), `pod IP ${podIP} in ${prefix}.0/24`);
      containerID = pod.status?.containerStatuses?.[0]?.containerID ?? '';
      assert.match(containerID, /^containerd:\/\/[0-9a-f]{64}$/);
      ids.add(containerID.slice('containerd://'.length));
      assert.equal(await httpGet(`http://${podIP}:8080/`), `hello from ${pod.metadata!.name}\n`);
    });

    const token = readFileSync(join(serverData, 'token'), 'utf8').trim();
    await t.test('k8ts agent --server --token joins as node j1 and goes Ready', async () => {
      joiner = spawn(process.execPath, [BIN, 'agent', '--server', `https://127.0.0.1:${server!.port}`, '--token', token,
        '--data-dir', join(dir, 'joiner'), '--run-dir', join(dir, 'run-j'), '--node-name', 'j1', '--pod-cidr', `${prefix2}.0/24`,
        '--cni-bridge', bridges[1]!, '--pod-logs-dir', join(dir, 'pods-j'), '--stream-server-port', String(await freePort('127.0.0.1')), '--kubelet-port', '0',
        '--flannel-backend', 'none', '--disable-kube-proxy'], { // on the host itself: flannel and kube-proxy would program the host's routes and iptables
        stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, K8TS_LOG_LEVEL: 'info' },
      });
      joiner.stderr!.setEncoding('utf8').on('data', (d: string) => { joinerLogs += d; });
      joinerExit = new Promise((resolve) => joiner!.once('exit', (code) => resolve(code)));
      await eventually(() => ready('j1'), 60_000, 'node j1 Ready').catch((e: Error) => { throw new Error(`${e.message}; agent log:\n${joinerLogs}`); });
      assert.equal(kubectl.ok(['get', 'node', 'j1', '-o', 'jsonpath={.spec.podCIDR}']), `${prefix2}.0/24`);
      assert.equal(kubectl.ok(['get', 'node', 'j1', '-o', 'jsonpath={.metadata.labels.node-role\\.kubernetes\\.io/control-plane}']), '');
      assert.ok(!joinerLogs.includes(token) && !server!.logs().includes(token.split(':').at(-1)!), 'the token is not logged');
      joiner.kill('SIGTERM');
      assert.equal(await joinerExit, 0, joinerLogs);
    });

    await t.test('a wrong token is refused with a clear error', () => {
      const wrong = token.replace(/server:.*$/, 'server:0123456789abcdef0123456789abcdef');
      const r = spawnSync(process.execPath, [BIN, 'agent', '--server', `https://127.0.0.1:${server!.port}`, '--token', wrong,
        '--data-dir', join(dir, 'wrong'), '--node-name', 'w1'], { encoding: 'utf8', timeout: 30_000 });
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, /refused the join token \(401 Unauthorized\): wrong --token/);
    });

    await t.test('after kill -9 of the server and a restart, the pod\'s container is still running, the same one', async () => {
      await server!.kill();
      assert.equal(await httpGet(`http://${podIP}:8080/`) !== '', true, 'the pod answers while the server is down');
      server = await start();
      kubectl = new Kubectl(kubectlBin.path!, server.kubeconfig);
      await eventually(() => server!.logs().split('\n').some((l) => l.includes('"agent started"')), 30_000, 'the agent started again');
      await eventually(() => ready('s1'), 45_000, 'node s1 Ready again');
      await new Promise((r) => setTimeout(r, 3000));
      const pod = getPods('app=web')[0]!;
      assert.equal(pod.status?.containerStatuses?.[0]?.containerID, containerID);
      assert.equal(pod.status?.containerStatuses?.[0]?.restartCount, 0);
      assert.equal(pod.status?.phase, 'Running');
      const cri = connectCri(paths.containerdSocket);
      try {
        const running = (await cri.runtime.listContainers()).filter((c) => c.state === 'CONTAINER_RUNNING').map((c) => c.id);
        assert.ok(running.includes(containerID.slice('containerd://'.length)), `container still running: ${running.join(', ')}`);
      } finally {
        cri.close();
      }
      assert.equal(await httpGet(`http://${podIP}:8080/`), `hello from ${pod.metadata!.name}\n`);
    });

    await t.test('SIGTERM stops the server and its containerd; the container keeps running', async () => {
      assert.equal(await server!.stop({ keepData: true }), 0, server!.logs());
      const containerd = leftoverProcesses(dir, []).filter((pid) => /(^|\/)containerd$/.test(cmdline(pid)[0] ?? ''));
      assert.deepEqual(containerd, [], 'containerd stopped');
      assert.equal(await httpGet(`http://${podIP}:8080/`) !== '', true, 'the pod runs on');
    });
  } finally {
    if (joiner && joiner.exitCode === null) {
      joiner.kill('SIGTERM');
      await Promise.race([joinerExit, new Promise((r) => setTimeout(r, 15_000))]);
      if (joiner.exitCode === null) joiner.kill('SIGKILL');
    }
    if (server?.process.exitCode === null) await server.stop({ keepData: true });
    if (process.env['K8TS_AGENT_LOG']) writeFileSync(process.env['K8TS_AGENT_LOG'], `${server?.logs() ?? ''}\n--- joiner\n${joinerLogs}`);
    for (const b of bridges) removeLeftovers(dir, ids, b);
    rmSync(dir, { recursive: true, force: true });
  }
});

function cmdline(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return [];
  }
}

/** A TCP port free on 127.0.0.1 now. */
