/**
 * Volumes in the pod worker's actor, against the in-memory CRI: a missing
 * ConfigMap holds the pod (FailedMount, no sandbox) until it exists; then
 * the container is created with its volume mounts, the managed /etc/hosts
 * and a termination message file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConfigMap, Pod } from 'kubernetes-types/core/v1.js';
import { CrashLoopBackOff, ImagePuller, computePodActions, generatePodStatus, readRuntimePod, syncPod, waitingReasonsOf } from '../../../src/kubelet/index.js';
import type { PodObjects } from '../../../src/kubelet/pod-objects.js';
import { FakeCri } from '../kuberuntime/fake-cri.js';

const pod: Pod = {
  metadata: { name: 'web', namespace: 'default', uid: 'u1' },
  spec: {
    containers: [{ name: 'app', image: 'img/app:1', volumeMounts: [{ name: 'cfg', mountPath: '/etc/cfg' }, { name: 'scratch', mountPath: '/scratch', subPath: 'app' }] }],
    volumes: [{ name: 'cfg', configMap: { name: 'app-config' } }, { name: 'scratch', emptyDir: {} }],
  },
};

test('a missing ConfigMap holds the pod with FailedMount; once it exists the container gets its mounts', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-spv-'));
  const configMaps = new Map<string, ConfigMap>();
  const objects: PodObjects = { configMap: async (_n, name) => configMaps.get(name), secret: async () => undefined, services: async () => [] };
  const events: string[] = [];
  const cri = new FakeCri();
  const backOff = new CrashLoopBackOff();
  const puller = new ImagePuller(cri);
  const rootDir = join(dir, 'kubelet');
  const once = async () => {
    const before = await readRuntimePod(cri, 'u1');
    const plan = computePodActions(pod, before, { backOff: backOff.check(pod) });
    const result = await syncPod(pod, plan, {
      runtimePod: before, runtime: cri, images: puller, backOff, podLogsDir: join(dir, 'logs'), podObjects: objects, rootDir,
      events: { event: (_p, type, reason, message) => events.push(`${type} ${reason} ${message}`) },
    });
    const after = await readRuntimePod(cri, 'u1');
    return generatePodStatus(pod, after, { now: Date.now(), waiting: waitingReasonsOf(plan, result.waiting) });
  };
  try {
    const waiting = await once();
    assert.deepEqual(events, ['Warning FailedMount MountVolume.SetUp failed for volume "cfg" : configmap "app-config" not found']);
    assert.equal(cri.sandboxes.size, 0, 'no sandbox while a volume is not ready');
    assert.equal(waiting.containerStatuses?.[0]?.state?.waiting?.reason, 'ContainerCreating');

    configMaps.set('app-config', { data: { k: 'v' } });
    const running = await once();
    assert.equal(running.phase, 'Running');
    const c = [...cri.containers.values()][0]!;
    const podDir = join(rootDir, 'pods', 'u1');
    const mounts = c.config.mounts ?? [];
    assert.deepEqual(mounts.slice(0, 3).map((m) => [m.containerPath, m.hostPath, m.readonly]), [
      ['/etc/cfg', join(podDir, 'volumes/kubernetes.io~configmap/cfg'), true],
      ['/scratch', join(podDir, 'volumes/kubernetes.io~empty-dir/scratch/app'), false],
      ['/etc/hosts', join(podDir, 'etc-hosts'), false],
    ]);
    assert.equal(mounts[3]?.containerPath, '/dev/termination-log');
    assert.match(mounts[3]?.hostPath ?? '', new RegExp(`^${podDir}/containers/app/[0-9a-f]{8}$`));
    assert.equal(statSync(mounts[3]!.hostPath).mode & 0o777, 0o666);
    assert.match(readFileSync(join(podDir, 'etc-hosts'), 'utf8'), /\n10\.42\.0\.\d+\tweb\n$/);
    assert.equal(readFileSync(join(podDir, 'volumes/kubernetes.io~configmap/cfg/k'), 'utf8'), 'v');
    assert.ok(existsSync(join(podDir, 'volumes/kubernetes.io~empty-dir/scratch/app')));

    configMaps.set('app-config', { data: { k: 'v2' } });
    await once();
    assert.equal(readFileSync(join(podDir, 'volumes/kubernetes.io~configmap/cfg/k'), 'utf8'), 'v2', 'a sync of the running pod updates the content');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
