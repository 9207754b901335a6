import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod, PodCondition, PodStatus } from 'kubernetes-types/core/v1.js';
import { generatePodStatus, waitingReasonsOf, type GeneratePodStatusOptions } from '../../../src/kubelet/pod-workers/pod-status.js';
import { computePodActions } from '../../../src/kubelet/pod-workers/compute-pod-actions.js';
import type { RuntimePod } from '../../../src/kubelet/pod-workers/runtime-pod.js';
import { c, ctr, exited, pod, runtime, sandbox, sidecar, T0 } from './fixtures.js';

const NOW = T0 + 120_000;
const NOW_TEXT = '2026-12-07T10:02:00Z';
const APP = c('app');
const B = c('b');
const I1 = c('i1');
const I2 = c('i2');
const S1 = sidecar('s1');

function status(p: Pod, r: RuntimePod, opts: Partial<GeneratePodStatusOptions> = {}): PodStatus {
  return generatePodStatus(p, r, { now: NOW, hostIPs: ['192.168.1.10'], ...opts });
}

function cond(s: PodStatus, type: string): Pick<PodCondition, 'status' | 'reason' | 'message'> {
  const x = s.conditions?.find((k) => k.type === type);
  assert.ok(x, `condition ${type}`);
  return { status: x.status, ...(x.reason ? { reason: x.reason } : {}), ...(x.message ? { message: x.message } : {}) };
}

function stateName(s: PodStatus, name: string, init = false): string {
  const cs = (init ? s.initContainerStatuses : s.containerStatuses)?.find((x) => x.name === name);
  assert.ok(cs, `status of ${name}`);
  const st = cs.state ?? {};
  if (st.running) return 'running';
  if (st.terminated) return `terminated:${st.terminated.reason}:${st.terminated.exitCode}`;
  return `waiting:${st.waiting?.reason ?? ''}`;
}

