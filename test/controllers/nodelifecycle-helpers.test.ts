/** The node lifecycle controllers' pure parts: health tracking, Unknown conditions, owned taints, eviction times. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Node, Pod, Taint } from 'kubernetes-types/core/v1.js';
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import {
  NodeHealthTracker, desiredTaints, evictionTime, unknownConditions,
} from '../../src/controllers/nodelifecycle/index.js';

const node = (ready: string | undefined, extra: Partial<Node> = {}): Node => ({
  metadata: { name: 'n1', creationTimestamp: '2024-01-01T00:00:00Z' },
  spec: {},
  status: ready ? { conditions: [{ type: 'Ready', status: ready, lastHeartbeatTime: '2024-01-01T00:00:00Z', lastTransitionTime: '2024-01-01T00:00:00Z' }] } : {},
  ...extra,
});
const lease = (renewTime: string): Lease => ({ metadata: { name: 'n1', namespace: 'kube-node-lease' }, spec: { renewTime } });

test('health: the last renewal seen counts, on this clock; a new node starts its grace period', () => {
  const h = new NodeHealthTracker();
  const n = node('True');
  assert.equal(h.observe(n, lease('t1'), 1000), 1000);
  assert.equal(h.observe(n, lease('t1'), 5000), 1000, 'no renewal: probe time stays');
  assert.equal(h.observe(n, lease('t2'), 6000), 6000, 'Lease renewed');
  assert.equal(h.observe(n, lease('t2'), 9000), 6000);
  const beat = node('True');
  beat.status!.conditions![0] = { ...beat.status!.conditions![0]!, lastHeartbeatTime: '2024-01-01T00:01:00Z' };
  assert.equal(h.observe(beat, lease('t2'), 9500), 9500, 'a newer Ready heartbeat counts too');
  h.forget('n1');
  assert.equal(h.observe(n, lease('t2'), 20000), 20000);
});

test('unknownConditions marks the kubelet conditions Unknown once, adding missing ones', () => {
  const c = unknownConditions(node('True'), '2024-02-02T00:00:00Z')!;
  const ready = c.find((x) => x.type === 'Ready')!;
  assert.deepEqual([ready.status, ready.reason, ready.message, ready.lastTransitionTime, ready.lastHeartbeatTime],
    ['Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.', '2024-02-02T00:00:00Z', '2024-01-01T00:00:00Z']);
  const mem = c.find((x) => x.type === 'MemoryPressure')!;
  assert.deepEqual([mem.status, mem.reason, mem.message], ['Unknown', 'NodeStatusNeverUpdated', 'Kubelet never posted node status.']);
  assert.deepEqual(c.map((x) => x.type).sort(), ['DiskPressure', 'MemoryPressure', 'PIDPressure', 'Ready']);
  assert.equal(unknownConditions({ ...node('True'), status: { conditions: c } }, 'later'), undefined);
});

test('desiredTaints follows Ready, pressure and unschedulable, keeps foreign taints and timeAdded', () => {
  const keys = (t: Taint[]): string[] => t.map((x) => `${x.key}:${x.effect}`).sort();
  assert.deepEqual(desiredTaints(node('True'), 'now'), []);
  assert.deepEqual(desiredTaints(node(undefined), 'now'), [], 'no Ready posted yet: nothing');
  const unknown = desiredTaints(node('Unknown'), 'T1');
  assert.deepEqual(keys(unknown), ['node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/unreachable:NoSchedule']);
  assert.equal(unknown.find((t) => t.effect === 'NoExecute')!.timeAdded, 'T1');
  // Swapped to not-ready when Ready turns False; the user's taint survives; timeAdded kept while unchanged.
  const falseNode = node('False', { spec: { unschedulable: true, taints: [...unknown, { key: 'dedicated', value: 'db', effect: 'NoExecute' }] } });
  falseNode.status!.conditions!.push({ type: 'DiskPressure', status: 'True' });
  const swapped = desiredTaints(falseNode, 'T2');
  assert.deepEqual(keys(swapped), ['dedicated:NoExecute', 'node.kubernetes.io/disk-pressure:NoSchedule',
    'node.kubernetes.io/not-ready:NoExecute', 'node.kubernetes.io/not-ready:NoSchedule', 'node.kubernetes.io/unschedulable:NoSchedule']);
  assert.equal(swapped.find((t) => t.key === 'node.kubernetes.io/not-ready' && t.effect === 'NoExecute')!.timeAdded, 'T2');
  const again = desiredTaints(node('False', { spec: { taints: swapped } }), 'T3');
  assert.equal(again.find((t) => t.key === 'node.kubernetes.io/not-ready' && t.effect === 'NoExecute')!.timeAdded, 'T2');
  assert.deepEqual(keys(desiredTaints(node('True', { spec: { taints: swapped } }), 'T4')), ['dedicated:NoExecute']);
});

test('evictionTime: untolerated now, shortest tolerationSeconds from the oldest timeAdded, forever never', () => {
  const taint: Taint = { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: '2024-01-01T00:00:00Z' };
  const t0 = Date.parse('2024-01-01T00:00:00Z');
  const pod = (tolerations: NonNullable<Pod['spec']>['tolerations']): Pod => ({ spec: { containers: [], tolerations } });
  assert.equal(evictionTime(pod([]), [taint], 0).kind, 'now');
  assert.deepEqual(evictionTime(pod([{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' }]), [taint], 0), { kind: 'never' });
  assert.deepEqual(evictionTime(pod([
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    { operator: 'Exists', tolerationSeconds: 30 },
  ]), [taint], 0), { kind: 'at', ms: t0 + 30_000 });
  assert.deepEqual(evictionTime(pod([{ operator: 'Exists', tolerationSeconds: -5 }]), [taint], 0), { kind: 'at', ms: t0 });
  const noTime: Taint = { key: 'x', effect: 'NoExecute' };
  assert.deepEqual(evictionTime(pod([{ operator: 'Exists', tolerationSeconds: 10 }]), [noTime], 5000), { kind: 'at', ms: 15_000 });
});
