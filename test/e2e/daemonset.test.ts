/**
 * DaemonSets through real kubectl against `k8ts server` (controllers on),
 * with the fake cluster as kubelets and a binder as the scheduler's part:
 * a daemon pod on every node it tolerates, then set image, rollout
 * status/history/undo.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { DaemonSet } from 'kubernetes-types/apps/v1.js';
import { startServer, type RunningServer } from '../harness/server.js';
import { startFakeCluster, type FakeCluster } from '../harness/fake-cluster.js';
import { findKubectl } from '../harness/clients.js';
import { Kubectl, eventually } from '../harness/kubectl.js';
import { startDaemonSetBinder, type DaemonSetBinder } from '../controllers/daemonset-binder.js';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/**
 * kubectl that waits (rollout status) must not block this process: the fake
 * cluster and the binder run in it.
 */
async function kubectlAsync(args: string[]): Promise<string> {
  const r = await promisify(execFile)(bin.path!, ['--kubeconfig', server.kubeconfig, ...args], { timeout: 60_000 });
  return r.stdout;
}

const bin = findKubectl(35);
let server: RunningServer;
let cluster: FakeCluster;
let binder: DaemonSetBinder;
let k: Kubectl;

before(async () => {
  server = await startServer({ args: ['--controllers', 'daemonset,garbagecollector', '--disable-scheduler'] });
  cluster = await startFakeCluster({ kubeconfig: server.kubeconfig, nodes: 3, bind: false });
  binder = await startDaemonSetBinder(server.kubeconfig);
  k = new Kubectl(bin.path ?? 'kubectl', server.kubeconfig);
});
after(async () => {
  await binder?.stop();
  await cluster?.stop();
  await server?.stop();
});

const MANIFEST = `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector:
    matchLabels: {app: agent}
  template:
    metadata:
      labels: {app: agent}
    spec:
      containers:
      - name: agent
        image: agent:1.0
`;

function runningPods(): Pod[] {
  const list = JSON.parse(k.ok(['get', 'pods', '-l', 'app=agent', '-o', 'json'])) as { items: Pod[] };
  return list.items.filter((p) => !p.metadata!.deletionTimestamp);
}

function settled(image: string, nodes: string[]): boolean {
  const pods = runningPods();
  return pods.length === nodes.length
    && pods.every((p) => p.status?.phase === 'Running' && p.spec!.containers[0]!.image === image)
    && pods.map((p) => p.spec!.nodeName).sort().join() === nodes.join();
}

test('a DaemonSet runs on every node it tolerates; rollout status, history and undo', { skip: bin.path ? false : `kubectl 1.35 unavailable: ${bin.reason}` }, async () => {
  k.ok(['taint', 'nodes', 'node-2', 'dedicated=infra:NoSchedule']);
  k.ok(['apply', '-f', '-'], { input: MANIFEST });
  await eventually(() => settled('agent:1.0', ['node-0', 'node-1']), 20_000, 'a pod on each untainted node');
  assert.match(await kubectlAsync(['rollout', 'status', 'daemonset/agent', '--timeout=30s']), /daemon set "agent" successfully rolled out/);
  const ds = JSON.parse(k.ok(['get', 'ds', 'agent', '-o', 'json'])) as DaemonSet;
  assert.equal(ds.status?.desiredNumberScheduled, 2);
  assert.equal(ds.status?.numberReady, 2);
  assert.equal(ds.status?.updatedNumberScheduled, 2);
  assert.equal(ds.status?.observedGeneration, ds.metadata?.generation);
  const pod = runningPods()[0]!;
  assert.ok(pod.spec!.tolerations!.some((t) => t.key === 'node.kubernetes.io/unschedulable' && t.effect === 'NoSchedule'));
  assert.ok(pod.metadata!.labels!['controller-revision-hash']);
  assert.match(k.ok(['get', 'ds', 'agent']), /agent\s+2\s+2\s+2\s+2\s+2/);

  k.ok(['set', 'image', 'daemonset/agent', 'agent=agent:2.0']);
  assert.match(await kubectlAsync(['rollout', 'status', 'daemonset/agent', '--timeout=30s']), /successfully rolled out/);
  await eventually(() => settled('agent:2.0', ['node-0', 'node-1']), 20_000, 'pods at agent:2.0');
  const history = k.ok(['rollout', 'history', 'daemonset/agent']);
  assert.match(history, /^1\s/m);
  assert.match(history, /^2\s/m);
  assert.match(k.ok(['rollout', 'history', 'daemonset/agent', '--revision=1']), /agent:1\.0/);
  assert.match(k.ok(['get', 'controllerrevisions']), /agent-\w+\s+daemonset\.apps\/agent\s+2/);

  assert.match(k.ok(['rollout', 'undo', 'daemonset/agent']), /rolled back/);
  await eventually(() => settled('agent:1.0', ['node-0', 'node-1']), 20_000, 'pods back at agent:1.0');
  assert.match(await kubectlAsync(['rollout', 'status', 'daemonset/agent', '--timeout=30s']), /successfully rolled out/);
  const after = k.ok(['rollout', 'history', 'daemonset/agent']);
  assert.match(after, /^2\s/m);
  assert.match(after, /^3\s/m);
  assert.doesNotMatch(after, /^1\s/m, 'the restored template is renumbered, not duplicated');

  // Tolerating the taint brings the daemon to the third node.
  k.ok(['patch', 'daemonset', 'agent', '--type=json', '-p',
    '[{"op":"add","path":"/spec/template/spec/tolerations","value":[{"key":"dedicated","operator":"Exists","effect":"NoSchedule"}]}]']);
  await eventually(() => settled('agent:1.0', ['node-0', 'node-1', 'node-2']), 20_000, 'a pod on all three nodes');
  assert.match(await kubectlAsync(['rollout', 'status', 'daemonset/agent', '--timeout=30s']), /successfully rolled out/);
  assert.ok(binder.bound() >= 7, `binder bound ${binder.bound()} pods`);
});
