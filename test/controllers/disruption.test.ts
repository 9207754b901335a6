/** PodDisruptionBudget status: minAvailable/maxUnavailable as ints and percentages, controllers' scale, disruptedPods, fail-safe. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.js';
import { computeBudgetStatus, scaledValue, withCondition, DELETION_TIMEOUT_MS, type ScaleSources } from '../../src/controllers/disruption.js';

const NOW = Date.parse('2026-01-01T00:10:00Z');

function store<T>(objs: Record<string, T>): { store: { get(k: string): T | undefined } } {
  return { store: { get: (k: string) => objs[k] } } as never;
}

const src: ScaleSources = {
  replicationControllers: store({ 'ns/rc': { metadata: { name: 'rc', uid: 'rc-uid' }, spec: { replicas: 2 } } }),
  replicaSets: store({
    'ns/rs': { metadata: { name: 'rs', uid: 'rs-uid' }, spec: { replicas: 5 } },
    'ns/d-abc': { metadata: { name: 'd-abc', uid: 'drs-uid', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'd', uid: 'd-uid', controller: true }] }, spec: { replicas: 1 } },
  }),
  deployments: store({ 'ns/d': { metadata: { name: 'd', uid: 'd-uid' }, spec: { replicas: 10 } } }),
  statefulSets: store({}),
} as unknown as ScaleSources;

function pod(name: string, owner?: { kind: string; name: string; uid: string }, opts: { ready?: boolean; deleting?: boolean } = {}): Pod {
  return {
    metadata: {
      name, namespace: 'ns', labels: { app: 'x' },
      ...(owner ? { ownerReferences: [{ apiVersion: owner.kind === 'ReplicationController' ? 'v1' : 'apps/v1', ...owner, controller: true }] } : {}),
      ...(opts.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
    },
    status: { conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True' }] },
  };
}

const pdb = (spec: PodDisruptionBudget['spec'], status?: PodDisruptionBudget['status']): PodDisruptionBudget => ({
  metadata: { name: 'b', namespace: 'ns', generation: 3 }, spec: { selector: { matchLabels: { app: 'x' } }, ...spec }, ...(status ? { status } : {}),
});

const rs = { kind: 'ReplicaSet', name: 'rs', uid: 'rs-uid' };

test('scaled values round up', () => {
  assert.equal(scaledValue('50%', 5), 3);
  assert.equal(scaledValue('10%', 5), 1);
  assert.equal(scaledValue(2, 100), 2);
  assert.throws(() => scaledValue('x%', 1));
});

test('minAvailable as a number counts the selected pods; unready and deleting pods are not healthy', () => {
  const pods = [pod('a', rs), pod('b', rs), pod('c', rs, { ready: false }), pod('d', rs, { deleting: true })];
  const { status } = computeBudgetStatus(pdb({ minAvailable: 1 }), pods, src, NOW);
  assert.deepEqual({ ...status, conditions: undefined }, { observedGeneration: 3, disruptionsAllowed: 1, currentHealthy: 2, desiredHealthy: 1, expectedPods: 4, conditions: undefined });
  assert.deepEqual(status.conditions!.map((c) => [c.type, c.status, c.reason, c.observedGeneration]), [['DisruptionAllowed', 'True', 'SufficientPods', 3]]);
});

test('percentages and maxUnavailable use the controllers\' scale; a Deployment\'s ReplicaSet counts as the Deployment', () => {
  const pods = [pod('a', rs), pod('b', rs), pod('c', rs), pod('r', { kind: 'ReplicationController', name: 'rc', uid: 'rc-uid' })];
  let r = computeBudgetStatus(pdb({ minAvailable: '50%' }), pods, src, NOW); // expected 5 + 2 = 7, desired ceil(3.5) = 4
  assert.deepEqual([r.status.expectedPods, r.status.desiredHealthy, r.status.currentHealthy, r.status.disruptionsAllowed], [7, 4, 4, 0]);
  assert.equal(r.status.conditions![0]!.reason, 'InsufficientPods');
  r = computeBudgetStatus(pdb({ maxUnavailable: 1 }), pods, src, NOW); // desired 6
  assert.deepEqual([r.status.expectedPods, r.status.desiredHealthy, r.status.disruptionsAllowed], [7, 6, 0]);
  const dpods = [pod('x', { kind: 'ReplicaSet', name: 'd-abc', uid: 'drs-uid' })];
  r = computeBudgetStatus(pdb({ maxUnavailable: '20%' }), dpods, src, NOW);
  assert.deepEqual([r.status.expectedPods, r.status.desiredHealthy], [10, 8]);
});

test('unmanaged pods are reported; a pod whose controller is unknown makes the computation fail', () => {
  const r = computeBudgetStatus(pdb({ maxUnavailable: 1 }), [pod('a', rs), pod('lonely')], src, NOW);
  assert.deepEqual(r.unmanaged, ['lonely']);
  assert.throws(() => computeBudgetStatus(pdb({ maxUnavailable: 1 }), [pod('a', { kind: 'ReplicaSet', name: 'gone', uid: 'x' })], src, NOW),
    /found no controllers for pod "a"/);
});

test('no expected pods allows no disruption', () => {
  const r = computeBudgetStatus(pdb({ maxUnavailable: 1 }), [], src, NOW);
  assert.equal(r.status.disruptionsAllowed, 0);
});

test('disruptedPods: entries stop counting as healthy; dropped when deleted, gone or timed out', () => {
  const recent = new Date(NOW - 1000).toISOString();
  const old = new Date(NOW - DELETION_TIMEOUT_MS - 1000).toISOString();
  const pods = [pod('a', rs), pod('b', rs), pod('c', rs), pod('del', rs, { deleting: true })];
  const r = computeBudgetStatus(pdb({ minAvailable: 1 }, { disruptedPods: { a: recent, b: old, del: recent, gone: recent }, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0, disruptionsAllowed: 0 }), pods, src, NOW);
  assert.deepEqual(r.status.disruptedPods, { a: recent });
  assert.deepEqual(r.notDeleted, ['b']);
  assert.equal(r.status.currentHealthy, 2);
  assert.equal(r.recheckAtMs, Date.parse(recent) + DELETION_TIMEOUT_MS);
});

test('conditions keep lastTransitionTime while the status holds', () => {
  const first = withCondition(undefined, { type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods', message: '' }, NOW);
  const same = withCondition(first, { type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods', message: '' }, NOW + 60_000);
  assert.equal(same[0]!.lastTransitionTime, first[0]!.lastTransitionTime);
  const flipped = withCondition(first, { type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods', message: '' }, NOW + 60_000);
  assert.notEqual(flipped[0]!.lastTransitionTime, first[0]!.lastTransitionTime);
});
