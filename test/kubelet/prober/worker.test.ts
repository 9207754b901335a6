/**
 * The probe worker's rules on a fake clock: thresholds, initial delay,
 * initial results, startup gating, hold after a liveness failure, and the
 * period of its loop.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Container, Pod, Probe } from 'kubernetes-types/core/v1.js';
import { FakeClock } from '../../../src/client/index.js';
import { ProbeWorker, ResultsCache, type ProbeResult, type ProbeType } from '../../../src/kubelet/prober/index.js';
import type { RuntimeContainer } from '../../../src/kubelet/pod-workers/runtime-pod.js';

function instance(id: string, startedAt: number, state: RuntimeContainer['state'] = 'RUNNING'): RuntimeContainer {
  return { id, name: 'app', state, restartCount: 0, exitCode: 0, reason: '', message: '', createdAt: startedAt, startedAt, finishedAt: 0, hash: '', image: 'i', imageRef: 'i', type: 'regular' };
}

interface Harness {
  clock: FakeClock;
  worker: ProbeWorker;
  results: ResultsCache;
  changes: Array<[string, ProbeResult]>;
  /** Results the probe returns next, in order (then Success). */
  next: ProbeResult[];
  probes: number;
  current: RuntimeContainer | undefined;
  pod: Pod;
  started: boolean;
}

function harness(type: ProbeType, probe: Probe, pod: Partial<Pod> = {}): Harness {
  const clock = new FakeClock();
  const h = {
    clock, changes: [], next: [], probes: 0, started: true,
    current: instance('c1', clock.now()),
    pod: { metadata: { name: 'p', namespace: 'ns', uid: 'u1' }, spec: { containers: [] }, status: { phase: 'Running' }, ...pod },
  } as unknown as Harness;
  h.results = new ResultsCache((id, r) => h.changes.push([id, r]));
  const container: Container = { name: 'app' };
  h.worker = new ProbeWorker({
    type, container, probe, results: h.results, clock,
    view: () => ({ pod: h.pod, podIP: '10.0.0.1', container: () => h.current, started: () => h.started }),
    runProbe: async () => { h.probes++; return h.next.shift() ?? 'Success'; },
  });
  return h;
}

test('readiness: Failure until the first success, then successThreshold passes in a row to become ready', async () => {
  const h = harness('Readiness', { successThreshold: 2, failureThreshold: 3 });
  h.next = ['Success', 'Failure', 'Success', 'Success'];
  await h.worker.doProbe();
  assert.equal(h.results.get('c1'), 'Failure', 'the initial readiness result is Failure');
  await h.worker.doProbe();
  await h.worker.doProbe();
  assert.equal(h.results.get('c1'), 'Failure', 'a broken run of successes does not count');
  await h.worker.doProbe();
  assert.equal(h.results.get('c1'), 'Success');
  assert.equal(h.probes, 4);
});

test('failureThreshold failures in a row turn a ready container unready; fewer do not', async () => {
  const h = harness('Readiness', { failureThreshold: 3 });
  await h.worker.doProbe();
  assert.equal(h.results.get('c1'), 'Success');
  h.next = ['Failure', 'Failure', 'Success', 'Failure', 'Failure'];
  for (let i = 0; i < 5; i++) await h.worker.doProbe();
  assert.equal(h.results.get('c1'), 'Success');
  h.next = ['Failure'];
  await h.worker.doProbe();
  assert.equal(h.results.get('c1'), 'Failure');
  assert.deepEqual(h.changes, [['c1', 'Failure'], ['c1', 'Success'], ['c1', 'Failure']]);
});

test('no probe before initialDelaySeconds have passed since the container started', async () => {
  const h = harness('Liveness', { initialDelaySeconds: 10 });
  h.clock.step(9_999);
  await h.worker.doProbe();
  assert.equal(h.probes, 0);
  assert.equal(h.results.get('c1'), 'Success', 'the initial liveness result is Success');
  h.clock.step(1);
  await h.worker.doProbe();
  assert.equal(h.probes, 1);
});

