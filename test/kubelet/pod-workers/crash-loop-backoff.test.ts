import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../src/client/clock.js';
import { CrashLoopBackOff, backOffKey, formatGoDuration } from '../../../src/kubelet/pod-workers/crash-loop-backoff.js';
import { c, exited, pod } from './fixtures.js';

const KEY = 'u1_app_00000000';

/** One crash: the container started now, ran `runMs`, exited; returns the exit time. */
function crash(clock: FakeClock, b: CrashLoopBackOff, lastExit: number | undefined, runMs: number): number {
  b.next(KEY, lastExit ?? clock.now());
  clock.step(runMs);
  return clock.now();
}

test('back-off: 10s, doubling, capped at 5m', () => {
  const clock = new FakeClock(0);
  const b = new CrashLoopBackOff({ clock });
  const seen: number[] = [];
  let exit: number | undefined;
  for (let i = 0; i < 8; i++) {
    exit = crash(clock, b, exit, 1_000);
    seen.push(b.get(KEY) / 1000);
    clock.step(b.get(KEY));
  }
  assert.deepEqual(seen, [10, 20, 40, 80, 160, 300, 300, 300]);
});

test('back-off: in back-off until the delay has passed since the exit', () => {
  const clock = new FakeClock(0);
  const b = new CrashLoopBackOff({ clock });
  assert.equal(b.isInBackOffSince(KEY, 0), false, 'no entry: start at once');
  b.next(KEY, 0);
  clock.step(2_000);
  const exitAt = clock.now();
  assert.equal(b.isInBackOffSince(KEY, exitAt), true);
  clock.step(9_999);
  assert.equal(b.isInBackOffSince(KEY, exitAt), true);
  clock.step(1);
  assert.equal(b.isInBackOffSince(KEY, exitAt), false);
});

test('back-off: resets after the container ran fine for 10 minutes', () => {
  const clock = new FakeClock(0);
  const b = new CrashLoopBackOff({ clock });
  let exit: number | undefined;
  for (let i = 0; i < 4; i++) { exit = crash(clock, b, exit, 1_000); clock.step(b.get(KEY)); }
  assert.equal(b.get(KEY), 80_000);
  exit = crash(clock, b, exit, 600_001);
  assert.equal(b.isInBackOffSince(KEY, exit), false, 'a stale entry does not hold the restart');
  b.next(KEY, exit);
  assert.equal(b.get(KEY), 10_000);
});

test('back-off: ten minutes exactly is not yet a reset', () => {
  const clock = new FakeClock(0);
  const b = new CrashLoopBackOff({ clock });
  b.next(KEY, 0);
  clock.step(600_000);
  b.next(KEY, clock.now());
  assert.equal(b.get(KEY), 20_000);
});

test('back-off: gc and reset forget entries', () => {
  const clock = new FakeClock(0);
  const b = new CrashLoopBackOff({ clock });
  b.next('a', 0);
  b.next('b', 0);
  b.reset('a');
  assert.equal(b.get('a'), 0);
  clock.step(600_001);
  b.gc();
  assert.equal(b.get('b'), 0);
});

test('back-off: key is pod uid, container name and hash', () => {
  const p = pod({});
  assert.match(backOffKey(p, c('app')), /^u1_app_[0-9a-f]{8}$/);
  assert.notEqual(backOffKey(p, c('app')), backOffKey(p, c('app', { image: 'other' })));
});

test('back-off: check() gives upstream\'s message while waiting', () => {
  const clock = new FakeClock(0);
  const b = new CrashLoopBackOff({ clock });
  const p = pod({});
  const spec = c('app');
  const ex = exited(spec, 1, { finishedAt: 0 });
  const check = b.check(p);
  assert.equal(check(spec, ex), undefined);
  b.next(backOffKey(p, spec), 0);
  b.next(backOffKey(p, spec), 0);
  assert.equal(check(spec, ex), 'back-off 20s restarting failed container=app pod=web_default(u1)');
  clock.step(20_000);
  assert.equal(check(spec, ex), undefined);
});

test('Go duration format', () => {
  assert.deepEqual([10_000, 80_000, 160_000, 300_000, 3_723_000].map(formatGoDuration), ['10s', '1m20s', '2m40s', '5m0s', '1h2m3s']);
});
