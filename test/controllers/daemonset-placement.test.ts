/** DaemonSet placement and rolling-update planning as pure functions. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DaemonSet } from 'kubernetes-types/apps/v1.js';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { nodeNameAffinity, nodeShouldRunDaemonPod, targetNodeName, addDaemonPodTolerations } from '../../src/controllers/daemonset/index.js';
import { planRollingUpdate } from '../../src/controllers/daemonset/rolling-update.js';
import { planManage, podsByNode } from '../../src/controllers/daemonset/pods-on-nodes.js';

const node = (name: string, extra: Partial<Node> = {}): Node => ({ metadata: { name, labels: { 'kubernetes.io/hostname': name, ...extra.metadata?.labels } }, spec: extra.spec ?? {} });
const ds = (spec: Partial<NonNullable<DaemonSet['spec']>['template']['spec']> = {}, strategy?: NonNullable<DaemonSet['spec']>['updateStrategy']): DaemonSet => ({
  metadata: { name: 'd', namespace: 'ns', generation: 1 },
  spec: {
    selector: { matchLabels: { app: 'd' } },
    template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image: 'x' }], ...spec } },
    updateStrategy: strategy ?? { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
  },
});
const T0 = '2024-01-01T00:00:00Z';
const pod = (name: string, nodeName: string, hash: string, ready = true, created = T0): Pod => ({
  metadata: { name, namespace: 'ns', uid: name, creationTimestamp: created, labels: { app: 'd', 'controller-revision-hash': hash } },
  spec: { nodeName, containers: [] },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: T0 }] },
});

test('a node runs the daemon unless selectors, affinity or untolerated taints say otherwise', () => {
  assert.deepEqual(nodeShouldRunDaemonPod(node('a'), ds()), { shouldRun: true, shouldContinueRunning: true });
  assert.equal(nodeShouldRunDaemonPod(node('a'), ds({ nodeSelector: { disk: 'ssd' } })).shouldRun, false);
  assert.equal(nodeShouldRunDaemonPod(node('a', { metadata: { labels: { disk: 'ssd' } } }), ds({ nodeSelector: { disk: 'ssd' } })).shouldRun, true);
  const noSchedule = node('a', { spec: { taints: [{ key: 'k', value: 'v', effect: 'NoSchedule' }] } });
  assert.deepEqual(nodeShouldRunDaemonPod(noSchedule, ds()), { shouldRun: false, shouldContinueRunning: true });
  assert.equal(nodeShouldRunDaemonPod(noSchedule, ds({ tolerations: [{ key: 'k', operator: 'Exists' }] })).shouldRun, true);
  const noExecute = node('a', { spec: { taints: [{ key: 'k', effect: 'NoExecute' }] } });
  assert.deepEqual(nodeShouldRunDaemonPod(noExecute, ds()), { shouldRun: false, shouldContinueRunning: false });
  // PreferNoSchedule never keeps a daemon away; the automatic tolerations cover cordoned and not-ready nodes.
  assert.equal(nodeShouldRunDaemonPod(node('a', { spec: { taints: [{ key: 'k', effect: 'PreferNoSchedule' }] } }), ds()).shouldRun, true);
  const cordoned = node('a', { spec: { unschedulable: true, taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }] } });
  assert.equal(nodeShouldRunDaemonPod(cordoned, ds()).shouldRun, true);
  const netDown = node('a', { spec: { taints: [{ key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' }] } });
  assert.equal(nodeShouldRunDaemonPod(netDown, ds()).shouldRun, false);
  assert.equal(nodeShouldRunDaemonPod(netDown, ds({ hostNetwork: true })).shouldRun, true);
});

test('daemon tolerations are added once; pods are pinned by node-name affinity', () => {
  const spec = { containers: [], tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' }] };
  addDaemonPodTolerations(spec);
  addDaemonPodTolerations(spec);
  assert.equal(spec.tolerations.length, 6);
  const aff = nodeNameAffinity({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'x', operator: 'Exists' }] }] } } }, 'n1');
  assert.deepEqual(aff.nodeAffinity!.requiredDuringSchedulingIgnoredDuringExecution!.nodeSelectorTerms, [
    { matchExpressions: [{ key: 'x', operator: 'Exists' }], matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] },
  ]);
  assert.equal(targetNodeName({ spec: { containers: [], affinity: aff } }), 'n1');
});

test('manage: missing pods are created, surplus and failed ones deleted, oldest kept', () => {
  const nodes = [node('a'), node('b'), node('c', { spec: { taints: [{ key: 'k', effect: 'NoExecute' }] } })];
  const failed = { ...pod('f', 'b', 'h1'), status: { phase: 'Failed' } };
  const pods = [pod('a1', 'a', 'h1'), pod('a2', 'a', 'h1', true, '2024-01-02T00:00:00Z'), failed, pod('c1', 'c', 'h1')];
  const plan = planManage(ds(), nodes, podsByNode(pods), 'h1', Date.parse('2024-02-01T00:00:00Z'));
  assert.deepEqual(plan.nodesNeedingPods, []);
  assert.deepEqual(plan.podsToDelete.map((p) => p.metadata!.name).sort(), ['a2', 'c1', 'f']);
  assert.deepEqual(plan.failedPods.map((p) => p.metadata!.name), ['f']);
  const fresh = planManage(ds(), nodes, podsByNode([]), 'h1', 0);
  assert.deepEqual(fresh.nodesNeedingPods, ['a', 'b']);
});

test('rolling update: maxUnavailable bounds deletions, maxSurge bounds extra pods', () => {
  const now = Date.parse('2024-02-01T00:00:00Z');
  const nodes = [node('a'), node('b'), node('c')];
  const old = [pod('a1', 'a', 'old'), pod('b1', 'b', 'old'), pod('c1', 'c', 'old')];
  const one = planRollingUpdate(ds(), nodes, podsByNode(old), 'new', now);
  assert.equal(one.podsToDelete.length, 1);
  const two = planRollingUpdate(ds({}, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '50%', maxSurge: 0 } }), nodes, podsByNode(old), 'new', now);
  assert.equal(two.podsToDelete.length, 2, '50% of 3 rounds up to 2');
  // One node already has an unready new pod: no room for another deletion.
  const busy = [pod('a2', 'a', 'new', false), pod('b1', 'b', 'old'), pod('c1', 'c', 'old')];
  assert.equal(planRollingUpdate(ds(), nodes, podsByNode(busy), 'new', now).podsToDelete.length, 0);
  // An unavailable old pod is replaced at once.
  const sick = [pod('a1', 'a', 'old', false), pod('b1', 'b', 'old'), pod('c1', 'c', 'old')];
  assert.deepEqual(planRollingUpdate(ds(), nodes, podsByNode(sick), 'new', now).podsToDelete.map((p) => p.metadata!.name), ['a1']);
  const surge = ds({}, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
  const s = planRollingUpdate(surge, nodes, podsByNode(old), 'new', now);
  assert.deepEqual(s, { podsToDelete: [], nodesNeedingPods: ['a'] });
  // With surge, the old pod goes once the new one beside it is available.
  const both = [pod('a1', 'a', 'old'), pod('a2', 'a', 'new', true, '2024-01-03T00:00:00Z')];
  assert.deepEqual(planManage(surge, [node('a')], podsByNode(both), 'new', now).podsToDelete.map((p) => p.metadata!.name), ['a1']);
  const notYet = [pod('a1', 'a', 'old'), pod('a2', 'a', 'new', false, '2024-01-03T00:00:00Z')];
  assert.deepEqual(planManage(surge, [node('a')], podsByNode(notYet), 'new', now).podsToDelete, []);
});
