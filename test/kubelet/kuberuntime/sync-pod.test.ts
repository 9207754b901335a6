/**
 * The actor against an in-memory CRI: a plan from computePodActions is
 * carried out in upstream's order, with the configs the kubelet promises
 * (labels, annotations, attempt = restartCount, log paths), and failures
 * become waiting reasons.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pod } from 'kubernetes-types/core/v1.js';
import {
  CrashLoopBackOff, ImagePuller, computePodActions, generatePodStatus, readRuntimePod, syncPod, waitingReasonsOf,
} from '../../../src/kubelet/index.js';
import { FakeCri } from './fake-cri.js';
import type { PodObjects } from '../../../src/kubelet/pod-objects.js';

function webPod(extra: Partial<Pod['spec']> = {}): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: 'web', namespace: 'default', uid: 'u1', labels: { app: 'web' }, annotations: { note: 'x' } },
    spec: {
      containers: [{ name: 'app', image: 'img/app:1', command: ['sh', '-c', 'echo $(GREETING)'], env: [{ name: 'NAME', value: 'k8ts' }, { name: 'GREETING', value: 'hello $(NAME) $$(NAME)' }], ports: [{ containerPort: 8080 }] }],
      terminationGracePeriodSeconds: 5,
      ...extra,
    },
  };
}

const NO_OBJECTS: PodObjects = { configMap: async () => undefined, secret: async () => undefined, services: async () => [] };

async function syncOnce(cri: FakeCri, pod: Pod, logs: string, backOff = new CrashLoopBackOff(), puller = new ImagePuller(cri)) {
  const before = await readRuntimePod(cri, pod.metadata!.uid!);
  const plan = computePodActions(pod, before, { backOff: backOff.check(pod) });
  const result = await syncPod(pod, plan, { runtimePod: before, runtime: cri, images: puller, backOff, podLogsDir: logs, podObjects: NO_OBJECTS, rootDir: join(logs, 'kubelet') });
  const after = await readRuntimePod(cri, pod.metadata!.uid!);
  return { plan, result, after, status: generatePodStatus(pod, after, { now: Date.now(), waiting: waitingReasonsOf(plan, result.waiting) }) };
}

test('a new pod: log directory, sandbox, image pull, container created with the kubelet\'s labels and started', async () => {
  const logs = mkdtempSync(join(tmpdir(), 'k8ts-logs-'));
  try {
    const cri = new FakeCri();
    const { status } = await syncOnce(cri, webPod(), logs);
    assert.deepEqual(cri.calls, ['runPodSandbox web 0', 'imageStatus img/app:1', 'pullImage img/app:1', 'createContainer app 0', 'startContainer app']);
    assert.equal(statSync(join(logs, 'default_web_u1')).mode & 0o777, 0o755);
    const sb = [...cri.sandboxes.values()][0]!;
    assert.deepEqual(sb.config.metadata, { name: 'web', namespace: 'default', uid: 'u1', attempt: 0 });
    assert.equal(sb.config.hostname, 'web');
    assert.deepEqual(sb.config.labels, { app: 'web', 'io.kubernetes.pod.name': 'web', 'io.kubernetes.pod.namespace': 'default', 'io.kubernetes.pod.uid': 'u1' });
    assert.deepEqual(sb.config.portMappings, [{ protocol: 'TCP', containerPort: 8080 }]);
    assert.deepEqual(sb.config.linux?.securityContext?.namespaceOptions, { network: 'POD', pid: 'CONTAINER', ipc: 'POD' });
    const c = [...cri.containers.values()][0]!;
    assert.deepEqual(c.config.metadata, { name: 'app', attempt: 0 });
    assert.equal(c.config.image.image, 'sha256:img/app:1');
    assert.equal(c.config.logPath, 'app/0.log');
    assert.deepEqual(c.config.envs, [{ key: 'NAME', value: 'k8ts' }, { key: 'GREETING', value: 'hello k8ts $(NAME)' }]);
    assert.deepEqual(c.config.command, ['sh', '-c', 'echo hello k8ts $(NAME)']);
    assert.equal(c.config.labels?.['io.kubernetes.container.name'], 'app');
    assert.equal(c.config.annotations?.['io.kubernetes.container.restartCount'], '0');
    assert.match(c.config.annotations?.['io.kubernetes.container.hash'] ?? '', /^[0-9a-f]+$/);
    assert.equal(status.phase, 'Running');
    assert.equal(status.podIP, '10.42.0.1');
    assert.equal(status.containerStatuses?.[0]?.ready, true);

    // A second sync changes nothing.
    cri.calls.length = 0;
    await syncOnce(cri, webPod(), logs);
    assert.deepEqual(cri.calls.filter((call) => !call.startsWith('imageStatus')), []);
  } finally {
    rmSync(logs, { recursive: true, force: true });
  }
});

test('a crashed container restarts with attempt restartCount+1, then backs off', async () => {
  const logs = mkdtempSync(join(tmpdir(), 'k8ts-logs-'));
  try {
    const cri = new FakeCri();
    const backOff = new CrashLoopBackOff();
    const puller = new ImagePuller(cri);
    await syncOnce(cri, webPod(), logs, backOff, puller);
    cri.exit([...cri.containers.keys()][0]!, 1);
    cri.calls.length = 0;
    await syncOnce(cri, webPod(), logs, backOff, puller);
    assert.deepEqual(cri.calls.filter((call) => !call.startsWith('imageStatus')), ['createContainer app 1', 'startContainer app']);
    cri.exit([...cri.containers.keys()][1]!, 1);
    cri.calls.length = 0;
    const { status, plan } = await syncOnce(cri, webPod(), logs, backOff, puller);
    assert.deepEqual(cri.calls, []);
    assert.equal(plan.backOff.length, 1);
    assert.equal(status.containerStatuses?.[0]?.state?.waiting?.reason, 'CrashLoopBackOff');
    assert.equal(status.containerStatuses?.[0]?.restartCount, 1);
  } finally {
    rmSync(logs, { recursive: true, force: true });
  }
});

test('failures become waiting reasons: ErrImageNeverPull, CreateContainerConfigError, RunContainerError', async () => {
  const logs = mkdtempSync(join(tmpdir(), 'k8ts-logs-'));
  try {
    const never = await syncOnce(new FakeCri(), webPod({ containers: [{ name: 'app', image: 'img/app:1', imagePullPolicy: 'Never' }] }), logs);
    assert.equal(never.status.containerStatuses?.[0]?.state?.waiting?.reason, 'ErrImageNeverPull');

    const config = await syncOnce(new FakeCri(), webPod({ containers: [{ name: 'app', image: 'img/app:1', env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'nope', key: 'k' } } }] }] }), logs);
    assert.equal(config.status.containerStatuses?.[0]?.state?.waiting?.reason, 'CreateContainerConfigError');
    assert.equal(config.status.containerStatuses?.[0]?.state?.waiting?.message, 'configmap "nope" not found');

    const cri = new FakeCri();
    cri.failNext.set('startContainer', new Error('exec: "nope": executable file not found'));
    const run = await syncOnce(cri, webPod(), logs);
    assert.equal(run.status.containerStatuses?.[0]?.state?.waiting?.reason, 'RunContainerError');

    const pull = new FakeCri();
    pull.failNext.set('pullImage', new Error('connection refused'));
    const puller = new ImagePuller(pull);
    const first = await syncOnce(pull, webPod(), logs, new CrashLoopBackOff(), puller);
    assert.equal(first.status.containerStatuses?.[0]?.state?.waiting?.reason, 'ErrImagePull');
    const again = await syncOnce(pull, webPod(), logs, new CrashLoopBackOff(), puller);
    assert.equal(again.status.containerStatuses?.[0]?.state?.waiting?.reason, 'ImagePullBackOff');
  } finally {
    rmSync(logs, { recursive: true, force: true });
  }
});

test('a deleted pod: its containers stop with the deletion grace period, then the sandbox', async () => {
  const logs = mkdtempSync(join(tmpdir(), 'k8ts-logs-'));
  try {
    const cri = new FakeCri();
    await syncOnce(cri, webPod(), logs);
    cri.calls.length = 0;
    const pod = webPod();
    const deleting: Pod = { ...pod, metadata: { ...pod.metadata, deletionTimestamp: new Date().toISOString(), deletionGracePeriodSeconds: 0 } };
    await syncOnce(cri, deleting, logs);
    assert.deepEqual(cri.calls, ['stopContainer app 2', 'stopPodSandbox sb1']);
  } finally {
    rmSync(logs, { recursive: true, force: true });
  }
});

test('init containers run one at a time before the app; a new sandbox purges the old ones', async () => {
  const logs = mkdtempSync(join(tmpdir(), 'k8ts-logs-'));
  try {
    const cri = new FakeCri();
    const withInit = webPod({ initContainers: [{ name: 'setup', image: 'img/app:1' }] });
    await syncOnce(cri, withInit, logs);
    assert.deepEqual(cri.calls.filter((c) => !c.startsWith('image') && !c.startsWith('pull')), ['runPodSandbox web 0', 'createContainer setup 0', 'startContainer setup']);
    const setup = [...cri.containers.values()].find((c) => c.config.metadata.name === 'setup')!;
    assert.equal(setup.config.annotations?.['io.kubernetes.container.type'], 'init');
    cri.exit(setup.container.id, 0);
    cri.calls.length = 0;
    const { status } = await syncOnce(cri, withInit, logs);
    assert.deepEqual(cri.calls.filter((c) => !c.startsWith('image')), ['createContainer app 0', 'startContainer app']);
    assert.equal(status.initContainerStatuses?.[0]?.state?.terminated?.reason, 'Completed');

    // The sandbox dies (its containers with it): the pod starts over in attempt 1, without the old init container.
    await cri.stopPodSandbox('sb1');
    cri.calls.length = 0;
    await syncOnce(cri, withInit, logs);
    assert.deepEqual(cri.calls.filter((c) => !c.startsWith('image')), [
      'runPodSandbox web 1', 'removeContainer setup', 'createContainer setup 0', 'startContainer setup',
    ]);
  } finally {
    rmSync(logs, { recursive: true, force: true });
  }
});

test('ephemeral containers: started once beside the app, in the target\'s PID namespace; a target not running is a config error', async () => {
  const logs = mkdtempSync(join(tmpdir(), 'k8ts-logs-'));
  try {
    const cri = new FakeCri();
    await syncOnce(cri, webPod(), logs);
    const app = [...cri.containers.values()].find((c) => c.config.metadata.name === 'app')!.container.id;
    const debug = { name: 'debugger', image: 'img/app:1', command: ['sh'], stdin: true, tty: true, targetContainerName: 'app' };
    const withDebug = webPod({ ephemeralContainers: [debug] });
    cri.calls.length = 0;
    const { status } = await syncOnce(cri, withDebug, logs);
    assert.deepEqual(cri.calls.filter((c) => !c.startsWith('image')), ['createContainer debugger 0', 'startContainer debugger']);
    const d = [...cri.containers.values()].find((c) => c.config.metadata.name === 'debugger')!;
    assert.deepEqual(d.config.linux?.securityContext?.namespaceOptions, { network: 'POD', pid: 'TARGET', ipc: 'POD', targetId: app });
    assert.equal(d.config.annotations?.['io.kubernetes.container.type'], 'ephemeral');
    assert.equal(d.config.logPath, 'debugger/0.log');
    assert.deepEqual([d.config.stdin, d.config.tty], [true, true]);
    assert.equal(status.ephemeralContainerStatuses?.[0]?.state?.running !== undefined, true);
    assert.equal(status.phase, 'Running');

    // It exits: never restarted, reported terminated.
    cri.exit(d.container.id, 0);
    cri.calls.length = 0;
    const later = await syncOnce(cri, withDebug, logs);
    assert.deepEqual(cri.calls.filter((c) => !c.startsWith('image')), []);
    assert.equal(later.status.ephemeralContainerStatuses?.[0]?.state?.terminated?.reason, 'Completed');

    // A pod sharing its process namespace keeps POD; a target that is not running stops the start.
    const shared = new FakeCri();
    await syncOnce(shared, webPod({ shareProcessNamespace: true }), logs);
    await syncOnce(shared, webPod({ shareProcessNamespace: true, ephemeralContainers: [debug] }), logs);
    const sd = [...shared.containers.values()].find((c) => c.config.metadata.name === 'debugger')!;
    assert.deepEqual(sd.config.linux?.securityContext?.namespaceOptions, { network: 'POD', pid: 'POD', ipc: 'POD' });
    const stopped = new FakeCri();
    await syncOnce(stopped, webPod(), logs);
    stopped.exit([...stopped.containers.values()][0]!.container.id, 1);
    const noTarget = webPod({ restartPolicy: 'Always', ephemeralContainers: [{ ...debug, targetContainerName: 'nope' }] });
    stopped.calls.length = 0;
    const failed = await syncOnce(stopped, noTarget, logs);
    assert.ok(!stopped.calls.some((c) => c.includes('debugger')), stopped.calls.join('\n'));
    assert.deepEqual(failed.status.ephemeralContainerStatuses?.[0]?.state, { waiting: { reason: 'CreateContainerConfigError', message: 'unable to find target container nope' } });
  } finally {
    rmSync(logs, { recursive: true, force: true });
  }
});
