/**
 * The garbage collector's owner graph on its own (no server): which nodes it
 * queues for attemptToDelete / attemptToOrphan as objects come, change and go.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import { AbsentOwnerCache } from '../../src/controllers/garbage-collector/absent-owner-cache.js';
import { OwnerGraph, type ObservedObject } from '../../src/controllers/garbage-collector/graph.js';

function setup(): { graph: OwnerGraph; deletes: string[]; orphans: string[]; absent: AbsentOwnerCache } {
  const deletes: string[] = [];
  const orphans: string[] = [];
  const absent = new AbsentOwnerCache();
  const graph = new OwnerGraph({ attemptToDelete: (n) => deletes.push(n.uid), attemptToOrphan: (n) => orphans.push(n.uid) }, absent);
  return { graph, deletes, orphans, absent };
}

function cm(name: string, opts: { owners?: OwnerReference[]; deleting?: 'orphan' | 'foreground' | 'other'; ns?: string } = {}): ObservedObject {
  return {
    identity: { apiVersion: 'v1', kind: 'ConfigMap', namespace: opts.ns ?? 'ns', name, uid: `uid-${name}` },
    ownerReferences: opts.owners ?? [],
    beingDeleted: opts.deleting !== undefined,
    deletingDependents: opts.deleting === 'foreground',
    waitingForOrphaning: opts.deleting === 'orphan',
  };
}

const ref = (name: string, extra: Partial<OwnerReference> = {}): OwnerReference =>
  ({ apiVersion: 'v1', kind: 'ConfigMap', name, uid: `uid-${name}`, ...extra });

test('an owner not observed yet is a virtual node, queued for a live lookup; observing it makes it real', () => {
  const { graph, deletes } = setup();
  graph.observe(cm('dep', { owners: [ref('owner')] }));
  const owner = graph.get('uid-owner')!;
  assert.equal(owner.virtual, true);
  assert.deepEqual([...owner.dependents].map((d) => d.uid), ['uid-dep']);
  assert.deepEqual(deletes, ['uid-owner']);
  graph.observe(cm('owner'));
  assert.equal(graph.get('uid-owner')!.virtual, false);
  assert.deepEqual(deletes, ['uid-owner'], 'nothing more to do');
});

test('an owner that goes queues its dependents and is remembered as absent', () => {
  const { graph, deletes, absent } = setup();
  graph.observe(cm('owner'));
  graph.observe(cm('a', { owners: [ref('owner')] }));
  graph.observe(cm('b', { owners: [ref('owner')] }));
  graph.observeDeleted(cm('owner'));
  assert.equal(graph.get('uid-owner'), undefined);
  assert.deepEqual([...new Set(deletes)].sort(), ['uid-a', 'uid-b'], 'both queued (the queue drops repeats)');
  assert.equal(absent.has(cm('owner').identity), true);
});

test('a virtual delete removes a virtual owner only when every dependent meant those coordinates', () => {
  const { graph, deletes } = setup();
  graph.observe(cm('a', { owners: [ref('owner')], ns: 'one' }));
  graph.observe(cm('b', { owners: [ref('owner')], ns: 'two' }));
  deletes.length = 0;
  graph.virtualDelete({ ...cm('owner').identity, namespace: 'one' });
  assert.deepEqual(deletes, ['uid-a', 'uid-owner'], 'a is queued; the owner is looked up again where b says');
  assert.equal(graph.get('uid-owner')!.identity.namespace, 'two');
  deletes.length = 0;
  graph.virtualDelete({ ...cm('owner').identity, namespace: 'two' });
  assert.equal(graph.get('uid-owner'), undefined);
  assert.deepEqual([...new Set(deletes)].sort(), ['uid-a', 'uid-b'], 'both queued (the queue drops repeats)');
});

test('orphan: an owner being deleted with the orphan finalizer is queued for orphaning on each observation', () => {
  const { graph, orphans } = setup();
  graph.observe(cm('owner'));
  graph.observe(cm('dep', { owners: [ref('owner')] }));
  assert.deepEqual(orphans, []);
  graph.observe(cm('owner', { deleting: 'orphan' }));
  graph.observe(cm('owner', { deleting: 'orphan' }));
  assert.deepEqual(orphans, ['uid-owner', 'uid-owner']);
});

test('foreground: dependents are queued once when the owner starts; the owner again whenever a blocker goes or stops blocking', () => {
  const { graph, deletes } = setup();
  graph.observe(cm('owner'));
  graph.observe(cm('blocker', { owners: [ref('owner', { blockOwnerDeletion: true })] }));
  graph.observe(cm('free', { owners: [ref('owner')] }));
  graph.observe(cm('owner', { deleting: 'foreground' }));
  assert.deepEqual(deletes.sort(), ['uid-blocker', 'uid-free', 'uid-owner']);
  assert.deepEqual(graph.get('uid-owner')!.blockingDependents().map((d) => d.uid), ['uid-blocker']);

  deletes.length = 0;
  graph.observe(cm('blocker', { owners: [ref('owner', { blockOwnerDeletion: false })] }));
  assert.deepEqual(deletes, ['uid-owner'], 'stopped blocking');
  assert.deepEqual(graph.get('uid-owner')!.blockingDependents(), []);

  deletes.length = 0;
  graph.observeDeleted(cm('free', { owners: [ref('owner')] }));
  assert.deepEqual(deletes, ['uid-owner'], 'a dependent went');

  deletes.length = 0;
  graph.observe(cm('late', { owners: [ref('owner', { blockOwnerDeletion: true })] }));
  assert.deepEqual(deletes, ['uid-late'], 'a dependent seen late is queued too');
});

test('a removed ownerReference detaches the dependent; a virtual owner left with none is dropped', () => {
  const { graph } = setup();
  graph.observe(cm('dep', { owners: [ref('ghost'), ref('owner')] }));
  graph.observe(cm('owner'));
  graph.observe(cm('dep', { owners: [ref('owner')] }));
  assert.equal(graph.get('uid-ghost'), undefined);
  assert.deepEqual([...graph.get('uid-owner')!.dependents].map((d) => d.uid), ['uid-dep']);
});
