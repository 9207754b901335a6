/** The EndpointSlice reconciler: conditions, slice size, little churn, placeholders. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Node, Pod, Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { desiredPortGroups, endpointForPod, reconcileSlices } from '../../src/controllers/endpointslice/index.js';

const svc: Service = {
  apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'ns', uid: 'svc-uid', labels: { team: 'x' } },
  spec: { selector: { app: 'web' }, clusterIP: '10.43.0.10', ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] },
};

function pod(i: number, opts: { ready?: boolean; deleting?: boolean } = {}): Pod {
  return {
    metadata: { name: `p${i}`, namespace: 'ns', uid: `uid-${i}`, labels: { app: 'web' }, ...(opts.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
    spec: { nodeName: 'n1', containers: [{ name: 'c' }] },
    status: { phase: 'Running', podIP: `10.0.0.${i}`, conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True' }] },
  };
}

const node: Node = { metadata: { name: 'n1', labels: { 'topology.kubernetes.io/zone': 'z1' } } };
let counter = 0;

/** Applies a plan to a list of slices as the API server would (names, resourceVersions). */
function apply(existing: EndpointSlice[], pods: Pod[], max: number, service: Service = svc): { slices: EndpointSlice[]; writes: number } {
  const plan = reconcileSlices({ service, desired: desiredPortGroups(service, pods, () => node), existing, maxEndpointsPerSlice: max });
  const deleted = new Set(plan.delete.map((s) => s.metadata!.name));
  const updated = new Map(plan.update.map((s) => [s.metadata!.name, s]));
  const slices = existing.filter((s) => !deleted.has(s.metadata!.name)).map((s) => updated.get(s.metadata!.name) ?? s);
  for (const c of plan.create) slices.push({ ...c, metadata: { ...c.metadata, name: `web-${++counter}` } });
  return { slices, writes: plan.create.length + plan.update.length + plan.delete.length };
}

const count = (slices: EndpointSlice[]): number => slices.reduce((n, s) => n + (s.endpoints?.length ?? 0), 0);

test('endpoint conditions: ready, serving, terminating; zone from the node', () => {
  assert.deepEqual(endpointForPod(svc, pod(1), node), {
    addresses: ['10.0.0.1'], conditions: { ready: true, serving: true, terminating: false },
    targetRef: { kind: 'Pod', namespace: 'ns', name: 'p1', uid: 'uid-1' }, nodeName: 'n1', zone: 'z1',
  });
  assert.deepEqual(endpointForPod(svc, pod(2, { deleting: true }), undefined)!.conditions, { ready: false, serving: true, terminating: true });
  assert.deepEqual(endpointForPod(svc, pod(3, { ready: false }), undefined)!.conditions, { ready: false, serving: false, terminating: false });
  const publish = { ...svc, spec: { ...svc.spec, publishNotReadyAddresses: true } };
  assert.deepEqual(endpointForPod(publish, pod(2, { deleting: true }), undefined)!.conditions, { ready: true, serving: true, terminating: true });
});

test('new slices hold at most maxEndpointsPerSlice, with labels, owner and generateName', () => {
  const { slices } = apply([], Array.from({ length: 5 }, (_, i) => pod(i + 1)), 2);
  assert.deepEqual(slices.map((s) => s.endpoints.length).sort(), [1, 2, 2]);
  for (const s of slices) {
    assert.equal(s.metadata!.generateName, 'web-');
    assert.deepEqual(s.metadata!.labels, { team: 'x', 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' });
    assert.deepEqual(s.metadata!.ownerReferences, [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: 'svc-uid', controller: true, blockOwnerDeletion: true }]);
    assert.equal(s.addressType, 'IPv4');
    assert.deepEqual(s.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
  }
});

test('nothing changed: no writes; one pod changed: one slice rewritten', () => {
  const pods = Array.from({ length: 6 }, (_, i) => pod(i + 1));
  const first = apply([], pods, 2).slices;
  assert.equal(apply(first, pods, 2).writes, 0);
  const changed = pods.map((p, i) => (i === 3 ? pod(4, { ready: false }) : p));
  const plan = reconcileSlices({ service: svc, desired: desiredPortGroups(svc, changed, () => node), existing: first, maxEndpointsPerSlice: 2 });
  assert.equal(plan.create.length + plan.delete.length, 0);
  assert.equal(plan.update.length, 1);
  assert.ok(plan.update[0]!.endpoints.some((e) => e.addresses[0] === '10.0.0.4' && e.conditions?.ready === false));
});

test('a new endpoint goes into a slice with room instead of a new slice; removed ones shrink their slice', () => {
  const pods = Array.from({ length: 3 }, (_, i) => pod(i + 1));
  const first = apply([], pods, 2).slices; // 2 + 1
  const added = apply(first, [...pods, pod(4)], 2);
  assert.equal(added.slices.length, 2);
  assert.equal(added.writes, 1);
  assert.equal(count(added.slices), 4);
  const removed = apply(added.slices, [pod(1), pod(4)], 2);
  assert.equal(count(removed.slices), 2);
  assert.ok(removed.slices.length <= 2);
});

test('no endpoints: one empty placeholder slice, kept rather than recreated', () => {
  const first = apply([], [], 100);
  assert.equal(first.slices.length, 1);
  assert.deepEqual(first.slices[0]!.endpoints, []);
  assert.equal(apply(first.slices, [], 100).writes, 0);
  const withPods = apply(first.slices, [pod(1)], 100);
  assert.equal(withPods.slices.length, 1);
  assert.equal(count(withPods.slices), 1);
  const emptied = apply(withPods.slices, [], 100);
  assert.equal(emptied.slices.length, 1);
  assert.deepEqual(emptied.slices[0]!.endpoints, []);
});

test('changed service labels rewrite the slices; changed target port moves endpoints to a slice of the new port set', () => {
  const pods = [pod(1), pod(2)];
  const first = apply([], pods, 100).slices;
  const relabelled = { ...svc, metadata: { ...svc.metadata, labels: { team: 'y' } } };
  const r = apply(first, pods, 100, relabelled);
  assert.equal(r.writes, 1);
  assert.equal(r.slices[0]!.metadata!.labels!['team'], 'y');
  const newPort = { ...svc, spec: { ...svc.spec, ports: [{ name: 'http', port: 80, targetPort: 9090, protocol: 'TCP' }] } };
  const moved = apply(first, pods, 100, newPort);
  assert.equal(moved.slices.length, 1);
  assert.equal(moved.slices[0]!.ports![0]!.port, 9090);
  assert.equal(count(moved.slices), 2);
});
