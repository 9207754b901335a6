/**
 * The pure pieces together: a toy actor carries plans out on an in-memory
 * runtime pod, the way the real pod worker will through the CRI.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { FakeClock } from '../../../src/client/clock.js';
import { computePodActions, type ComputePodActionsOptions } from '../../../src/kubelet/pod-workers/compute-pod-actions.js';
import { CrashLoopBackOff, backOffKey } from '../../../src/kubelet/pod-workers/crash-loop-backoff.js';
import { hashContainer } from '../../../src/kubelet/pod-workers/container-hash.js';
import { generatePodStatus, waitingReasonsOf } from '../../../src/kubelet/pod-workers/pod-status.js';
import type { PodActions } from '../../../src/kubelet/pod-workers/pod-actions.js';
import type { RuntimeContainer, RuntimePod } from '../../../src/kubelet/pod-workers/runtime-pod.js';
import { c, pod, sidecar, T0 } from './fixtures.js';

class ToyRuntime {
  readonly pod: RuntimePod = { uid: 'u1', name: 'web', namespace: 'default', sandboxes: [], containers: [] };
  private seq = 0;
  constructor(private readonly clock: FakeClock) {}

  apply(p: Pod, plan: PodActions, backOff: CrashLoopBackOff): void {
    const now = this.clock.now();
    const stop = (x: RuntimeContainer): void => { if (x.state === 'RUNNING') Object.assign(x, { state: 'EXITED', exitCode: 137, finishedAt: now }); };
    if (plan.killPod) {
      this.pod.containers.forEach(stop);
      this.pod.sandboxes.forEach((s) => { s.state = 'NOTREADY'; });
    } else {
      for (const k of plan.containersToKill) stop(this.pod.containers.find((x) => x.id === k.id)!);
    }
    if (plan.createSandbox) {
      this.pod.sandboxes.unshift({ id: `sb${plan.sandboxAttempt}`, state: 'READY', attempt: plan.sandboxAttempt, createdAt: now, ip: '10.42.0.9', ips: ['10.42.0.9'] });
      this.pod.containers = this.pod.containers.filter((x) => x.type !== 'init'); // purgeInitContainers
    }
    const start = (spec: Container, type: RuntimeContainer['type'], lastExitedAt?: number): void => {
      if (lastExitedAt !== undefined) backOff.next(backOffKey(p, spec), lastExitedAt);
      const prev = this.pod.containers.find((x) => x.name === spec.name);
      this.pod.containers.unshift({
        id: `${spec.name}-${++this.seq}`, sandboxId: this.pod.sandboxes[0].id, name: spec.name, state: 'RUNNING', restartCount: prev ? prev.restartCount + 1 : 0,
        exitCode: 0, reason: '', message: '', createdAt: now + this.seq, startedAt: now, finishedAt: 0, hash: hashContainer(spec),
        image: spec.image ?? '', imageRef: `sha256:${spec.name}`, type,
      });
    };
    for (const s of plan.initContainersToStart) start(p.spec!.initContainers![s.index], 'init', s.lastExitedAt);
    for (const s of plan.containersToStart) start(p.spec!.containers[s.index], 'regular', s.lastExitedAt);
  }

  /** The newest instance of `name` exits. */
  exit(name: string, exitCode: number): void {
    const x = this.pod.containers.find((k) => k.name === name)!;
    Object.assign(x, { state: 'EXITED', exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', finishedAt: this.clock.now() });
  }
}

function sync(p: Pod, rt: ToyRuntime, backOff: CrashLoopBackOff, clock: FakeClock, opts: ComputePodActionsOptions = {}): { plan: PodActions; pod: Pod } {
  const plan = computePodActions(p, rt.pod, { backOff: backOff.check(p), ...opts });
  rt.apply(p, plan, backOff);
  const status = generatePodStatus(p, rt.pod, { now: clock.now(), hostIPs: ['192.168.1.10'], waiting: waitingReasonsOf(plan) });
  return { plan, pod: { ...p, status } };
}

test('lifecycle: init containers, a sidecar, then the app; Ready; deletion kills everything', () => {
  const clock = new FakeClock(T0);
  const backOff = new CrashLoopBackOff({ clock });
  const rt = new ToyRuntime(clock);
  let p = pod({ initContainers: [c('setup'), sidecar('proxy')], containers: [c('app')] });

  ({ pod: p } = sync(p, rt, backOff, clock));
  assert.deepEqual(rt.pod.containers.map((x) => x.name), ['setup']);
  assert.equal(p.status?.phase, 'Pending');
  assert.equal(p.status?.podIP, '10.42.0.9');

  clock.step(1000);
  rt.exit('setup', 0);
  ({ pod: p } = sync(p, rt, backOff, clock));
  assert.deepEqual(rt.pod.containers.map((x) => `${x.name}:${x.state}`), ['proxy:RUNNING', 'setup:EXITED']);

  ({ pod: p } = sync(p, rt, backOff, clock));
  assert.deepEqual(rt.pod.containers.map((x) => `${x.name}:${x.state}`), ['app:RUNNING', 'proxy:RUNNING', 'setup:EXITED']);
  const { plan } = sync(p, rt, backOff, clock);
  assert.equal(plan.containersToStart.length + plan.initContainersToStart.length + plan.containersToKill.length, 0, 'steady');
  ({ pod: p } = sync(p, rt, backOff, clock));
  assert.equal(p.status?.phase, 'Running');
  assert.deepEqual(p.status?.conditions?.filter((x) => x.status === 'True').map((x) => x.type), ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled']);

  p = { ...p, metadata: { ...p.metadata, deletionTimestamp: '2026-12-07T11:00:00Z' } };
  const del = computePodActions(p, rt.pod);
  assert.equal(del.killPod, true);
  assert.deepEqual(del.containersToKill.map((k) => k.name).sort(), ['app', 'proxy']);
  rt.apply(p, del, backOff);
  assert.ok(rt.pod.containers.every((x) => x.state === 'EXITED'));
});

test('lifecycle: a crashing container backs off 10s, 20s, 40s and shows CrashLoopBackOff', () => {
  const clock = new FakeClock(T0);
  const backOff = new CrashLoopBackOff({ clock });
  const rt = new ToyRuntime(clock);
  let p = pod({});
  ({ pod: p } = sync(p, rt, backOff, clock));
  const delays: string[] = [];
  for (let crash = 0; crash < 3; crash++) {
    clock.step(2_000);
    rt.exit('app', 1);
    let r = sync(p, rt, backOff, clock);
    p = r.pod;
    if (crash === 0) {
      assert.equal(r.plan.containersToStart.length, 1, 'the first crash restarts at once');
      continue;
    }
    assert.equal(r.plan.backOff.length, 1);
    delays.push(r.plan.backOff[0].message);
    const cs = p.status?.containerStatuses?.[0];
    assert.equal(cs?.state?.waiting?.reason, 'CrashLoopBackOff');
    assert.equal(cs?.lastState?.terminated?.exitCode, 1);
    assert.equal(cs?.restartCount, crash);
    assert.equal(p.status?.phase, 'Running');
    clock.step(backOff.get(backOffKey(p, c('app'))));
    r = sync(p, rt, backOff, clock);
    p = r.pod;
    assert.equal(r.plan.containersToStart.length, 1, 'started once the back-off has passed');
    assert.equal(p.status?.containerStatuses?.[0].state?.running !== undefined, true);
  }
  assert.deepEqual(delays, [
    'back-off 10s restarting failed container=app pod=web_default(u1)',
    'back-off 20s restarting failed container=app pod=web_default(u1)',
  ]);
});

test('lifecycle: restartPolicy Never, the app fails: Failed, and the pod is killed', () => {
  const clock = new FakeClock(T0);
  const backOff = new CrashLoopBackOff({ clock });
  const rt = new ToyRuntime(clock);
  let p = pod({ restartPolicy: 'Never' });
  ({ pod: p } = sync(p, rt, backOff, clock));
  clock.step(1_000);
  rt.exit('app', 2);
  const r = sync(p, rt, backOff, clock);
  assert.equal(r.plan.killPod, true);
  assert.equal(r.plan.killPodReason, 'NoContainersToRun');
  assert.equal(r.pod.status?.phase, 'Failed');
  assert.deepEqual(r.pod.status?.containerStatuses?.[0].state?.terminated?.exitCode, 2);
  const after = computePodActions(r.pod, rt.pod);
  assert.equal(after.createSandbox, false, 'a terminal pod never gets a new sandbox');
});
