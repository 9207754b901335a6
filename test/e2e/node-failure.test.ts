/**
 * A node that stops renewing its Lease goes NotReady (Unknown), gets the
 * unreachable taints, and loses the pods that do not tolerate them for ever;
 * when its kubelet is back the taints go. Against `k8ts server` with a short
 * grace period and short default tolerations, driven and checked with kubectl.
 * The fake cluster plays the kubelets; this test renews their Leases.
 */
import { after, before, test } from 'node:test';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { Node, Pod, Taint } from 'kubernetes-types/core/v1.js';
import { startServer, type RunningServer } from '../harness/server.js';
import { startFakeCluster, type FakeCluster } from '../harness/fake-cluster.js';
import { findKubectl } from '../harness/clients.js';
import { eventually } from '../harness/kubectl.js';
import { RESOURCES, microTime } from '../../src/client/index.js';

const bin = findKubectl(35);
const skip = bin.path ? false : `kubectl 1.35 unavailable: ${bin.reason}`;
let server: RunningServer;
let cluster: FakeCluster;
const cacheDir = mkdtempSync(join(tmpdir(), 'kubectl-cache-'));

/**
 * kubectl, asynchronously: the Lease renewals of this process must go on
 * while kubectl runs (a blocking spawnSync would stop them and "kill" the node).
 */
const k = {
  ok(args: string[], opts: { input?: string } = {}): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = execFile(bin.path!, ['--kubeconfig', server.kubeconfig, '--cache-dir', cacheDir, ...args], { encoding: 'utf8', timeout: 60_000 },
        (err, stdout, stderr) => (err ? reject(new Error(`kubectl ${args.join(' ')} failed: ${stderr}${stdout}`)) : resolve(stdout)));
      child.stdin!.end(opts.input ?? '');
    });
  },
};
const alive = new Set<string>();
let renewer: NodeJS.Timeout | undefined;

async function renew(name: string): Promise<void> {
  const c = cluster.client;
  const spec = { holderIdentity: name, leaseDurationSeconds: 40, renewTime: microTime(Date.now()) };
  try {
    await c.patch<Lease>(RESOURCES.leases, name, { spec }, { namespace: 'kube-node-lease' });
  } catch (e) {
    if ((e as { code?: number }).code !== 404) throw e;
    await c.create<Lease>(RESOURCES.leases, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace: 'kube-node-lease' }, spec });
  }
}

before(async () => {
  if (skip) return;
  server = await startServer({
    args: ['--disable-scheduler', '--node-monitor-grace-period', '5s', '--node-monitor-period', '500ms',
      '--default-not-ready-toleration-seconds', '2', '--default-unreachable-toleration-seconds', '2'],
  });
  cluster = await startFakeCluster({ kubeconfig: server.kubeconfig, nodes: ['node-a', 'node-b'], renewLeases: false });
  for (const n of cluster.nodes) { alive.add(n); await renew(n); }
  renewer = setInterval(() => { for (const n of alive) renew(n).catch(() => undefined); }, 400);
});
after(async () => {
  if (renewer) clearInterval(renewer);
  await cluster?.stop();
  await server?.stop();
});