// Phases: [name, pod, runtime, options, phase]
const PHASES: Array<[string, Pod, RuntimePod, Partial<GeneratePodStatusOptions>, string]> = [
  ['nothing created yet: Pending', pod({}), runtime([]), {}, 'Pending'],
  ['app running: Running', pod({}), runtime([sandbox()], [ctr(APP, 'RUNNING')]), {}, 'Running'],
  ['one running, one not created: Pending', pod({ containers: [APP, B] }), runtime([sandbox()], [ctr(APP, 'RUNNING')]), {}, 'Pending'],
  ['Never, exit 0: Succeeded', pod({ restartPolicy: 'Never' }), runtime([sandbox()], [exited(APP, 0)]), {}, 'Succeeded'],
  ['Never, exit 1: Failed', pod({ restartPolicy: 'Never' }), runtime([sandbox()], [exited(APP, 1)]), {}, 'Failed'],
  ['Never, one 0 one 1: Failed', pod({ containers: [APP, B], restartPolicy: 'Never' }), runtime([sandbox()], [exited(APP, 0), exited(B, 1)]), {}, 'Failed'],
  ['OnFailure, exit 0: Succeeded', pod({ restartPolicy: 'OnFailure' }), runtime([sandbox()], [exited(APP, 0)]), {}, 'Succeeded'],
  ['OnFailure, exit 1: Running (restarting)', pod({ restartPolicy: 'OnFailure' }), runtime([sandbox()], [exited(APP, 1)]), {}, 'Running'],
  ['Always, exit 0: Running (restarting)', pod({}), runtime([sandbox()], [exited(APP, 0)]), {}, 'Running'],
  ['Always, exit 1: Running (restarting)', pod({}), runtime([sandbox()], [exited(APP, 1)]), {}, 'Running'],
  ['Always, all exited 0 and the pod is terminal: Succeeded', pod({}), runtime([sandbox()], [exited(APP, 0)]), { podIsTerminal: true }, 'Succeeded'],
  ['Always, exit 1 and the pod is terminal: Failed', pod({}), runtime([sandbox()], [exited(APP, 1)]), { podIsTerminal: true }, 'Failed'],
  ['init running: Pending', pod({ initContainers: [I1] }), runtime([sandbox()], [ctr(I1, 'RUNNING')]), {}, 'Pending'],
  ['init failed, Never: Failed', pod({ initContainers: [I1, I2], restartPolicy: 'Never' }), runtime([sandbox()], [exited(I1, 1)]), {}, 'Failed'],
  ['init failed, Always: Pending', pod({ initContainers: [I1, I2] }), runtime([sandbox()], [exited(I1, 1)]), {}, 'Pending'],
  ['init failed and backing off, OnFailure: Pending', pod({ initContainers: [I1], restartPolicy: 'OnFailure' }), runtime([sandbox()], [exited(I1, 1)]),
    { waiting: new Map([['i1', { reason: 'CrashLoopBackOff' }]]) }, 'Pending'],
  ['inits done, app running: Running', pod({ initContainers: [I1, I2] }), runtime([sandbox()], [exited(I1, 0), exited(I2, 0), ctr(APP, 'RUNNING')]), {}, 'Running'],
  ['sidecar running, not started yet: Pending', pod({ initContainers: [S1] }), runtime([sandbox()], [ctr(S1, 'RUNNING')]), { started: new Set() }, 'Pending'],
  ['sidecar and app running: Running', pod({ initContainers: [S1] }), runtime([sandbox()], [ctr(S1, 'RUNNING'), ctr(APP, 'RUNNING')]), {}, 'Running'],
  ['Never, app exited 0, sidecar stopped: Succeeded', pod({ initContainers: [S1], restartPolicy: 'Never' }), runtime([sandbox()], [exited(S1, 137), exited(APP, 0)]), {}, 'Succeeded'],
  ['app crash-looping, Always: Running', pod({}), runtime([sandbox()], [exited(APP, 1)]), { waiting: new Map([['app', { reason: 'CrashLoopBackOff' }]]) }, 'Running'],
  ['image pull failing for a new container: Pending', pod({}), runtime([sandbox()]), { waiting: new Map([['app', { reason: 'ErrImagePull', message: 'not found' }]]) }, 'Pending'],
  ['a terminal phase never moves back', pod({}, { status: { phase: 'Succeeded' } }), runtime([]), {}, 'Succeeded'],
];

for (const [name, p, r, opts, phase] of PHASES) {
  test(`pod status phase: ${name}`, () => assert.equal(status(p, r, opts).phase, phase));
}

