/**
 * WorkQueue and rate limiter semantics (client-go's workqueue contract), with
 * a fake clock: dedup, no concurrent processing of one key, back-off growth,
 * delayed adds, shutdown.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { WorkQueue } from '../../src/client/work-queue.js';
import { ItemExponentialRateLimiter } from '../../src/client/rate-limiter.js';
import { FakeClock } from '../../src/client/clock.js';

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

test('add deduplicates while the item waits', async () => {
  const q = new WorkQueue<string>({ metrics: false });
  q.add('a'); q.add('b'); q.add('a');
  assert.equal(q.length, 2);
  assert.equal(await q.get(), 'a');
  assert.equal(await q.get(), 'b');
  assert.equal(q.length, 0);
});

test('a key being processed is not handed out again until done', async () => {
  const q = new WorkQueue<string>({ metrics: false });
  q.add('a');
  const first = await q.get();
  assert.equal(first, 'a');
  q.add('a');
  q.add('a');
  assert.equal(q.length, 0, 're-added while processing: held back');
  let second: string | undefined;
  void q.get().then((k) => { second = k; });
  await tick();
  assert.equal(second, undefined, 'no second worker gets it');
  q.done('a');
  await tick();
  assert.equal(second, 'a', 'handed out once, after done');
  q.done('a');
  assert.equal(q.length, 0);
});

test('done without a re-add does not requeue', async () => {
  const q = new WorkQueue<string>({ metrics: false });
  q.add('x');
  await q.get();
  q.done('x');
  assert.equal(q.length, 0);
});

test('waiting getters are served in order, one item each', async () => {
  const q = new WorkQueue<string>({ metrics: false });
  const got: (string | undefined)[] = [];
  const g1 = q.get().then((k) => got.push(k));
  const g2 = q.get().then((k) => got.push(k));
  q.add('a'); q.add('b');
  await Promise.all([g1, g2]);
  assert.deepEqual(got.sort(), ['a', 'b']);
});

test('rate limiter: 5 ms doubling, capped at 1000 s, forget resets', () => {
  const rl = new ItemExponentialRateLimiter<string>();
  const ds = Array.from({ length: 5 }, () => rl.when('k'));
  assert.deepEqual(ds, [5, 10, 20, 40, 80]);
  assert.equal(rl.numRequeues('k'), 5);
  for (let i = 0; i < 40; i++) rl.when('k');
  assert.equal(rl.when('k'), 1_000_000);
  assert.equal(rl.when('other'), 5, 'per item');
  rl.forget('k');
  assert.equal(rl.numRequeues('k'), 0);
  assert.equal(rl.when('k'), 5);
});

test('addRateLimited re-adds after growing delays; forget restarts them', async () => {
  const clock = new FakeClock();
  const q = new WorkQueue<string>({ clock, metrics: false });
  q.addRateLimited('k');
  assert.equal(q.length, 0);
  clock.step(4);
  assert.equal(q.length, 0);
  clock.step(1);
  assert.equal(q.length, 1, 'after 5 ms');
  assert.equal(await q.get(), 'k');
  q.done('k');
  q.addRateLimited('k');
  clock.step(9);
  assert.equal(q.length, 0);
  clock.step(1);
  assert.equal(q.length, 1, 'after 10 ms');
  assert.equal(q.numRequeues('k'), 2);
  await q.get(); q.done('k');
  q.forget('k');
  assert.equal(q.numRequeues('k'), 0);
  q.addRateLimited('k');
  clock.step(5);
  assert.equal(q.length, 1, 'back to 5 ms after forget');
});

test('addAfter keeps the earliest of several requests and dedups with add', async () => {
  const clock = new FakeClock();
  const q = new WorkQueue<string>({ clock, metrics: false });
  q.addAfter('k', 100);
  q.addAfter('k', 50);
  q.addAfter('k', 200);
  clock.step(49);
  assert.equal(q.length, 0);
  clock.step(1);
  assert.equal(q.length, 1);
  clock.step(500);
  assert.equal(q.length, 1, 'one add only');
  assert.equal(clock.pending(), 0);
  q.addAfter('n', 0);
  assert.equal(q.length, 2, 'zero delay adds now');
});

test('shutDown: adds refused, queued items drained, then get resolves undefined', async () => {
  const clock = new FakeClock();
  const q = new WorkQueue<string>({ clock, metrics: false });
  q.add('a');
  q.addAfter('later', 10);
  const waiting = new WorkQueue<string>({ metrics: false });
  const pending = waiting.get();
  waiting.shutDown();
  assert.equal(await pending, undefined, 'a blocked getter is released');
  q.shutDown();
  q.add('b');
  clock.step(100);
  assert.equal(q.length, 1);
  assert.equal(await q.get(), 'a');
  assert.equal(await q.get(), undefined);
  assert.equal(q.shuttingDown, true);
});

test('metrics: depth, adds and retries labelled by queue name', async () => {
  const registry = new Registry();
  const clock = new FakeClock();
  const q = new WorkQueue<string>({ name: 'test-q', clock, metrics: registry });
  q.add('a'); q.add('b'); q.add('a');
  q.addRateLimited('c');
  const text = await registry.metrics();
  assert.match(text, /workqueue_depth\{name="test-q"\} 2/);
  assert.match(text, /workqueue_adds_total\{name="test-q"\} 2/);
  assert.match(text, /workqueue_retries_total\{name="test-q"\} 1/);
  const again = new WorkQueue<string>({ name: 'other', metrics: registry });
  again.add('z');
  assert.match(await registry.metrics(), /workqueue_adds_total\{name="other"\} 1/);
});
