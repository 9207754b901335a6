/** Which pods a ReplicaSet deletes first, slow-start batches, and status arithmetic. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { calculateReplicaStatus, podsToDelete, slowStartBatch } from '../../src/controllers/replicaset/index.js';

const NOW = Date.parse('2026-01-01T12:00:00Z');
const ago = (s: number): string => new Date(NOW - s * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

function pod(name: string, o: { node?: string; phase?: string; readySince?: number; created?: number; restarts?: number; cost?: number; labels?: Record<string, string> } = {}): Pod {
  return {
    metadata: {
      name, uid: `uid-${name}`, creationTimestamp: ago(o.created ?? 1000), labels: o.labels ?? { app: 'x' },
      ...(o.cost !== undefined ? { annotations: { 'controller.kubernetes.io/pod-deletion-cost': String(o.cost) } } : {}),
    },
    spec: { containers: [{ name: 'c' }], ...(o.node ? { nodeName: o.node } : {}) },
    status: {
      phase: o.phase ?? 'Running',
      conditions: o.readySince !== undefined ? [{ type: 'Ready', status: 'True', lastTransitionTime: ago(o.readySince) }] : [{ type: 'Ready', status: 'False' }],
      containerStatuses: [{ name: 'c', image: '', imageID: '', ready: true, restartCount: o.restarts ?? 0 }],
    },
  };
}

const names = (ps: Pod[]): string[] => ps.map((p) => p.metadata!.name!);

test('deletion order: unscheduled, pending, not ready, low cost, doubled up, recently ready, restarts, newest', () => {
  const all = [
    pod('old-ready', { node: 'a', readySince: 5000, created: 6000 }),
    pod('unscheduled', { phase: 'Pending' }),
    pod('pending', { node: 'b', phase: 'Pending' }),
    pod('not-ready', { node: 'b' }),
    pod('expensive-new', { node: 'c', readySince: 1, created: 2, cost: 100 }),
    pod('cheap', { node: 'c', readySince: 5000, created: 6000, cost: -5 }),
    pod('new-ready', { node: 'd', readySince: 2, created: 3 }),
  ];
  const order = names(podsToDelete(all, all, all.length - 1, NOW));
  assert.deepEqual(order, ['unscheduled', 'pending', 'not-ready', 'cheap', 'new-ready', 'old-ready']);
});

test('deletion order: pods sharing a node with more related pods go first; then restarts, then age buckets', () => {
  const a = pod('alone', { node: 'n1', readySince: 100, created: 100 });
  const b = pod('crowded', { node: 'n2', readySince: 100, created: 100 });
  const related = [b, pod('sibling', { node: 'n2', readySince: 100 })];
  assert.deepEqual(names(podsToDelete([a, b], [a, ...related], 1, NOW)), ['crowded']);
  const calm = pod('calm', { node: 'n1', readySince: 100, created: 100 });
  const flappy = pod('flappy', { node: 'n2', readySince: 100, created: 100, restarts: 4 });
  assert.deepEqual(names(podsToDelete([calm, flappy], [calm, flappy], 1, NOW)), ['flappy']);
  // Ready 100 s vs 3600 s ago: different power-of-two buckets, the more recent goes.
  const young = pod('young', { node: 'n1', readySince: 100, created: 100 });
  const old = pod('old', { node: 'n2', readySince: 3600, created: 3600 });
  assert.deepEqual(names(podsToDelete([old, young], [old, young], 1, NOW)), ['young']);
});

test('slow start: batches of 1, 2, 4... and stop at the first failing batch', async () => {
  let calls = 0;
  const ok = await slowStartBatch(10, 1, async () => { calls++; });
  assert.deepEqual(ok, { successes: 10 });
  assert.equal(calls, 10);
  calls = 0;
  const failing = await slowStartBatch(10, 1, async () => { if (++calls > 3) throw new Error('quota'); });
  assert.equal(failing.successes, 3, 'batches 1 and 2 succeed; batch 3 (4 calls) fails entirely');
  assert.equal(calls, 7, 'no batch after the failing one');
  assert.match(String(failing.error), /quota/);
});

test('status: fully labeled, ready, available after minReadySeconds; ReplicaFailure set and cleared', () => {
  const pods = [
    pod('a', { node: 'n', readySince: 100, labels: { app: 'x', tier: 'web' } }),
    pod('b', { node: 'n', readySince: 5, labels: { app: 'x', tier: 'web' } }),
    pod('c', { node: 'n', labels: { app: 'x' } }),
  ];
  const s = calculateReplicaStatus({ status: {} as never, replicas: 4, minReadySeconds: 10, templateLabels: { app: 'x', tier: 'web' }, pods, manageError: new Error('pods "x" is forbidden: exceeded quota'), now: NOW });
  assert.equal(s.replicas, 3);
  assert.equal(s.fullyLabeledReplicas, 2);
  assert.equal(s.readyReplicas, 2);
  assert.equal(s.availableReplicas, 1);
  assert.equal(s.conditions?.[0]?.type, 'ReplicaFailure');
  assert.equal(s.conditions?.[0]?.reason, 'FailedCreate');
  const cleared = calculateReplicaStatus({ status: s, replicas: 3, minReadySeconds: 0, templateLabels: { app: 'x' }, pods, now: NOW });
  assert.equal(cleared.conditions, undefined);
  assert.equal(cleared.availableReplicas, 2);
});
