import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ContainerStatus, PodSandbox, PodSandboxStatus, Container as CriContainer } from '../../../src/kubelet/runtime/cri/types.js';
import { groupRuntimePods, toRuntimeContainer, toRuntimeSandbox } from '../../../src/kubelet/pod-workers/runtime-pod.js';
import { fnv32a, hashContainer } from '../../../src/kubelet/pod-workers/container-hash.js';

const POD_LABELS = { 'io.kubernetes.pod.name': 'web', 'io.kubernetes.pod.namespace': 'default', 'io.kubernetes.pod.uid': 'u1' };
const S = 1e9; // ns per second

function sandboxStatus(id: string, attempt: number, createdS: number, state: PodSandboxStatus['state'] = 'SANDBOX_READY'): PodSandboxStatus {
  return {
    id, state, createdAt: createdS * S, labels: { ...POD_LABELS, app: 'web' }, annotations: {}, runtimeHandler: '',
    metadata: { name: 'web', namespace: 'default', uid: 'u1', attempt },
    network: { ip: '10.42.0.7', additionalIps: [{ ip: 'fd00::7' }] },
    linux: { namespaces: { options: { network: 'POD', pid: 'CONTAINER', ipc: 'POD', targetId: '' } } },
  };
}

function containerStatus(id: string, name: string, createdS: number, extra: Partial<ContainerStatus> = {}): ContainerStatus {
  return {
    id, state: 'CONTAINER_EXITED', createdAt: createdS * S, startedAt: (createdS + 1) * S, finishedAt: (createdS + 2) * S, exitCode: 3,
    imageRef: 'docker.io/library/busybox@sha256:abc', image: { image: 'docker.io/library/busybox:latest' }, reason: 'Error', message: 'boom',
    labels: { ...POD_LABELS, 'io.kubernetes.container.name': name },
    annotations: { 'io.kubernetes.container.hash': 'abcd1234', 'io.kubernetes.container.restartCount': '4', 'io.kubernetes.container.type': 'init' },
    mounts: [], logPath: '', metadata: { name, attempt: 4 }, ...extra,
  };
}

test('runtime pod: a sandbox status with its IPs, attempt, network mode and ms times', () => {
  assert.deepEqual(toRuntimeSandbox(sandboxStatus('sb', 2, 100)), {
    id: 'sb', state: 'READY', attempt: 2, createdAt: 100_000, ip: '10.42.0.7', ips: ['10.42.0.7', 'fd00::7'], networkNamespace: 'POD',
  });
});

test('runtime pod: a list item has no network: IP unknown rather than empty', () => {
  const item: PodSandbox = { id: 'sb', state: 'SANDBOX_NOTREADY', createdAt: 5 * S, labels: POD_LABELS, annotations: {}, runtimeHandler: '', metadata: { name: 'web', namespace: 'default', uid: 'u1', attempt: 1 } };
  const s = toRuntimeSandbox(item);
  assert.equal(s.state, 'NOTREADY');
  assert.equal(s.ip, undefined);
  assert.deepEqual(s.ips, []);
});

test('runtime pod: a container status with name, restart count, hash and type from labels and annotations', () => {
  assert.deepEqual(toRuntimeContainer(containerStatus('c1', 'setup', 10)), {
    id: 'c1', name: 'setup', state: 'EXITED', restartCount: 4, exitCode: 3, reason: 'Error', message: 'boom',
    createdAt: 10_000, startedAt: 11_000, finishedAt: 12_000, hash: 'abcd1234',
    image: 'docker.io/library/busybox:latest', imageRef: 'docker.io/library/busybox@sha256:abc', type: 'init',
  });
});

test('runtime pod: a ListContainers item: restart count falls back to the attempt', () => {
  const item: CriContainer = {
    id: 'c2', podSandboxId: 'sb', state: 'CONTAINER_RUNNING', createdAt: 3 * S, imageRef: 'sha256:x',
    labels: { ...POD_LABELS, 'io.kubernetes.container.name': 'app' }, annotations: {}, metadata: { name: 'app', attempt: 2 },
  };
  const r = toRuntimeContainer(item);
  assert.equal(r.state, 'RUNNING');
  assert.equal(r.restartCount, 2);
  assert.equal(r.sandboxId, 'sb');
  assert.equal(r.type, 'regular');
  assert.equal(r.startedAt, 0);
});

test('runtime pod: grouped by pod uid, newest first, foreign objects left out', () => {
  const foreign = { ...containerStatus('x', 'x', 1), labels: {} };
  const other = { ...containerStatus('o', 'app', 1), labels: { ...POD_LABELS, 'io.kubernetes.pod.uid': 'u2', 'io.kubernetes.container.name': 'app' } };
  const pods = groupRuntimePods(
    [sandboxStatus('old', 0, 1, 'SANDBOX_NOTREADY'), sandboxStatus('new', 1, 50)],
    [containerStatus('a1', 'app', 10), containerStatus('a2', 'app', 60), foreign, other],
  );
  assert.deepEqual([...pods.keys()].sort(), ['u1', 'u2']);
  const u1 = pods.get('u1')!;
  assert.equal(u1.name, 'web');
  assert.equal(u1.namespace, 'default');
  assert.deepEqual(u1.sandboxes.map((s) => s.id), ['new', 'old']);
  assert.deepEqual(u1.containers.map((c) => c.id), ['a2', 'a1']);
  assert.deepEqual(pods.get('u2')!.sandboxes, []);
});

test('container hash: fnv-32a, stable, name and image only', () => {
  assert.equal(fnv32a(''), '811c9dc5');
  assert.equal(fnv32a('a'), 'e40c292c');
  assert.equal(fnv32a('foobar'), 'bf9cf968');
  const a = hashContainer({ name: 'app', image: 'busybox' });
  assert.match(a, /^[0-9a-f]{8}$/);
  assert.equal(hashContainer({ name: 'app', image: 'busybox', command: ['sh'] } as never), a);
  assert.notEqual(hashContainer({ name: 'app', image: 'busybox:1' }), a);
  assert.notEqual(hashContainer({ name: 'app2', image: 'busybox' }), a);
});
