import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { computePodActions, type ComputePodActionsOptions } from '../../../src/kubelet/pod-workers/compute-pod-actions.js';
import type { PodActions } from '../../../src/kubelet/pod-workers/pod-actions.js';
import type { RuntimePod } from '../../../src/kubelet/pod-workers/runtime-pod.js';
import { c, ctr, exited, pod, runtime, sandbox, sidecar, T0 } from './fixtures.js';

const APP = c('app');
const B = c('b');
const I1 = c('i1');
const I2 = c('i2');
const S1 = sidecar('s1');
const S1_STARTUP = sidecar('s1', { startupProbe: { exec: { command: ['true'] } } });
const S1_LIVENESS = sidecar('s1', { livenessProbe: { exec: { command: ['true'] } } });
const NOT_READY = sandbox({ state: 'NOTREADY' });
const DEBUG = c('debugger');
const DEBUG_TARGETED = { ...c('debugger'), targetContainerName: 'app' };

interface Summary {
  killPod: boolean;
  killPodReason?: string;
  createSandbox: boolean;
  attempt: number;
  sandboxId: string;
  init: string[];
  start: string[];
  kill: string[];
  backOff: string[];
  ephemeral: string[];
}

function summary(p: PodActions): Summary {
  return {
    killPod: p.killPod,
    ...(p.killPodReason ? { killPodReason: p.killPodReason } : {}),
    createSandbox: p.createSandbox,
    attempt: p.sandboxAttempt,
    sandboxId: p.sandboxId,
    init: p.initContainersToStart.map((s) => `${s.name}:${s.reason}`),
    start: p.containersToStart.map((s) => `${s.name}:${s.reason}`),
    kill: p.containersToKill.map((k) => `${k.name}:${k.reason}`),
    backOff: p.backOff.map((b) => b.name),
    ephemeral: p.ephemeralContainersToStart.map((s) => `${s.name}:${s.reason}:${s.index}`),
  };
}

/** Nothing to do: the pod runs as it should. */
const STEADY: Partial<Summary> = { killPod: false, createSandbox: false, init: [], start: [], kill: [], backOff: [], ephemeral: [] };

interface Case {
  name: string;
  pod: Pod;
  runtime: RuntimePod;
  opts?: ComputePodActionsOptions;
  want: Partial<Summary>;
}

const backOffAll: ComputePodActionsOptions = { backOff: (spec) => `back-off 10s restarting failed container=${spec.name} pod=web_default(u1)` };