const taintsOf = async (node: string): Promise<Taint[]> => JSON.parse(await k.ok(['get', 'node', node, '-o', 'json'])).spec?.taints ?? [];
const podNames = async (): Promise<string[]> => (await k.ok(['get', 'pods', '-o', 'name'])).split('\n').filter(Boolean).map((s) => s.replace('pod/', ''));
const readyOf = (pod: string): Promise<string> => k.ok(['get', 'pod', pod, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}']);

test('admission adds the not-ready and unreachable tolerations with the server\'s seconds', { skip }, async () => {
  await k.ok(['run', 'probe', '--image=busybox', '--restart=Always']);
  const pod = JSON.parse(await k.ok(['get', 'pod', 'probe', '-o', 'json'])) as Pod;
  const t = pod.spec!.tolerations!.filter((x) => x.effect === 'NoExecute').map((x) => [x.key, x.tolerationSeconds]).sort();
  assert.deepEqual(t, [['node.kubernetes.io/not-ready', 2], ['node.kubernetes.io/unreachable', 2]]);
  await k.ok(['delete', 'pod', 'probe', '--wait=false']);
});

test('a node that stops renewing its Lease goes NotReady, is tainted, and its pods are evicted', { skip }, async () => {
  const mk = (name: string, node: string, forever = false): string => JSON.stringify({
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, labels: { app: 'web' } },
    spec: {
      nodeName: node, containers: [{ name: 'c', image: 'nginx' }],
      ...(forever ? { tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' }] } : {}),
    },
  });
  for (const [name, node, forever] of [['a-1', 'node-a'], ['b-1', 'node-b'], ['b-2', 'node-b'], ['b-stays', 'node-b', true]] as const) {
    await k.ok(['apply', '-f', '-'], { input: mk(name, node, forever) });
  }
  await eventually(async () => (await k.ok(['get', 'pods', '-o', 'jsonpath={.items[*].status.phase}'])).split(' ').filter((p) => p === 'Running').length === 4,
    20_000, 'four pods Running');
  // Both nodes stay Ready past the grace period while their Leases are renewed.
  await new Promise((r) => setTimeout(r, 6000));
  assert.match(await k.ok(['get', 'nodes', '--no-headers']), /node-a\s+Ready[\s\S]*node-b\s+Ready/);
  assert.deepEqual(await taintsOf('node-b'), []);

  alive.delete('node-b');
  await eventually(async () => /node-b\s+NotReady/.test(await k.ok(['get', 'nodes', '--no-headers'])), 20_000, 'node-b NotReady');
  const node = JSON.parse(await k.ok(['get', 'node', 'node-b', '-o', 'json'])) as Node;
  const ready = node.status!.conditions!.find((c) => c.type === 'Ready')!;
  assert.equal(ready.status, 'Unknown');
  assert.equal(ready.reason, 'NodeStatusUnknown');
  assert.equal(ready.message, 'Kubelet stopped posting node status.');
  for (const type of ['MemoryPressure', 'DiskPressure', 'PIDPressure']) {
    assert.equal(node.status!.conditions!.find((c) => c.type === type)?.status, 'Unknown', type);
  }
  const taints = await eventually(async (): Promise<Taint[] | undefined> => {
    const t = await taintsOf('node-b');
    return t.some((x) => x.effect === 'NoExecute') && t.some((x) => x.effect === 'NoSchedule') ? t : undefined;
  }, 10_000, 'unreachable taints') as Taint[];
  assert.deepEqual(taints.map((t) => `${t.key}:${t.effect}`).sort(),
    ['node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/unreachable:NoSchedule']);
  assert.ok(taints.find((t) => t.effect === 'NoExecute')!.timeAdded, 'NoExecute taint has timeAdded');

  // 2 s tolerations run out: b-1 and b-2 are deleted, the pod that tolerates for ever stays (not Ready).
  await eventually(async () => { const n = await podNames(); return !n.includes('b-1') && !n.includes('b-2'); }, 20_000, 'b-1 and b-2 evicted');
  assert.deepEqual((await podNames()).sort(), ['a-1', 'b-stays']);
  await eventually(async () => (await readyOf('b-stays')) === 'False', 10_000, 'b-stays marked not Ready');
  assert.equal(await readyOf('a-1'), 'True');
  const events = await k.ok(['get', 'events', '--field-selector', 'reason=TaintManagerEviction', '-o', 'jsonpath={range .items[*]}{.message}{"\\n"}{end}']);
  assert.match(events, /Marking for deletion Pod default\/b-1/);
  assert.match(events, /Marking for deletion Pod default\/b-2/);
  const nodeEvents = await k.ok(['get', 'events', '--field-selector', 'involvedObject.name=node-b', '-o', 'jsonpath={range .items[*]}{.reason}{"\\n"}{end}']);
  assert.match(nodeEvents, /NodeNotReady/);

  // The kubelet is back: Lease renewed and Ready posted; the taints go.
  alive.add('node-b');
  await renew('node-b');
  const t = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  await cluster.client.patch(RESOURCES.nodes, 'node-b', {
    status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'back', lastHeartbeatTime: t, lastTransitionTime: t }] },
  }, { subresource: 'status', type: 'strategic' });
  await eventually(async () => (await taintsOf('node-b')).length === 0, 10_000, 'node-b taints removed');
  assert.match(await k.ok(['get', 'node', 'node-b', '--no-headers']), /node-b\s+Ready/);
  // It stays in service while the Lease is renewed.
  await new Promise((r) => setTimeout(r, 6000));
  assert.deepEqual(await taintsOf('node-b'), []);
});

test('untolerated NoExecute taints evict at once; cordon adds the unschedulable taint', { skip }, async () => {
  for (const [name, tol] of [['plain', false], ['tolerant', true]] as const) {
    await k.ok(['apply', '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'v1', kind: 'Pod', metadata: { name },
        spec: {
          nodeName: 'node-a', containers: [{ name: 'c', image: 'nginx' }],
          ...(tol ? { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'db', effect: 'NoExecute' }] } : {}),
        },
      }),
    });
  }
  await eventually(async () => (await k.ok(['get', 'pod', 'plain', 'tolerant', '-o', 'jsonpath={.items[*].status.phase}'])) === 'Running Running',
    15_000, 'pods Running');
  await k.ok(['taint', 'nodes', 'node-a', 'dedicated=db:NoExecute']);
  await eventually(async () => !(await podNames()).includes('plain'), 10_000, 'plain evicted');
  const left = await podNames();
  assert.ok(left.includes('tolerant'));
  assert.ok(!left.includes('a-1'), 'a-1 (no toleration for dedicated) evicted too');
  // The user's taint survives the controller's passes.
  await new Promise((r) => setTimeout(r, 1500));
  assert.deepEqual((await taintsOf('node-a')).map((t) => `${t.key}=${t.value}:${t.effect}`), ['dedicated=db:NoExecute']);

  await k.ok(['cordon', 'node-a']);
  await eventually(async () => (await taintsOf('node-a')).some((t) => t.key === 'node.kubernetes.io/unschedulable' && t.effect === 'NoSchedule'),
    10_000, 'unschedulable taint');
  await k.ok(['uncordon', 'node-a']);
  await eventually(async () => !(await taintsOf('node-a')).some((t) => t.key === 'node.kubernetes.io/unschedulable'), 10_000, 'unschedulable taint removed');
});
