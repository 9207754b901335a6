/**
 * The namespace deletion conditions: upstream's reasons and messages, the
 * "ok" variants, and lastTransitionTime moving only when status flips.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Namespace } from 'kubernetes-types/core/v1.js';
import { NamespaceConditionUpdater, CONDITION_TYPES } from '../../src/controllers/namespace-conditions.js';

test('all five conditions are written; failures are True with upstream texts', () => {
  const ns: Namespace = { metadata: { name: 'x' } };
  const u = new NamespaceConditionUpdater();
  u.processDeleteContentErr(new Error('b failed'));
  u.processDeleteContentErr(new Error('a failed'));
  u.processDiscoverResourcesErr(new Error('unable to retrieve the complete list of server APIs: x/v1: boom'), 1);
  u.processContentTotals({
    remainingByResource: new Map([['pods.', 2], ['widgets.example.com', 1]]),
    remainingByFinalizer: new Map([['example.com/b', 1], ['example.com/a', 2]]),
  });
  assert.equal(u.update(ns), true);
  const c = Object.fromEntries((ns.status?.conditions ?? []).map((x) => [x.type, x]));
  assert.deepEqual(Object.keys(c), [...CONDITION_TYPES]);
  assert.equal(c['NamespaceDeletionContentFailure'].message, 'Failed to delete all resource types, 2 remaining: a failed, b failed');
  assert.equal(c['NamespaceDeletionContentFailure'].reason, 'ContentDeletionFailed');
  assert.equal(c['NamespaceDeletionDiscoveryFailure'].message,
    'Discovery failed for some groups, 1 failing: unable to retrieve the complete list of server APIs: x/v1: boom');
  assert.equal(c['NamespaceContentRemaining'].message, 'Some resources are remaining: pods. has 2 resource instances, widgets.example.com has 1 resource instances');
  assert.equal(c['NamespaceFinalizersRemaining'].message, 'Some content in the namespace has finalizers remaining: example.com/a in 2 resource instances, example.com/b in 1 resource instances');
  assert.equal(c['NamespaceDeletionGroupVersionParsingFailure'].status, 'False');
  assert.equal(c['NamespaceDeletionGroupVersionParsingFailure'].message, 'All legacy kube types successfully parsed');
});

test('an unchanged pass reports no change; a fixed failure flips to False with a new transition time', () => {
  const ns: Namespace = { metadata: { name: 'x' } };
  const fail = new NamespaceConditionUpdater();
  fail.processContentTotals({ remainingByResource: new Map([['configmaps.', 1]]), remainingByFinalizer: new Map() });
  fail.update(ns);
  const again = new NamespaceConditionUpdater();
  again.processContentTotals({ remainingByResource: new Map([['configmaps.', 1]]), remainingByFinalizer: new Map() });
  assert.equal(again.update(ns), false);
  const cond = ns.status!.conditions!.find((x) => x.type === 'NamespaceContentRemaining')!;
  (cond as { lastTransitionTime?: string }).lastTransitionTime = '2000-01-01T00:00:00Z';
  assert.equal(new NamespaceConditionUpdater().update(ns), true);
  assert.equal(cond.status, 'False');
  assert.equal(cond.reason, 'ContentRemoved');
  assert.equal(cond.message, 'All content successfully removed');
  assert.notEqual(cond.lastTransitionTime, '2000-01-01T00:00:00Z');
});
