/**
 * PodDisruptionBudget status with real kubectl: `kubectl get pdb` shows
 * ALLOWED DISRUPTIONS from minAvailable or maxUnavailable, an eviction uses
 * one disruption, and a budget at its limit refuses the next eviction.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.js';
import { startServer, type RunningServer } from '../harness/server.js';
import { startFakeCluster, type FakeCluster } from '../harness/fake-cluster.js';
import { findKubectl } from '../harness/clients.js';
import { eventually as poll, Kubectl } from '../harness/kubectl.js';
import { RESOURCES } from '../../src/client/index.js';

const bin = findKubectl(35);
const skip = bin.path ? false : `kubectl 1.35 unavailable: ${bin.reason}`;

async function eventually<T>(fn: () => Promise<T | undefined | false>, ms: number, what: string): Promise<T> {
  return (await poll(fn, ms, what)) as T;
}

let server: RunningServer;
let cluster: FakeCluster;
let kubectl: Kubectl;

before(async () => {
  if (skip) return;
  // No replicaset controller: the test plays it, creating the pods of a ReplicaSet itself.
  server = await startServer({ datastore: 'memory', args: ['--controllers', 'disruption'] });
  cluster = await startFakeCluster({ kubeconfig: server.kubeconfig, nodes: 2 });
  kubectl = new Kubectl(bin.path!, server.kubeconfig);
});
after(async () => {
  await cluster?.stop();
  await server?.stop();
});

async function replicaSetWithPods(ns: string, name: string, replicas: number, running: number): Promise<void> {
  const c = cluster.client;
  const rs = await c.create<ReplicaSet>(RESOURCES.replicasets, {
    apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name, namespace: ns },
    spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
  });
  for (let i = 0; i < running; i++) {
    await c.create<Pod>(RESOURCES.pods, {
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name: `${name}-${i}`, namespace: ns, labels: { app: name }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name, uid: rs.metadata!.uid!, controller: true }] },
      spec: { containers: [{ name: 'c', image: 'nginx' }] },
    });
  }
}

function pdbRow(ns: string, name: string): string[] {
  const out = kubectl.ok(['get', 'pdb', name, '-n', ns, '--no-headers']);
  return out.trim().split(/\s+/);
}

test('kubectl get pdb: ALLOWED DISRUPTIONS for minAvailable and maxUnavailable; evictions use them up', { skip }, async () => {
  const ns = 'budgets';
  kubectl.ok(['create', 'namespace', ns]);
  await replicaSetWithPods(ns, 'web', 4, 3);
  kubectl.ok(['create', 'pdb', 'min', '-n', ns, '--selector=app=web', '--min-available=2']);
  kubectl.ok(['create', 'pdb', 'max', '-n', ns, '--selector=app=web', '--max-unavailable=25%']);
  kubectl.ok(['create', 'pdb', 'none', '-n', ns, '--selector=app=nothing', '--min-available=1']);
  const header = kubectl.ok(['get', 'pdb', '-n', ns]).split('\n')[0]!;
  assert.match(header, /NAME\s+MIN AVAILABLE\s+MAX UNAVAILABLE\s+ALLOWED DISRUPTIONS\s+AGE/);

  // min: 3 healthy - 2 = 1. max: expected 4 (the ReplicaSet's scale), 25% of 4 rounds up to 1, so 3 desired and 0 allowed.
  await eventually(async () => pdbRow(ns, 'min')[3] === '1' && pdbRow(ns, 'max')[3] === '0', 15_000, 'allowed disruptions');
  const max = JSON.parse(kubectl.ok(['get', 'pdb', 'max', '-n', ns, '-o', 'json'])) as PodDisruptionBudget;
  assert.deepEqual({ ...max.status, conditions: undefined }, { observedGeneration: 1, currentHealthy: 3, desiredHealthy: 3, disruptionsAllowed: 0, expectedPods: 4, conditions: undefined });
  assert.equal(max.status!.conditions![0]!.type, 'DisruptionAllowed');
  assert.equal(max.status!.conditions![0]!.reason, 'InsufficientPods');
  const min = JSON.parse(kubectl.ok(['get', 'pdb', 'min', '-n', ns, '-o', 'json'])) as PodDisruptionBudget;
  assert.deepEqual([min.status!.expectedPods, min.status!.currentHealthy, min.status!.desiredHealthy], [3, 3, 2]);
  assert.equal(min.status!.conditions![0]!.reason, 'SufficientPods');
  assert.equal(min.status!.conditions![0]!.status, 'True');
  const none = JSON.parse(kubectl.ok(['get', 'pdb', 'none', '-n', ns, '-o', 'json'])) as PodDisruptionBudget;
  assert.equal(none.status?.disruptionsAllowed, 0);
  await eventually(async () => /NoPods\s.*disruption-controller\s+No matching pods found/.test(kubectl.ok(['describe', 'pdb', 'none', '-n', ns])), 10_000, 'NoPods event');

  // Raising the ReplicaSet's scale is seen by maxUnavailable (expected 6, 2 unavailable allowed, 4 desired).
  kubectl.ok(['scale', 'replicaset', 'web', '-n', ns, '--replicas=6']);
  await eventually(async () => {
    const p = JSON.parse(kubectl.ok(['get', 'pdb', 'max', '-n', ns, '-o', 'json'])) as PodDisruptionBudget;
    return p.status?.expectedPods === 6 && p.status.desiredHealthy === 4;
  }, 10_000, 'expectedPods follows the scale');
  kubectl.ok(['scale', 'replicaset', 'web', '-n', ns, '--replicas=4']);
  kubectl.ok(['delete', 'pdb', 'max', '-n', ns]);

  // One eviction is allowed by "min"; the next is refused once the controller counted the pod gone.
  const evict = (pod: string): Promise<unknown> => cluster.client.request('POST', `/api/v1/namespaces/${ns}/pods/${pod}/eviction`, {
    body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: pod, namespace: ns } },
  });
  await evict('web-0');
  await eventually(async () => pdbRow(ns, 'min')[3] === '0', 10_000, 'no disruptions left');
  const p = JSON.parse(kubectl.ok(['get', 'pdb', 'min', '-n', ns, '-o', 'json'])) as PodDisruptionBudget;
  assert.equal(p.status!.currentHealthy, 2);
  assert.equal(p.status!.disruptedPods, undefined, 'the evicted pod is gone, so its entry is dropped');
  await assert.rejects(evict('web-1'), (e: { code?: number }) => e.code === 429);
});