test('liveness: a failure at the threshold holds the worker until a new container instance, which starts from Success', async () => {
  const h = harness('Liveness', { failureThreshold: 2 });
  h.next = ['Failure', 'Failure', 'Failure'];
  await h.worker.doProbe();
  assert.equal(h.results.get('c1'), 'Success');
  await h.worker.doProbe();
  assert.equal(h.results.get('c1'), 'Failure');
  await h.worker.doProbe();
  await h.worker.doProbe();
  assert.equal(h.probes, 2, 'on hold: not probed again');
  h.current = instance('c2', h.clock.now());
  await h.worker.doProbe();
  assert.equal(h.results.get('c1'), undefined, 'the old instance is forgotten');
  assert.equal(h.results.get('c2'), 'Success');
  assert.equal(h.probes, 3);
});

test('startup gates liveness and readiness, and stops once started', async () => {
  const live = harness('Liveness', {});
  live.started = false;
  await live.worker.doProbe();
  assert.equal(live.probes, 0);
  live.started = true;
  await live.worker.doProbe();
  assert.equal(live.probes, 1);

  const startup = harness('Startup', { failureThreshold: 1 });
  startup.started = false;
  await startup.worker.doProbe();
  assert.equal(startup.results.get('c1'), 'Success');
  startup.started = true;
  await startup.worker.doProbe();
  assert.equal(startup.probes, 1, 'a started container is not startup-probed again');

  const failing = harness('Startup', { failureThreshold: 2 });
  failing.started = false;
  failing.next = ['Failure', 'Failure'];
  await failing.worker.doProbe();
  assert.equal(failing.results.get('c1'), 'Unknown', 'the initial startup result is Unknown');
  await failing.worker.doProbe();
  assert.equal(failing.results.get('c1'), 'Failure');
});

test('a container not running is a Failure; one that exited under restartPolicy Never stops the worker, as does a terminal pod', async () => {
  const h = harness('Readiness', {}, { spec: { containers: [], restartPolicy: 'Never' } });
  h.current = instance('c1', h.clock.now(), 'EXITED');
  assert.equal(await h.worker.doProbe(), false);
  assert.equal(h.results.get('c1'), 'Failure');
  const t = harness('Readiness', {}, { status: { phase: 'Succeeded' } });
  assert.equal(await t.worker.doProbe(), false);
  assert.equal(t.probes, 0);
});

test('a pod being deleted: liveness reports Success and stops; readiness keeps probing', async () => {
  const live = harness('Liveness', {}, { metadata: { name: 'p', uid: 'u1', deletionTimestamp: '2026-01-01T00:00:00Z' } });
  live.next = ['Failure'];
  assert.equal(await live.worker.doProbe(), false);
  assert.equal(live.results.get('c1'), 'Success');
  assert.equal(live.probes, 0);
  const ready = harness('Readiness', {}, { metadata: { name: 'p', uid: 'u1', deletionTimestamp: '2026-01-01T00:00:00Z' } });
  assert.equal(await ready.worker.doProbe(), true);
  assert.equal(ready.probes, 1);
});

test('an errored probe (Unknown) changes nothing', async () => {
  const h = harness('Readiness', {});
  h.next = ['Unknown'];
  await h.worker.doProbe();
  assert.equal(h.results.get('c1'), 'Failure');
  assert.deepEqual(h.changes, [['c1', 'Failure']]);
});

test('the loop probes at once, then every periodSeconds, and stop() ends it', async () => {
  const h = harness('Readiness', { periodSeconds: 5 });
  h.worker.start();
  await new Promise((r) => setImmediate(r));
  assert.equal(h.probes, 1);
  h.clock.step(4_999);
  await new Promise((r) => setImmediate(r));
  assert.equal(h.probes, 1);
  h.clock.step(1);
  await new Promise((r) => setImmediate(r));
  assert.equal(h.probes, 2);
  await h.worker.stop();
  h.clock.step(60_000);
  await new Promise((r) => setImmediate(r));
  assert.equal(h.probes, 2);
  assert.equal(h.results.get('c1'), undefined, 'stop() drops the result');
  assert.equal(h.clock.pending(), 0);
});