const CASES: Case[] = [
  // Sandbox
  { name: 'fresh pod: create sandbox attempt 0, start every app container', pod: pod({ containers: [APP, B] }), runtime: runtime([]),
    want: { killPod: true, killPodReason: 'SandboxChanged', createSandbox: true, attempt: 0, sandboxId: '', init: [], start: ['app:SandboxChanged', 'b:SandboxChanged'] } },
  { name: 'fresh pod with init containers: only the first init container', pod: pod({ initContainers: [I1, I2] }), runtime: runtime([]),
    want: { createSandbox: true, attempt: 0, init: ['i1:SandboxChanged'], start: [] } },
  { name: 'fresh pod whose first init container is a sidecar', pod: pod({ initContainers: [S1, I2] }), runtime: runtime([]),
    want: { createSandbox: true, init: ['s1:SandboxChanged'] } },
  { name: 'sandbox not ready: kill it, attempt + 1, start over', pod: pod({}), runtime: runtime([NOT_READY], [ctr(APP, 'RUNNING')]),
    want: { killPod: true, createSandbox: true, attempt: 1, sandboxId: 'sb1', start: ['app:SandboxChanged'] } },
  { name: 'sandbox attempt 2 gone bad: next is 3', pod: pod({}), runtime: runtime([sandbox({ state: 'NOTREADY', attempt: 2, id: 'sb3' })]),
    want: { createSandbox: true, attempt: 3, sandboxId: 'sb3' } },
  { name: 'two ready sandboxes: recreate from the newest', pod: pod({}),
    runtime: runtime([sandbox({ id: 'old', attempt: 0 }), sandbox({ id: 'new', attempt: 1, createdAt: T0 + 1 })], [ctr(APP, 'RUNNING')]),
    want: { killPod: true, createSandbox: true, attempt: 2, sandboxId: 'new' } },
  { name: 'sandbox without an IP: recreate', pod: pod({}), runtime: runtime([sandbox({ ip: '', ips: [] })]),
    want: { createSandbox: true, attempt: 1, sandboxId: 'sb1' } },
  { name: 'hostNetwork sandbox without an IP is fine', pod: pod({ hostNetwork: true }), runtime: runtime([sandbox({ ip: '', ips: [], networkNamespace: 'NODE' })], [ctr(APP, 'RUNNING')]),
    want: STEADY },
  { name: 'sandbox in the wrong network namespace mode: recreate, nothing to reuse', pod: pod({}), runtime: runtime([sandbox({ networkNamespace: 'NODE' })]),
    want: { createSandbox: true, attempt: 1, sandboxId: '' } },
  { name: 'dead sandbox, restartPolicy Never, containers ran: kill, no new sandbox', pod: pod({ restartPolicy: 'Never' }), runtime: runtime([NOT_READY], [exited(APP, 0)]),
    want: { killPod: true, createSandbox: false, start: [] } },
  { name: 'dead sandbox, restartPolicy Never, no container ever created: retry the sandbox', pod: pod({ restartPolicy: 'Never' }), runtime: runtime([NOT_READY]),
    want: { createSandbox: true, attempt: 1, start: ['app:SandboxChanged'] } },
  { name: 'dead sandbox, OnFailure: succeeded containers are not started again', pod: pod({ containers: [APP, B], restartPolicy: 'OnFailure' }),
    runtime: runtime([NOT_READY], [exited(APP, 0), exited(B, 1)]), want: { createSandbox: true, start: ['b:SandboxChanged'] } },
  { name: 'dead sandbox, OnFailure, all succeeded: no new sandbox', pod: pod({ restartPolicy: 'OnFailure' }), runtime: runtime([NOT_READY], [exited(APP, 0)]),
    want: { killPod: true, createSandbox: false, start: [] } },
  { name: 'dead sandbox with init containers: start over at the first one', pod: pod({ initContainers: [I1, I2] }),
    runtime: runtime([NOT_READY], [exited(I1, 0), exited(I2, 0), ctr(APP, 'RUNNING')]), want: { createSandbox: true, attempt: 1, init: ['i1:SandboxChanged'], start: [] } },

  // Steady state
  { name: 'running with the same hash: nothing to do', pod: pod({}), runtime: runtime([sandbox()], [ctr(APP, 'RUNNING')]), want: STEADY },

  // Init containers
  { name: 'init: none created yet, start the first', pod: pod({ initContainers: [I1, I2] }), runtime: runtime([sandbox()]),
    want: { ...STEADY, init: ['i1:NotCreated'] } },
  { name: 'init: the first is running, wait', pod: pod({ initContainers: [I1, I2] }), runtime: runtime([sandbox()], [ctr(I1, 'RUNNING')]), want: STEADY },
  { name: 'init: the first succeeded, start the second', pod: pod({ initContainers: [I1, I2] }), runtime: runtime([sandbox()], [exited(I1, 0)]),
    want: { ...STEADY, init: ['i2:NotCreated'] } },
  { name: 'init: all succeeded, start the app containers', pod: pod({ initContainers: [I1, I2], containers: [APP, B] }),
    runtime: runtime([sandbox()], [exited(I1, 0), exited(I2, 0)]), want: { ...STEADY, start: ['app:NotCreated', 'b:NotCreated'] } },
  { name: 'init: failed with Always, restart it', pod: pod({ initContainers: [I1, I2] }), runtime: runtime([sandbox()], [exited(I1, 1)]),
    want: { ...STEADY, init: ['i1:Exited'] } },
  { name: 'init: failed with OnFailure, restart it', pod: pod({ initContainers: [I1, I2], restartPolicy: 'OnFailure' }), runtime: runtime([sandbox()], [exited(I1, 1)]),
    want: { ...STEADY, init: ['i1:Exited'] } },
  { name: 'init: failed with Never, the pod fails', pod: pod({ initContainers: [I1, I2], restartPolicy: 'Never' }), runtime: runtime([sandbox()], [exited(I1, 1)]),
    want: { killPod: true, killPodReason: 'InitContainerFailed', createSandbox: false, init: [], start: [] } },
  { name: 'init: OOM-killed counts as failed even with exit 0', pod: pod({ initContainers: [I1], restartPolicy: 'Never' }),
    runtime: runtime([sandbox()], [exited(I1, 0, { reason: 'OOMKilled' })]), want: { killPod: true, killPodReason: 'InitContainerFailed' } },
  { name: 'init: the second failed, only it restarts', pod: pod({ initContainers: [I1, I2] }), runtime: runtime([sandbox()], [exited(I1, 0), exited(I2, 2)]),
    want: { ...STEADY, init: ['i2:Exited'] } },
  { name: 'init: unknown state, kill then restart', pod: pod({ initContainers: [I1] }), runtime: runtime([sandbox()], [ctr(I1, 'UNKNOWN')]),
    want: { ...STEADY, init: ['i1:Unknown'], kill: ['i1:Unknown'] } },
  { name: 'init: created but never started, start it', pod: pod({ initContainers: [I1] }), runtime: runtime([sandbox()], [ctr(I1, 'CREATED')]),
    want: { ...STEADY, init: ['i1:Created'] } },
  { name: 'init: removed by GC after the app started, nothing to redo', pod: pod({ initContainers: [I1, I2] }), runtime: runtime([sandbox()], [ctr(APP, 'RUNNING')]),
    want: STEADY },

  // Sidecars
  { name: 'sidecar: first, not created', pod: pod({ initContainers: [S1, I2] }), runtime: runtime([sandbox()]), want: { ...STEADY, init: ['s1:NotCreated'] } },
  { name: 'sidecar: running, start the next init container and keep it', pod: pod({ initContainers: [S1, I2] }), runtime: runtime([sandbox()], [ctr(S1, 'RUNNING')]),
    want: { ...STEADY, init: ['i2:NotCreated'] } },
  { name: 'sidecar: running but its startup probe has not passed, hold the next one', pod: pod({ initContainers: [S1_STARTUP, I2] }),
    runtime: runtime([sandbox()], [ctr(S1_STARTUP, 'RUNNING')]), want: STEADY },
  { name: 'sidecar: startup probe passed, start the next one', pod: pod({ initContainers: [S1_STARTUP, I2] }),
    runtime: runtime([sandbox()], [ctr(S1_STARTUP, 'RUNNING')]), opts: { startupSucceeded: new Set(['s1']) }, want: { ...STEADY, init: ['i2:NotCreated'] } },
  { name: 'sidecar: startup probe failed, kill and restart it', pod: pod({ initContainers: [S1_STARTUP, I2] }),
    runtime: runtime([sandbox()], [ctr(S1_STARTUP, 'RUNNING')]), opts: { startupFailed: new Set(['s1']) }, want: { ...STEADY, init: ['s1:Restart'], kill: ['s1:StartupProbe'] } },
  { name: 'sidecar: last init container and running, the app starts', pod: pod({ initContainers: [I1, S1] }),
    runtime: runtime([sandbox()], [exited(I1, 0), ctr(S1, 'RUNNING')]), want: { ...STEADY, start: ['app:NotCreated'] } },
  { name: 'sidecar: exited while the app runs, restart it (even with Never)', pod: pod({ initContainers: [S1], restartPolicy: 'Never' }),
    runtime: runtime([sandbox()], [exited(S1, 1), ctr(APP, 'RUNNING')]), want: { ...STEADY, init: ['s1:Exited'] } },
  { name: 'sidecar: missing after initialization, start it again', pod: pod({ initContainers: [S1, I2] }),
    runtime: runtime([sandbox()], [exited(I2, 0), ctr(APP, 'RUNNING')]), want: { ...STEADY, init: ['s1:NotCreated'] } },
  { name: 'sidecar: definition changed, kill and restart it', pod: pod({ initContainers: [S1] }),
    runtime: runtime([sandbox()], [ctr(S1, 'RUNNING', { hash: 'deadbeef' }), ctr(APP, 'RUNNING')]), want: { ...STEADY, init: ['s1:Restart'], kill: ['s1:DefinitionChanged'] } },
  { name: 'sidecar: liveness failed, kill and restart it', pod: pod({ initContainers: [S1_LIVENESS] }),
    runtime: runtime([sandbox()], [ctr(S1_LIVENESS, 'RUNNING'), ctr(APP, 'RUNNING')]), opts: { livenessFailed: new Set(['s1']) },
    want: { ...STEADY, init: ['s1:Restart'], kill: ['s1:LivenessProbe'] } },
  { name: 'sidecar: does not keep a finished pod alive', pod: pod({ initContainers: [S1], restartPolicy: 'Never' }),
    runtime: runtime([sandbox()], [exited(S1, 137), exited(APP, 0)]), want: { killPod: true, killPodReason: 'NoContainersToRun', init: [], start: [] } },

  // restartPolicy after an exit
  { name: 'Always after exit 0: restart', pod: pod({}), runtime: runtime([sandbox()], [exited(APP, 0)]), want: { ...STEADY, start: ['app:Exited'] } },
  { name: 'Always after exit 1: restart', pod: pod({}), runtime: runtime([sandbox()], [exited(APP, 1)]), want: { ...STEADY, start: ['app:Exited'] } },
  { name: 'OnFailure after exit 0: done, kill the pod', pod: pod({ restartPolicy: 'OnFailure' }), runtime: runtime([sandbox()], [exited(APP, 0)]),
    want: { killPod: true, killPodReason: 'NoContainersToRun', createSandbox: false, start: [] } },
  { name: 'OnFailure after exit 1: restart', pod: pod({ restartPolicy: 'OnFailure' }), runtime: runtime([sandbox()], [exited(APP, 1)]), want: { ...STEADY, start: ['app:Exited'] } },
  { name: 'Never after exit 0: done', pod: pod({ restartPolicy: 'Never' }), runtime: runtime([sandbox()], [exited(APP, 0)]),
    want: { killPod: true, killPodReason: 'NoContainersToRun', start: [] } },
  { name: 'Never after exit 1: done', pod: pod({ restartPolicy: 'Never' }), runtime: runtime([sandbox()], [exited(APP, 1)]),
    want: { killPod: true, killPodReason: 'NoContainersToRun', start: [] } },
  { name: 'Never: one exited, one running, keep going', pod: pod({ containers: [APP, B], restartPolicy: 'Never' }),
    runtime: runtime([sandbox()], [exited(APP, 1), ctr(B, 'RUNNING')]), want: STEADY },
  { name: 'created but not started: start it', pod: pod({}), runtime: runtime([sandbox()], [ctr(APP, 'CREATED')]), want: { ...STEADY, start: ['app:Created'] } },
  { name: 'unknown state: kill, then start', pod: pod({ restartPolicy: 'Never' }), runtime: runtime([sandbox()], [ctr(APP, 'UNKNOWN')]),
    want: { ...STEADY, start: ['app:Unknown'], kill: ['app:Unknown'] } },

  // Running containers to kill
  { name: 'hash changed: kill and restart, even with Never', pod: pod({ restartPolicy: 'Never' }), runtime: runtime([sandbox()], [ctr(APP, 'RUNNING', { hash: 'deadbeef' })]),
    want: { ...STEADY, start: ['app:Restart'], kill: ['app:DefinitionChanged'] } },
  { name: 'liveness failed with Always: kill and restart', pod: pod({ containers: [APP, B] }), runtime: runtime([sandbox()], [ctr(APP, 'RUNNING'), ctr(B, 'RUNNING')]),
    opts: { livenessFailed: new Set(['app']) }, want: { ...STEADY, start: ['app:Restart'], kill: ['app:LivenessProbe'] } },
  { name: 'liveness failed with Never: kill only, and the pod with it', pod: pod({ restartPolicy: 'Never' }), runtime: runtime([sandbox()], [ctr(APP, 'RUNNING')]),
    opts: { livenessFailed: new Set(['app']) }, want: { killPod: true, killPodReason: 'NoContainersToRun', start: [], kill: ['app:LivenessProbe'] } },
  { name: 'startup probe failed: kill and restart', pod: pod({}), runtime: runtime([sandbox()], [ctr(APP, 'RUNNING')]),
    opts: { startupFailed: new Set(['app']) }, want: { ...STEADY, start: ['app:Restart'], kill: ['app:StartupProbe'] } },

  // Deletion
  { name: 'deletionTimestamp: kill everything, start nothing', pod: pod({ containers: [APP, B] }, { metadata: { name: 'web', namespace: 'default', uid: 'u1', deletionTimestamp: '2026-12-07T10:05:00Z' } }),
    runtime: runtime([sandbox()], [ctr(APP, 'RUNNING'), exited(B, 1)]), want: { killPod: true, killPodReason: 'PodDeleted', createSandbox: false, sandboxId: 'sb1', start: [], init: [], kill: ['app:PodDeleted'] } },
  { name: 'deletionTimestamp with no sandbox: nothing is created', pod: pod({}, { metadata: { name: 'web', namespace: 'default', uid: 'u1', deletionTimestamp: '2026-12-07T10:05:00Z' } }),
    runtime: runtime([]), want: { killPod: true, createSandbox: false, start: [], kill: [] } },
  { name: 'terminal phase: kill everything', pod: pod({}, { status: { phase: 'Failed' } }), runtime: runtime([sandbox()], [ctr(APP, 'RUNNING')]),
    want: { killPod: true, killPodReason: 'PodDeleted', kill: ['app:PodDeleted'] } },

  // Back-off
  { name: 'back-off: a crashed app container waits instead of starting, the pod lives', pod: pod({ containers: [APP, B] }),
    runtime: runtime([sandbox()], [exited(APP, 1), ctr(B, 'RUNNING')]), opts: backOffAll, want: { ...STEADY, start: [], backOff: ['app'] } },
  { name: 'back-off: the only container crashed, the pod is not killed', pod: pod({}), runtime: runtime([sandbox()], [exited(APP, 1)]), opts: backOffAll,
    want: { ...STEADY, backOff: ['app'] } },
  { name: 'back-off: a failed init container waits', pod: pod({ initContainers: [I1] }), runtime: runtime([sandbox()], [exited(I1, 1)]), opts: backOffAll,
    want: { ...STEADY, init: [], backOff: ['i1'] } },
  { name: 'back-off: a container that never ran is not backed off', pod: pod({}), runtime: runtime([sandbox()]), opts: backOffAll,
    want: { ...STEADY, start: ['app:NotCreated'], backOff: [] } },
  { name: 'back-off: applies after a sandbox change too', pod: pod({}), runtime: runtime([NOT_READY], [exited(APP, 1)]), opts: backOffAll,
    want: { killPod: true, createSandbox: true, start: [], backOff: ['app'] } },

  // Ephemeral containers
  { name: 'ephemeral: one without an instance starts beside a running pod', pod: pod({ ephemeralContainers: [DEBUG_TARGETED] }),
    runtime: runtime([sandbox()], [ctr(APP, 'RUNNING')]), want: { ...STEADY, ephemeral: ['debugger:NotCreated:0'] } },
  { name: 'ephemeral: starts while an init container still runs', pod: pod({ initContainers: [I1], ephemeralContainers: [c('other'), DEBUG] }),
    runtime: runtime([sandbox()], [ctr(I1, 'RUNNING'), exited(c('other'), 0)]), want: { ...STEADY, ephemeral: ['debugger:NotCreated:1'] } },
  { name: 'ephemeral: running or exited, it is never restarted', pod: pod({ ephemeralContainers: [DEBUG, c('done')] }),
    runtime: runtime([sandbox()], [ctr(APP, 'RUNNING'), ctr(DEBUG, 'RUNNING'), exited(c('done'), 1)]), want: { ...STEADY } },
  { name: 'ephemeral: not started with a new sandbox (the next sync starts it)', pod: pod({ ephemeralContainers: [DEBUG] }), runtime: runtime([NOT_READY]),
    want: { killPod: true, createSandbox: true, start: ['app:SandboxChanged'], ephemeral: [] } },
  { name: 'ephemeral: a running one does not keep a finished pod alive', pod: pod({ restartPolicy: 'Never', ephemeralContainers: [DEBUG] }),
    runtime: runtime([sandbox()], [exited(APP, 0), ctr(DEBUG, 'RUNNING')]), want: { killPod: true, killPodReason: 'NoContainersToRun', ephemeral: [] } },
  { name: 'ephemeral: nothing starts in a pod being killed', pod: pod({ restartPolicy: 'Never', ephemeralContainers: [DEBUG] }),
    runtime: runtime([sandbox()], [exited(APP, 0)]), want: { killPod: true, killPodReason: 'NoContainersToRun', ephemeral: [] } },
  { name: 'ephemeral: a deleted pod stops them with the rest', pod: pod({ ephemeralContainers: [DEBUG] }, { metadata: { name: 'web', namespace: 'default', uid: 'u1', deletionTimestamp: '2026-12-07T10:00:00Z' } }),
    runtime: runtime([sandbox()], [ctr(APP, 'RUNNING'), ctr(DEBUG, 'RUNNING')]), want: { killPod: true, killPodReason: 'PodDeleted', kill: ['debugger:PodDeleted', 'app:PodDeleted'], ephemeral: [] } },
];

