/**
 * The scheduling queue on a fake clock: priority order, back-off after a
 * failure, unschedulable pods moved back only by events their rejecting
 * plugins care about, and the moveRequestCycle rule for in-flight pods.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../src/client/index.js';
import { newPodInfo } from '../../src/scheduler/framework/pod-info.js';
import { newPrioritySort } from '../../src/scheduler/plugins/priority-sort.js';
import { SchedulingQueue } from '../../src/scheduler/queue.js';
import { pod } from './fixtures.js';

function queue(clock: FakeClock): SchedulingQueue {
  return new SchedulingQueue({
    less: newPrioritySort().less, clock, initialBackoffMs: 1000, maxBackoffMs: 4000,
    eventMatters: (plugins, ev) => plugins.has('NodeResourcesFit') && ev.resource === 'AssignedPod' && ev.action === 'Delete',
  });
}

test('pops higher priority first, then the older pod', async () => {
  const clock = new FakeClock();
  const q = queue(clock);
  q.add(newPodInfo(pod('low-old', { priority: 1 })));
  clock.step(10);
  q.add(newPodInfo(pod('high', { priority: 10 })));
  clock.step(10);
  q.add(newPodInfo(pod('low-new', { priority: 1 })));
  const order = [];
  for (let i = 0; i < 3; i++) order.push((await q.pop())!.info.pod.metadata!.name);
  assert.deepEqual(order, ['high', 'low-old', 'low-new']);
});

test('an unschedulable pod waits for an event its plugin registered, then for its back-off', async () => {
  const clock = new FakeClock();
  const q = queue(clock);
  q.add(newPodInfo(pod('p')));
  const first = (await q.pop())!;
  first.unschedulablePlugins = new Set(['NodeResourcesFit']);
  q.addUnschedulableIfNotPresent(first, q.cycle, false);
  assert.deepEqual(q.sizes(), { active: 0, backoff: 0, unschedulable: 1 });
  q.moveAllToActiveOrBackoffQueue({ resource: 'Node', action: 'UpdateNodeLabel' });
  assert.deepEqual(q.sizes(), { active: 0, backoff: 0, unschedulable: 1 }, 'an event no rejecting plugin registered leaves it');
  q.moveAllToActiveOrBackoffQueue({ resource: 'AssignedPod', action: 'Delete' });
  assert.deepEqual(q.sizes(), { active: 0, backoff: 1, unschedulable: 0 }, 'still backing off');
  clock.step(999);
  q.flushBackoffCompleted();
  assert.equal(q.sizes().backoff, 1);
  clock.step(1);
  q.flushBackoffCompleted();
  assert.deepEqual(q.sizes(), { active: 1, backoff: 0, unschedulable: 0 });
  const second = (await q.pop())!;
  assert.equal(second.attempts, 2);
});

test('an event during the attempt sends the failed pod to back-off, not unschedulable', async () => {
  const clock = new FakeClock();
  const q = queue(clock);
  q.add(newPodInfo(pod('p')));
  const p = (await q.pop())!;
  const cycle = q.cycle;
  q.moveAllToActiveOrBackoffQueue({ resource: 'Node', action: 'Add' });
  p.unschedulablePlugins = new Set(['NodeResourcesFit']);
  q.addUnschedulableIfNotPresent(p, cycle, false);
  assert.deepEqual(q.sizes(), { active: 0, backoff: 1, unschedulable: 0 });
});

test('a spec change retries an unschedulable pod; deletion removes it and its nomination', async () => {
  const clock = new FakeClock();
  const q = queue(clock);
  const info = newPodInfo(pod('p'));
  q.add(info);
  const p = (await q.pop())!;
  q.addUnschedulableIfNotPresent(p, q.cycle, false);
  q.nominate(info, 'n1');
  assert.equal(q.nominatedPodsForNode('n1').length, 1);
  clock.step(5000);
  q.update(newPodInfo(pod('p', { nodeSelector: { a: 'b' } })));
  assert.deepEqual(q.sizes(), { active: 1, backoff: 0, unschedulable: 0 });
  q.delete(info.key);
  assert.deepEqual(q.sizes(), { active: 0, backoff: 0, unschedulable: 0 });
  assert.equal(q.nominatedPodsForNode('n1').length, 0);
});
