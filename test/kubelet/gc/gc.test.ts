/**
 * Which dead containers, sandboxes and images the garbage collectors pick,
 * after upstream's kuberuntime_gc.go and image_gc_manager.go.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Container, Image, PodSandbox } from '../../../src/kubelet/runtime/cri/types.js';
import {
  ImageGCManager, containerVictims, evictPodLogsDirectories, garbageCollectContainers, podUidOfLogsDirectory, sandboxVictims, type PodState,
} from '../../../src/kubelet/gc/index.js';
import { FakeCri } from '../kuberuntime/fake-cri.js';

const MS = 1e6;

function ctr(id: string, uid: string, name: string, state: Container['state'], createdMs: number, sandbox = `sb-${uid}`, imageRef = 'sha256:app'): Container {
  return {
    id, podSandboxId: sandbox, imageRef, state, createdAt: createdMs * MS, annotations: {},
    labels: { 'io.kubernetes.pod.uid': uid, 'io.kubernetes.container.name': name },
    metadata: { name, attempt: 0 },
  };
}

function sb(id: string, uid: string, state: PodSandbox['state'], createdMs: number): PodSandbox {
  return { id, state, createdAt: createdMs * MS, labels: { 'io.kubernetes.pod.uid': uid }, annotations: {}, runtimeHandler: '' };
}

const pods = (deleted: string[], ready = true): PodState => ({ isPodDeleted: (uid) => deleted.includes(uid), allSourcesReady: () => ready });
const POLICY = { minAgeMs: 0, maxPerPodContainer: 1, maxContainers: -1 };

test('container GC keeps the newest dead container per (pod, container), never a running one', () => {
  const cs = [
    ctr('a1', 'u1', 'app', 'CONTAINER_EXITED', 1), ctr('a2', 'u1', 'app', 'CONTAINER_EXITED', 2), ctr('a3', 'u1', 'app', 'CONTAINER_EXITED', 3),
    ctr('a4', 'u1', 'app', 'CONTAINER_RUNNING', 4),
    ctr('s1', 'u1', 'side', 'CONTAINER_EXITED', 1),
    ctr('b1', 'u2', 'app', 'CONTAINER_EXITED', 1), ctr('b2', 'u2', 'app', 'CONTAINER_CREATED', 2),
    { ...ctr('x1', '', 'foreign', 'CONTAINER_EXITED', 1), labels: {} },
  ];
  assert.deepEqual(containerVictims(cs, POLICY, pods([]), 10).map((c) => c.id).sort(), ['a1', 'a2', 'b1']);
  assert.deepEqual(containerVictims(cs, { ...POLICY, maxPerPodContainer: 2 }, pods([]), 10).map((c) => c.id), ['a1']);
});

test('container GC removes every dead container of a deleted pod, but only once the pod list is known', () => {
  const cs = [ctr('a1', 'u1', 'app', 'CONTAINER_EXITED', 1), ctr('a2', 'u1', 'app', 'CONTAINER_EXITED', 2), ctr('b1', 'u2', 'app', 'CONTAINER_EXITED', 1)];
  assert.deepEqual(containerVictims(cs, POLICY, pods(['u1']), 10).map((c) => c.id).sort(), ['a1', 'a2']);
  assert.deepEqual(containerVictims(cs, POLICY, pods(['u1'], false), 10).map((c) => c.id), ['a1']);
});

test('container GC spares dead containers younger than minAge and enforces maxContainers overall', () => {
  const cs = [ctr('a1', 'u1', 'app', 'CONTAINER_EXITED', 1000), ctr('a2', 'u1', 'app', 'CONTAINER_EXITED', 9000), ctr('b1', 'u2', 'app', 'CONTAINER_EXITED', 500), ctr('c1', 'u3', 'app', 'CONTAINER_EXITED', 600)];
  assert.deepEqual(containerVictims(cs, { ...POLICY, minAgeMs: 5000 }, pods([]), 10_000).map((c) => c.id), []);
  assert.deepEqual(containerVictims(cs, { ...POLICY, maxContainers: 2 }, pods([]), 10_000).map((c) => c.id).sort(), ['a1', 'b1']);
});

test('sandbox GC: dead empty sandboxes go, a living pod keeps its newest one, a deleted pod none', () => {
  const sbs = [sb('p1', 'u1', 'SANDBOX_NOTREADY', 1), sb('p2', 'u1', 'SANDBOX_NOTREADY', 2), sb('p3', 'u1', 'SANDBOX_READY', 3),
    sb('q1', 'u2', 'SANDBOX_NOTREADY', 1), sb('q2', 'u2', 'SANDBOX_NOTREADY', 2), sb('r1', 'u3', 'SANDBOX_NOTREADY', 1)];
  const remaining = [ctr('c', 'u1', 'app', 'CONTAINER_EXITED', 1, 'p1')];
  assert.deepEqual(sandboxVictims(sbs, remaining, pods(['u2'])).map((s) => s.id).sort(), ['p2', 'q1', 'q2']);
});

test('garbageCollectContainers removes the logs, then the containers, then the emptied sandboxes of a deleted pod', async () => {
  const cri = new FakeCri();
  const labels = { 'io.kubernetes.pod.uid': 'u1', 'io.kubernetes.container.name': 'app' };
  const meta = { name: 'p', namespace: 'default', uid: 'u1' };
  const s = await cri.runPodSandbox({ metadata: meta, labels });
  const first = await cri.createContainer(s, { metadata: { name: 'app', attempt: 0 }, image: { image: 'i' }, labels });
  const second = await cri.createContainer(s, { metadata: { name: 'app', attempt: 1 }, image: { image: 'i' }, labels });
  await cri.stopPodSandbox(s);
  const logsRemoved: string[] = [];
  const now = (): number => Date.now() + 1000;
  let r = await garbageCollectContainers({ runtime: cri, now, pods: pods([]), removeLogs: async (c) => { logsRemoved.push(c.id); } });
  assert.deepEqual(r, { containers: [first], sandboxes: [] });
  assert.deepEqual(logsRemoved, [first]);
  r = await garbageCollectContainers({ runtime: cri, now, pods: pods(['u1']) });
  assert.deepEqual(r, { containers: [second], sandboxes: [s] });
  assert.equal(cri.sandboxes.size, 0);
});

class FakeImages {
  removed: string[] = [];
  constructor(public list: Image[]) {}
  async listImages(): Promise<Image[]> { return this.list; }
  async removeImage(spec: { image: string }): Promise<void> { this.removed.push(spec.image); this.list = this.list.filter((i) => i.id !== spec.image); }
}

const img = (id: string, tag: string, size: number): Image => ({ id, repoTags: [tag], repoDigests: [], size, username: '', pinned: false });

test('image GC: over 85% it frees down to 80%, least recently used first, sparing used, young and pause images', async () => {
  let now = 1000;
  const images = new FakeImages([img('sha256:pause', 'registry.k8s.io/pause:3.9', 1), img('sha256:used', 'docker.io/library/app:1', 100),
    img('sha256:old', 'docker.io/library/old:1', 30), img('sha256:older', 'docker.io/library/older:1', 30), img('sha256:idle', 'docker.io/library/idle:1', 50)]);
  let containers = [ctr('c1', 'u1', 'app', 'CONTAINER_EXITED', 1, 'sb', 'sha256:used'), ctr('c2', 'u1', 'b', 'CONTAINER_RUNNING', 1, 'sb', 'sha256:old')];
  const fs = { capacityBytes: 1000, availableBytes: 100 };
  const m = new ImageGCManager({ images, runtime: { listContainers: async () => containers }, sandboxImage: 'registry.k8s.io/pause:3.9', imageFs: async () => fs, now: () => now });
  await m.detectImages();
  containers = containers.slice(0, 1);
  now = 60_000;
  await m.detectImages();
  images.list.push(img('sha256:new', 'docker.io/library/new:1', 500));
  now = 125_000;
  // 90% used: free 1000*20% - 100 = 100 bytes. Never-used ones first (older, idle), then old (last used at 1 s); new is younger than 2 min.
  assert.deepEqual(await m.garbageCollect(), { bytesToFree: 100, freedBytes: 110, removed: ['sha256:older', 'sha256:idle', 'sha256:old'] });
  await assert.rejects(m.garbageCollect(), /wanted to free 100 bytes, but freed 0/);
  assert.deepEqual(images.list.map((i) => i.id), ['sha256:pause', 'sha256:used', 'sha256:new']);
});

test('image GC does nothing under the high threshold and refuses bad thresholds', async () => {
  const images = new FakeImages([img('sha256:old', 'old:1', 30)]);
  const m = new ImageGCManager({ images, runtime: { listContainers: async () => [] }, sandboxImage: 'pause', imageFs: async () => ({ capacityBytes: 1000, availableBytes: 160 }), now: () => 1e9, policy: { minAgeMs: 0 } });
  assert.deepEqual(await m.garbageCollect(), { bytesToFree: 0, freedBytes: 0, removed: [] });
  assert.deepEqual(images.removed, []);
  assert.throws(() => new ImageGCManager({ images, runtime: { listContainers: async () => [] }, sandboxImage: 'p', imageFs: async () => ({ capacityBytes: 1, availableBytes: 1 }), policy: { lowThresholdPercent: 90 } }), /low threshold 90 is above the high threshold 85/);
});

test('pod log directories of deleted pods go, once the pod list is known', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-podlogs-'));
  try {
    for (const d of ['default_web_u1', 'kube-system_my_pod_u2', 'stray']) {
      mkdirSync(join(dir, d, 'c'), { recursive: true });
      writeFileSync(join(dir, d, 'c', '0.log'), 'x');
    }
    assert.equal(podUidOfLogsDirectory('kube-system_my_pod_u2'), 'u2');
    assert.deepEqual(await evictPodLogsDirectories(dir, pods(['u1', 'u2', 'stray'], false)), []);
    assert.deepEqual(await evictPodLogsDirectories(dir, pods(['u2', 'stray'])), ['kube-system_my_pod_u2']);
    assert.deepEqual(readdirSync(dir).sort(), ['default_web_u1', 'stray']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
