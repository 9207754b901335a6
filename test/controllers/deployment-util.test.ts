/** Deployment arithmetic: fenceposts, revision annotations, template equality, proportional scaling. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import { resolveFenceposts, scaledValue, maxUnavailable } from '../../src/controllers/deployment/int-or-percent.js';
import { setNewReplicaSetAnnotations } from '../../src/controllers/deployment/annotations.js';
import { equalIgnoreHash, newRSNewReplicas } from '../../src/controllers/deployment/replica-sets.js';
import { scale } from '../../src/controllers/deployment/scale.js';
import type { DeploymentOps } from '../../src/controllers/deployment/ops.js';
import type { EventRecorder, RestClient } from '../../src/client/index.js';

function deployment(replicas: number, surge: number | string = '25%', unavailable: number | string = '25%'): Deployment {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name: 'd', namespace: 'ns', uid: 'd-uid', annotations: { 'kubernetes.io/change-cause': 'v2', 'kubectl.kubernetes.io/last-applied-configuration': '{}' } },
    spec: { replicas, selector: { matchLabels: { app: 'd' } }, template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image: 'i' }] } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: surge, maxUnavailable: unavailable } } },
  };
}

function rs(name: string, replicas: number, opts: { created: number; max?: number; available?: number }): ReplicaSet {
  return {
    apiVersion: 'apps/v1', kind: 'ReplicaSet',
    metadata: { name, namespace: 'ns', uid: `${name}-uid`, creationTimestamp: new Date(opts.created * 1000).toISOString(),
      annotations: opts.max !== undefined ? { 'deployment.kubernetes.io/max-replicas': String(opts.max) } : {} },
    spec: { replicas, selector: { matchLabels: { app: 'd' } } },
    status: { replicas, availableReplicas: opts.available ?? replicas },
  };
}

test('fenceposts: percentages round surge up and unavailability down; never both zero', () => {
  assert.deepEqual(resolveFenceposts(deployment(10)), [3, 2]);
  assert.deepEqual(resolveFenceposts(deployment(1)), [1, 0]);
  assert.deepEqual(resolveFenceposts(deployment(3, 0, '10%')), [0, 1]);
  assert.equal(scaledValue('50%', 5, true), 3);
  assert.equal(scaledValue(4, 100, false), 4);
  assert.equal(maxUnavailable(deployment(2, 0, 5)), 2, 'capped at replicas');
});

test('new ReplicaSet annotations: copied deployment annotations, revision bump with history on reuse, replicas annotations on create', () => {
  const d = deployment(4);
  const fresh: ReplicaSet = { metadata: { name: 'r' }, spec: { selector: {} } };
  assert.equal(setNewReplicaSetAnnotations(d, fresh, '1', false), true);
  assert.deepEqual(fresh.metadata!.annotations, {
    'kubernetes.io/change-cause': 'v2', 'deployment.kubernetes.io/revision': '1',
    'deployment.kubernetes.io/desired-replicas': '4', 'deployment.kubernetes.io/max-replicas': '5',
  });
  assert.equal(setNewReplicaSetAnnotations(d, fresh, '1', true), false, 'nothing changes twice');
  // A rollback to it: revision 1 -> 5, history keeps 1; later 5 -> 7 keeps 1,5.
  assert.equal(setNewReplicaSetAnnotations(d, fresh, '5', true), true);
  assert.equal((fresh.metadata!.annotations as Record<string, string>)['deployment.kubernetes.io/revision'], '5');
  assert.equal((fresh.metadata!.annotations as Record<string, string>)['deployment.kubernetes.io/revision-history'], '1');
  setNewReplicaSetAnnotations(d, fresh, '7', true);
  assert.equal((fresh.metadata!.annotations as Record<string, string>)['deployment.kubernetes.io/revision-history'], '1,5');
});

test('templates equal but for pod-template-hash; the new ReplicaSet grows within maxSurge', () => {
  const d = deployment(10);
  const withHash = { metadata: { labels: { app: 'd', 'pod-template-hash': 'abc' } }, spec: d.spec!.template.spec };
  assert.ok(equalIgnoreHash(d.spec!.template, withHash));
  assert.ok(!equalIgnoreHash(d.spec!.template, { ...withHash, spec: { containers: [{ name: 'c', image: 'j' }] } }));
  const old = rs('old', 10, { created: 1 });
  const fresh = rs('new', 0, { created: 2 });
  assert.equal(newRSNewReplicas(d, [old, fresh], fresh), 3, '10 + maxSurge 3 - 10 running');
});

test('proportional scaling spreads a scale-up over active ReplicaSets by their share, leftovers to the largest', async () => {
  const updates: ReplicaSet[] = [];
  const events: string[] = [];
  const ops: DeploymentOps = {
    client: { update: async (_r: unknown, o: ReplicaSet) => { updates.push(structuredClone(o)); return o; } } as unknown as RestClient,
    recorder: { event: (_o: unknown, _t: string, _r: string, m: string) => { events.push(m); } } as unknown as EventRecorder,
    cachedReplicaSet: () => undefined, requeueAfter: () => undefined, requeueRateLimited: () => undefined,
  };
  // A rollout of 10 (max 13) half way: old 8, new 5. Scaled to 20 (max 25): 12 more to spread.
  const d = deployment(20);
  const oldRS = rs('old', 8, { created: 1, max: 13 });
  const newRS = rs('new', 5, { created: 2, max: 13 });
  await scale(ops, d, newRS, [oldRS]);
  assert.equal(oldRS.spec!.replicas, 15, '8 * 25 / 13 = 15.4 -> 15');
  assert.equal(newRS.spec!.replicas, 10, '5 * 25 / 13 = 9.6 -> 10');
  assert.equal(oldRS.spec!.replicas! + newRS.spec!.replicas!, 25);
  for (const u of updates) {
    assert.equal(u.metadata!.annotations!['deployment.kubernetes.io/desired-replicas'], '20');
    assert.equal(u.metadata!.annotations!['deployment.kubernetes.io/max-replicas'], '25');
  }
  assert.deepEqual(events.sort(), ['Scaled up replica set new from 5 to 10', 'Scaled up replica set old from 8 to 15']);
});