test('computePodActions: at least 25 cases', () => {
  assert.ok(CASES.length >= 25, String(CASES.length));
});

for (const tc of CASES) {
  test(`computePodActions: ${tc.name}`, () => {
    const got = summary(computePodActions(tc.pod, tc.runtime, tc.opts));
    const picked = Object.fromEntries(Object.keys(tc.want).map((k) => [k, got[k as keyof Summary]]));
    assert.deepEqual(picked, tc.want);
  });
}

test('computePodActions: kill messages say what happens', () => {
  const changed = computePodActions(pod({}), runtime([sandbox()], [ctr(APP, 'RUNNING', { hash: 'x', id: 'cid' })]));
  assert.deepEqual(changed.containersToKill, [{ id: 'cid', name: 'app', reason: 'DefinitionChanged', message: 'Container app definition changed, will be restarted' }]);
  const never = computePodActions(pod({ restartPolicy: 'Never' }), runtime([sandbox()], [ctr(APP, 'RUNNING', { id: 'cid' })]), { livenessFailed: new Set(['app']) });
  assert.equal(never.containersToKill[0].message, 'Container app failed liveness probe');
});

test('computePodActions: a restart carries the last exit time for the back-off clock', () => {
  const first = exited(APP, 1, { finishedAt: T0 + 1_000 });
  const last = exited(APP, 1, { finishedAt: T0 + 99_000 });
  const plan = computePodActions(pod({}), runtime([sandbox()], [first, last]));
  assert.deepEqual(plan.containersToStart, [{ name: 'app', index: 0, kind: 'regular', reason: 'Exited', lastExitedAt: T0 + 99_000 }]);
});

test('computePodActions: the back-off check sees the spec and the newest exited instance', () => {
  const seen: string[] = [];
  const plan = computePodActions(pod({}), runtime([sandbox()], [exited(APP, 1, { id: 'old' }), exited(APP, 2, { id: 'new' })]), {
    backOff: (spec, ex) => { seen.push(`${spec.image}:${ex.id}`); return 'wait'; },
  });
  assert.deepEqual(seen, ['img/app:1:new']);
  assert.deepEqual(plan.backOff, [{ name: 'app', index: 0, kind: 'regular', message: 'wait' }]);
});

test('computePodActions: after a sandbox change, app containers of the old sandbox do not count as initialized', () => {
  const p = pod({ initContainers: [I1] });
  const r = runtime([sandbox({ id: 'old', state: 'NOTREADY' }), sandbox({ id: 'new', attempt: 1, createdAt: T0 + 1 })], [
    exited(APP, 1, { sandboxId: 'old' }),
  ]);
  assert.deepEqual(summary(computePodActions(p, r)).init, ['i1:NotCreated']);
  const same = runtime([sandbox({ id: 'new' })], [exited(APP, 1, { sandboxId: 'new' })]);
  assert.deepEqual(summary(computePodActions(p, same)).start, ['app:Exited']);
});
