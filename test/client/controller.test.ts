/**
 * The controller runner: workers never sync one key twice at once, failures
 * retry with back-off up to maxRetries and are then dropped, stop() is clean.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkQueue } from '../../src/client/work-queue.js';
import { ItemExponentialRateLimiter } from '../../src/client/rate-limiter.js';
import { startController } from '../../src/client/controller.js';
import { eventually } from '../harness/kubectl.js';

test('workers process keys, never the same key concurrently', async () => {
  const queue = new WorkQueue<string>({ metrics: false });
  const active = new Set<string>();
  let overlap = false;
  const counts = new Map<string, number>();
  const c = startController({
    name: 't', queue, workers: 4,
    async sync(key) {
      if (active.has(key)) overlap = true;
      active.add(key);
      await new Promise((r) => setTimeout(r, 5));
      counts.set(key, (counts.get(key) ?? 0) + 1);
      active.delete(key);
    },
  });
  for (let round = 0; round < 5; round++) {
    for (const k of ['a', 'b', 'c']) queue.add(k);
    await new Promise((r) => setTimeout(r, 2));
  }
  await eventually(() => queue.length === 0 && active.size === 0, 5000, 'drain');
  await c.stop();
  assert.equal(overlap, false);
  for (const k of ['a', 'b', 'c']) assert.ok((counts.get(k) ?? 0) >= 1);
});

test('a failing key is retried with back-off, then dropped after maxRetries', async () => {
  const queue = new WorkQueue<string>({ metrics: false, rateLimiter: new ItemExponentialRateLimiter({ baseMs: 1 }) });
  let calls = 0;
  const c = startController({ name: 't', queue, maxRetries: 3, async sync() { calls++; throw new Error('boom'); } });
  queue.add('k');
  await eventually(() => calls === 4, 5000, '1 try + 3 retries');
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(calls, 4, 'dropped after the bound');
  assert.equal(queue.numRequeues('k'), 0, 'forgotten when dropped');
  await c.stop();
});

test('success forgets the back-off', async () => {
  const queue = new WorkQueue<string>({ metrics: false, rateLimiter: new ItemExponentialRateLimiter({ baseMs: 1 }) });
  let calls = 0;
  const c = startController({ name: 't', queue, async sync() { calls++; if (calls < 3) throw new Error('not yet'); } });
  queue.add('k');
  await eventually(() => calls === 3, 5000, 'success on the third try');
  await eventually(() => queue.numRequeues('k') === 0, 1000, 'forget');
  await c.stop();
});

test('stop waits for in-flight syncs and ends the workers', async () => {
  const queue = new WorkQueue<string>({ metrics: false });
  let finished = false;
  const c = startController({ name: 't', queue, workers: 2, async sync() { await new Promise((r) => setTimeout(r, 50)); finished = true; } });
  queue.add('k');
  await new Promise((r) => setTimeout(r, 10));
  await c.stop();
  assert.equal(finished, true);
  queue.add('after');
  assert.equal(queue.length, 0);
});