test('pod status: a fresh pod waits in ContainerCreating; conditions say why', () => {
  const s = status(pod({ containers: [APP, B] }), runtime([]));
  assert.deepEqual(s.containerStatuses, [
    { name: 'app', image: 'img/app:1', imageID: '', ready: false, restartCount: 0, started: false, state: { waiting: { reason: 'ContainerCreating' } } },
    { name: 'b', image: 'img/b:1', imageID: '', ready: false, restartCount: 0, started: false, state: { waiting: { reason: 'ContainerCreating' } } },
  ]);
  assert.equal(s.initContainerStatuses, undefined);
  assert.deepEqual(s.conditions?.map((x) => x.type), ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled']);
  assert.deepEqual(cond(s, 'PodReadyToStartContainers'), { status: 'False' });
  assert.deepEqual(cond(s, 'Initialized'), { status: 'True' });
  assert.deepEqual(cond(s, 'ContainersReady'), { status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [app b]' });
  assert.deepEqual(cond(s, 'Ready'), { status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [app b]' });
  assert.deepEqual(cond(s, 'PodScheduled'), { status: 'True' });
  assert.equal(s.startTime, NOW_TEXT);
  assert.equal(s.podIP, undefined);
  assert.equal(s.hostIP, '192.168.1.10');
  assert.deepEqual(s.hostIPs, [{ ip: '192.168.1.10' }]);
  assert.equal(s.qosClass, 'BestEffort');
});

test('pod status: with init containers everything waits in PodInitializing', () => {
  const s = status(pod({ initContainers: [I1, I2] }), runtime([sandbox()]));
  assert.equal(stateName(s, 'i1', true), 'waiting:PodInitializing');
  assert.equal(stateName(s, 'i2', true), 'waiting:PodInitializing');
  assert.equal(stateName(s, 'app'), 'waiting:PodInitializing');
  assert.deepEqual(cond(s, 'PodReadyToStartContainers'), { status: 'True' });
  assert.deepEqual(cond(s, 'Initialized'), { status: 'False', reason: 'ContainersNotInitialized', message: 'containers with incomplete status: [i1 i2]' });
});

test('pod status: a completed init container is ready; Initialized once all are', () => {
  const s = status(pod({ initContainers: [I1, I2] }), runtime([sandbox()], [exited(I1, 0), ctr(I2, 'RUNNING')]));
  assert.deepEqual(s.initContainerStatuses?.map((x) => [x.name, x.ready]), [['i1', true], ['i2', false]]);
  assert.deepEqual(cond(s, 'Initialized'), { status: 'False', reason: 'ContainersNotInitialized', message: 'containers with incomplete status: [i2]' });
  const done = status(pod({ initContainers: [I1, I2] }), runtime([sandbox()], [exited(I1, 0), exited(I2, 0)]));
  assert.deepEqual(cond(done, 'Initialized'), { status: 'True' });
  assert.equal(stateName(done, 'app'), 'waiting:PodInitializing');
});

test('pod status: a sidecar counts as initialized once started, and for readiness', () => {
  const r = runtime([sandbox()], [ctr(S1, 'RUNNING'), ctr(APP, 'RUNNING')]);
  const notStarted = status(pod({ initContainers: [S1] }), runtime([sandbox()], [ctr(S1, 'RUNNING')]), { started: new Set() });
  assert.deepEqual(cond(notStarted, 'Initialized'), { status: 'False', reason: 'ContainersNotInitialized', message: 'containers with incomplete status: [s1]' });
  const s = status(pod({ initContainers: [S1] }), r, { ready: new Set(['app']) });
  assert.deepEqual(cond(s, 'Initialized'), { status: 'True' });
  assert.deepEqual(cond(s, 'ContainersReady'), { status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [s1]' });
  assert.deepEqual(cond(status(pod({ initContainers: [S1] }), r), 'Ready'), { status: 'True' });
});

test('pod status: a running, ready container', () => {
  const running = ctr(APP, 'RUNNING', { id: 'abc', restartCount: 2, startedAt: T0 + 5_500, imageRef: 'docker.io/library/busybox@sha256:1' });
  const s = status(pod({}), runtime([sandbox({ ips: ['10.42.0.5', 'fd00::5'] })], [running]), { ready: new Set(['app']) });
  assert.deepEqual(s.containerStatuses, [{
    name: 'app', image: 'img/app:1', imageID: 'docker.io/library/busybox@sha256:1', containerID: 'containerd://abc',
    ready: true, restartCount: 2, started: true, state: { running: { startedAt: '2026-12-07T10:00:05Z' } },
  }]);
  assert.equal(s.phase, 'Running');
  assert.deepEqual(cond(s, 'Ready'), { status: 'True' });
  assert.deepEqual(cond(s, 'ContainersReady'), { status: 'True' });
  assert.equal(s.podIP, '10.42.0.5');
  assert.deepEqual(s.podIPs, [{ ip: '10.42.0.5' }, { ip: 'fd00::5' }]);
});

test('pod status: readiness and startup are inputs', () => {
  const r = runtime([sandbox()], [ctr(APP, 'RUNNING')]);
  const notReady = status(pod({}), r, { ready: new Set() });
  assert.equal(notReady.containerStatuses?.[0].ready, false);
  assert.equal(notReady.containerStatuses?.[0].started, true);
  assert.deepEqual(cond(notReady, 'Ready'), { status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [app]' });
  const notStarted = status(pod({}), r, { started: new Set(), ready: new Set(['app']) });
  assert.deepEqual([notStarted.containerStatuses?.[0].started, notStarted.containerStatuses?.[0].ready], [false, false], 'not ready before started');
});

test('pod status: terminated states carry exit code, reason, times and the container id', () => {
  const s = status(pod({ containers: [APP, B, c('oom')], restartPolicy: 'Never' }), runtime([sandbox()], [
    exited(APP, 0, { id: 'a' }), exited(B, 2, { id: 'b', message: 'bad config' }), exited(c('oom'), 137, { id: 'o', reason: 'OOMKilled' }),
  ]));
  assert.deepEqual(s.containerStatuses?.find((x) => x.name === 'b')?.state, {
    terminated: { exitCode: 2, reason: 'Error', message: 'bad config', startedAt: '2026-12-07T10:00:05Z', finishedAt: '2026-12-07T10:01:05Z', containerID: 'containerd://b' },
  });
  assert.equal(stateName(s, 'app'), 'terminated:Completed:0');
  assert.equal(stateName(s, 'oom'), 'terminated:OOMKilled:137');
  assert.equal(s.phase, 'Failed');
  assert.deepEqual(cond(s, 'ContainersReady'), { status: 'False', reason: 'PodFailed' });
  assert.deepEqual(cond(s, 'Ready'), { status: 'False', reason: 'PodFailed' });
});

test('pod status: a Succeeded pod is PodCompleted', () => {
  const s = status(pod({ initContainers: [I1], restartPolicy: 'OnFailure' }), runtime([sandbox()], [exited(I1, 0), exited(APP, 0)]));
  assert.equal(s.phase, 'Succeeded');
  assert.deepEqual(cond(s, 'Initialized'), { status: 'True', reason: 'PodCompleted' });
  assert.deepEqual(cond(s, 'ContainersReady'), { status: 'False', reason: 'PodCompleted' });
  assert.deepEqual(cond(s, 'Ready'), { status: 'False', reason: 'PodCompleted' });
});

test('pod status: CrashLoopBackOff from the plan, with lastState and restartCount', () => {
  const p = pod({});
  const r = runtime([sandbox()], [exited(APP, 1, { id: 'old', restartCount: 2 }), exited(APP, 1, { id: 'last', restartCount: 3 })]);
  const message = 'back-off 40s restarting failed container=app pod=web_default(u1)';
  const plan = computePodActions(p, r, { backOff: () => message });
  const s = status(p, r, { waiting: waitingReasonsOf(plan) });
  const cs = s.containerStatuses?.[0];
  assert.deepEqual(cs?.state, { waiting: { reason: 'CrashLoopBackOff', message } });
  assert.equal(cs?.lastState?.terminated?.containerID, 'containerd://last');
  assert.equal(cs?.lastState?.terminated?.exitCode, 1);
  assert.equal(cs?.restartCount, 3);
  assert.equal(cs?.ready, false);
});

test('pod status: a waiting reason does not hide a container that will not restart', () => {
  const s = status(pod({ restartPolicy: 'Never' }), runtime([sandbox()], [exited(APP, 1)]), { waiting: new Map([['app', { reason: 'CrashLoopBackOff' }]]) });
  assert.equal(stateName(s, 'app'), 'terminated:Error:1');
});

test('pod status: image pull and config errors are waiting reasons', () => {
  for (const reason of ['ErrImagePull', 'ImagePullBackOff', 'CreateContainerConfigError']) {
    const s = status(pod({}), runtime([sandbox()]), { waiting: new Map([['app', { reason, message: 'why' }]]) });
    assert.deepEqual(s.containerStatuses?.[0].state, { waiting: { reason, message: 'why' } });
  }
});

test('pod status: the previous instance becomes lastState while the new one runs', () => {
  const s = status(pod({}), runtime([sandbox()], [exited(APP, 137, { id: 'first', reason: 'OOMKilled' }), ctr(APP, 'RUNNING', { id: 'second', restartCount: 1 })]));
  const cs = s.containerStatuses?.[0];
  assert.equal(cs?.containerID, 'containerd://second');
  assert.equal(cs?.restartCount, 1);
  assert.equal(cs?.lastState?.terminated?.reason, 'OOMKilled');
  assert.equal(cs?.lastState?.terminated?.containerID, 'containerd://first');
});

test('pod status: a created container waits with no reason', () => {
  assert.deepEqual(status(pod({}), runtime([sandbox()], [ctr(APP, 'CREATED')])).containerStatuses?.[0].state, { waiting: {} });
});

test('pod status: app statuses sorted by name, init statuses in spec order', () => {
  const p = pod({ containers: [c('zeta'), c('alpha')], initContainers: [c('second'), c('first')] });
  const s = status(p, runtime([sandbox()]));
  assert.deepEqual(s.containerStatuses?.map((x) => x.name), ['alpha', 'zeta']);
  assert.deepEqual(s.initContainerStatuses?.map((x) => x.name), ['second', 'first']);
});

test('pod status: conditions keep lastTransitionTime while unchanged; foreign conditions stay', () => {
  const p = pod({}, { status: { startTime: '2026-12-07T09:00:00Z', conditions: [
    { type: 'PodScheduled', status: 'True', lastTransitionTime: '2026-12-07T08:00:00Z' },
    { type: 'Ready', status: 'False', lastTransitionTime: '2026-12-07T08:00:00Z' },
    { type: 'Initialized', status: 'True', lastTransitionTime: '2026-12-07T08:00:00Z' },
    { type: 'DisruptionTarget', status: 'True', reason: 'x', lastTransitionTime: '2026-12-07T07:00:00Z' },
  ] } });
  const s = status(p, runtime([sandbox()], [ctr(APP, 'RUNNING')]));
  const times = Object.fromEntries((s.conditions ?? []).map((x) => [x.type, x.lastTransitionTime]));
  assert.deepEqual(times, {
    DisruptionTarget: '2026-12-07T07:00:00Z',
    PodScheduled: '2026-12-07T08:00:00Z',
    Initialized: '2026-12-07T08:00:00Z',
    Ready: NOW_TEXT,
    ContainersReady: NOW_TEXT,
    PodReadyToStartContainers: NOW_TEXT,
  });
  assert.equal(s.conditions?.[0].type, 'DisruptionTarget');
  assert.equal(s.startTime, '2026-12-07T09:00:00Z');
});

test('pod status: readiness gates', () => {
  const gated = (conditions: PodCondition[]): Pod => ({ ...pod({}), spec: { ...pod({}).spec!, readinessGates: [{ conditionType: 'example.com/lb' }] }, status: { conditions } });
  const r = runtime([sandbox()], [ctr(APP, 'RUNNING')]);
  assert.deepEqual(cond(status(gated([]), r), 'Ready'), { status: 'False', reason: 'ReadinessGatesNotReady', message: 'corresponding condition of pod readiness gate "example.com/lb" does not exist.' });
  assert.deepEqual(cond(status(gated([{ type: 'example.com/lb', status: 'False' }]), r), 'Ready'),
    { status: 'False', reason: 'ReadinessGatesNotReady', message: 'the status of pod readiness gate "example.com/lb" is not "True", but False' });
  assert.deepEqual(cond(status(gated([{ type: 'example.com/lb', status: 'True' }]), r), 'Ready'), { status: 'True' });
  assert.deepEqual(cond(status(gated([]), r), 'ContainersReady'), { status: 'True' });
});

test('pod status: hostNetwork pods have the host IPs', () => {
  const s = status(pod({ hostNetwork: true }), runtime([sandbox({ ip: '', ips: [] })], [ctr(APP, 'RUNNING')]), { hostIPs: ['192.168.1.10', 'fd00::10'] });
  assert.equal(s.podIP, '192.168.1.10');
  assert.deepEqual(s.podIPs, [{ ip: '192.168.1.10' }, { ip: 'fd00::10' }]);
});

test('pod status: no pod IP from a sandbox that is not ready', () => {
  const s = status(pod({}), runtime([sandbox({ state: 'NOTREADY' })]));
  assert.equal(s.podIP, undefined);
  assert.deepEqual(cond(s, 'PodReadyToStartContainers'), { status: 'False' });
});

test('pod status: qosClass', () => {
  const g = pod({ containers: [c('app', { resources: { limits: { cpu: '1', memory: '1Gi' } } })] });
  assert.equal(status(g, runtime([])).qosClass, 'Guaranteed');
  const b = pod({ containers: [c('app', { resources: { requests: { cpu: '1' } } })] });
  assert.equal(status(b, runtime([])).qosClass, 'Burstable');
});

test('pod status: an init container removed after initialization counts as Completed', () => {
  const s = status(pod({ initContainers: [I1, S1] }), runtime([sandbox()], [ctr(APP, 'RUNNING')]));
  assert.deepEqual(s.initContainerStatuses?.[0].state, { terminated: {
    exitCode: 0, reason: 'Completed', message: 'Unable to get init container status from container runtime and pod has been initialized, treat it as exited normally',
  } });
  assert.equal(stateName(s, 's1', true), 'waiting:PodInitializing', 'a removed sidecar is not assumed done');
  assert.equal(s.phase, 'Pending');
});

test('pod status: a succeeded init container keeps its terminated state whatever the reason cache says', () => {
  const s = status(pod({ initContainers: [I1, I2] }), runtime([sandbox()], [exited(I1, 0)]), { waiting: new Map([['i1', { reason: 'CrashLoopBackOff' }]]) });
  assert.equal(stateName(s, 'i1', true), 'terminated:Completed:0');
});

test('pod status: lastState survives the runtime removing the old instance', () => {
  const p = pod({}, { status: { containerStatuses: [{
    name: 'app', image: 'img/app:1', imageID: '', ready: false, restartCount: 1, containerID: 'containerd://gone',
    state: { terminated: { exitCode: 3, reason: 'Error', containerID: 'containerd://gone' } },
  }] } });
  const s = status(p, runtime([sandbox()], [ctr(APP, 'RUNNING', { id: 'new', restartCount: 2 })]));
  assert.deepEqual(s.containerStatuses?.[0].lastState, { terminated: { exitCode: 3, reason: 'Error', containerID: 'containerd://gone' } });
  const again = status({ ...p, status: { containerStatuses: s.containerStatuses } }, runtime([sandbox()], [ctr(APP, 'RUNNING', { id: 'new', restartCount: 2 })]));
  assert.equal(again.containerStatuses?.[0].lastState?.terminated?.exitCode, 3, 'kept on the next sync too');
});

test('pod status: ephemeral containers have their own statuses, by name, never ready; phase and conditions ignore them', () => {
  const debug = c('debugger');
  const done = c('done');
  const p = pod({ ephemeralContainers: [{ ...debug, targetContainerName: 'app' }, c('missing'), done] });
  const r = runtime([sandbox()], [ctr(APP, 'RUNNING'), ctr(debug, 'RUNNING', { id: 'dbg' }), exited(done, 3, { id: 'dn' })]);
  const s = status(p, r, { waiting: new Map([['missing', { reason: 'CreateContainerConfigError', message: 'unable to find target container app' }]]) });
  assert.equal(s.phase, 'Running');
  assert.deepEqual(s.containerStatuses?.map((x) => x.name), ['app']);
  assert.deepEqual(cond(s, 'Ready'), { status: 'True' });
  const eph = s.ephemeralContainerStatuses ?? [];
  assert.deepEqual(eph.map((x) => x.name), ['debugger', 'done', 'missing']);
  assert.deepEqual(eph[0], { name: 'debugger', image: 'img/debugger:1', imageID: 'sha256:debugger', ready: false, restartCount: 0, containerID: 'containerd://dbg', state: { running: { startedAt: '2026-12-07T10:00:05Z' } } });
  assert.deepEqual(eph[1]!.state?.terminated?.exitCode, 3);
  assert.equal(eph[1]!.state?.terminated?.reason, 'Error');
  assert.deepEqual(eph[2]!.state, { waiting: { reason: 'CreateContainerConfigError', message: 'unable to find target container app' } });
  assert.ok(eph.every((x) => x.started === undefined), 'no started: the prober leaves ephemeral containers alone');
  assert.equal(status(pod({}), r).ephemeralContainerStatuses, undefined, 'none without ephemeral containers');
});
