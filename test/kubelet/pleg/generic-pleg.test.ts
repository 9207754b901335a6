/**
 * The PLEG's relist against the in-memory CRI: one list call of each kind
 * per relist, status calls only for pods that changed, upstream's event
 * types, the pod cache kept in step, failed reads retried.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GenericPleg, PodCache, lifecycleEventTypes, recordRuntimeWrites, type PodLifecycleEvent } from '../../../src/kubelet/pleg/index.js';
import { CONTAINER_NAME_LABEL, POD_NAME_LABEL, POD_NAMESPACE_LABEL, POD_UID_LABEL } from '../../../src/kubelet/pod-workers/labels.js';
import { emptyRuntimePod } from '../../../src/kubelet/pod-workers/runtime-pod.js';
import { FakeCri } from '../kuberuntime/fake-cri.js';
import { CountingCri } from './counting-cri.js';

async function runPod(cri: FakeCri, name: string, uid: string, containers: string[]): Promise<string[]> {
  const labels = { [POD_UID_LABEL]: uid, [POD_NAME_LABEL]: name, [POD_NAMESPACE_LABEL]: 'default' };
  const sb = await cri.runPodSandbox({ metadata: { name, namespace: 'default', uid, attempt: 0 }, labels });
  const ids = [sb];
  for (const c of containers) {
    const id = await cri.createContainer(sb, { metadata: { name: c, attempt: 0 }, image: { image: 'img' }, labels: { ...labels, [CONTAINER_NAME_LABEL]: c } });
    await cri.startContainer(id);
    ids.push(id);
  }
  return ids;
}

function setup(): { cri: CountingCri; cache: PodCache; pleg: GenericPleg; events: PodLifecycleEvent[][] } {
  const cri = new CountingCri();
  const cache = new PodCache();
  const events: PodLifecycleEvent[][] = [];
  const pleg = new GenericPleg({ runtime: cri, cache, onEvents: (e) => events.push(e) });
  return { cri, cache, pleg, events };
}

test('upstream generateEvents: what each state change means', () => {
  assert.deepEqual(lifecycleEventTypes(undefined, 'running'), ['ContainerStarted']);
  assert.deepEqual(lifecycleEventTypes('running', 'exited'), ['ContainerDied']);
  assert.deepEqual(lifecycleEventTypes(undefined, 'unknown'), ['ContainerChanged']);
  assert.deepEqual(lifecycleEventTypes('exited', undefined), ['ContainerRemoved']);
  assert.deepEqual(lifecycleEventTypes('running', undefined), ['ContainerDied', 'ContainerRemoved']);
  assert.deepEqual(lifecycleEventTypes('running', 'running'), []);
});

test('the first relist reads every pod into the cache and reports its starts', async () => {
  const { cri, cache, pleg, events } = setup();
  const [sb, app] = await runPod(cri, 'web', 'u1', ['app']);
  await runPod(cri, 'db', 'u2', ['db']);
  await pleg.relist();
  assert.equal(cri.reads.get('listPodSandbox'), 3, 'one unfiltered list, then one by uid per pod read');
  assert.equal(cri.reads.get('listContainers'), 3);
  assert.deepEqual(events[0]!.filter((e) => e.uid === 'u1').map((e) => [e.type, e.id, `${e.namespace}/${e.name}`]).sort(),
    [['ContainerStarted', app, 'default/web'], ['ContainerStarted', sb, 'default/web']].sort());
  assert.equal(cache.get('u1')?.status.containers[0]?.state, 'RUNNING');
  assert.equal(cache.get('u2')?.status.name, 'db');
});

test('a relist with no change makes the two list calls and nothing else', async () => {
  const { cri, pleg, events } = setup();
  await runPod(cri, 'web', 'u1', ['app']);
  await pleg.relist();
  cri.resetReads();
  events.length = 0;
  await pleg.relist();
  await pleg.relist();
  assert.deepEqual(Object.fromEntries(cri.reads), { listPodSandbox: 2, listContainers: 2 });
  assert.equal(events.length, 0);
});

test('an exited container is a ContainerDied of its pod alone, with the exit in the cache', async () => {
  const { cri, cache, pleg, events } = setup();
  const [, app] = await runPod(cri, 'web', 'u1', ['app']);
  await runPod(cri, 'db', 'u2', ['db']);
  await pleg.relist();
  const dbRead = cache.get('u2')!.readAt;
  events.length = 0;
  cri.resetReads();
  cri.exit(app!, 3);
  await pleg.relist();
  assert.deepEqual(events, [[{ uid: 'u1', namespace: 'default', name: 'web', type: 'ContainerDied', id: app }]]);
  assert.equal(cri.reads.get('containerStatus'), 1, 'only the changed pod\'s container is read');
  const c = cache.get('u1')!.status.containers[0]!;
  assert.deepEqual([c.state, c.exitCode], ['EXITED', 3]);
  assert.equal(cache.get('u2')!.readAt, dbRead, 'the unchanged pod keeps its entry');

  events.length = 0;
  await cri.removeContainer(app!);
  await pleg.relist();
  assert.deepEqual(events[0]!.map((e) => e.type), ['ContainerRemoved'], 'its death was reported already');
});

test('a pod gone from the runtime leaves the cache; created containers are not reported', async () => {
  const { cri, cache, pleg, events } = setup();
  const [sb] = await runPod(cri, 'web', 'u1', []);
  await pleg.relist();
  events.length = 0;
  await cri.createContainer(sb!, { metadata: { name: 'late', attempt: 0 }, image: { image: 'img' }, labels: { [POD_UID_LABEL]: 'u1', [CONTAINER_NAME_LABEL]: 'late' } });
  await pleg.relist();
  assert.equal(events.length, 0, 'ContainerChanged (created) is filtered out, as upstream');
  assert.equal(cache.get('u1')?.status.containers[0]?.state, 'CREATED', 'but the cache has the new container');
  await cri.removePodSandbox(sb!);
  await pleg.relist();
  assert.deepEqual(events[0]!.map((e) => e.type).sort(), ['ContainerDied', 'ContainerDied', 'ContainerRemoved', 'ContainerRemoved'], 'the sandbox and the never-started container: died, then removed');
  assert.equal(cache.get('u1'), undefined);
});

test('a pod whose read fails is read again on the next relist, then reported', async () => {
  const { cri, cache, pleg, events } = setup();
  const [, app] = await runPod(cri, 'web', 'u1', ['app']);
  await pleg.relist();
  events.length = 0;
  cri.exit(app!, 1);
  cri.failStatus = new Error('runtime hiccup');
  await pleg.relist();
  assert.equal(events.length, 0);
  assert.equal(cache.get('u1')?.status.containers[0]?.state, 'RUNNING', 'the cache keeps the last good view');
  cri.failStatus = undefined;
  await pleg.relist();
  assert.deepEqual(events[0]!.map((e) => e.type), ['ContainerDied']);
  assert.equal(cache.get('u1')?.status.containers[0]?.state, 'EXITED');
});

test('a failed list rejects the relist; start/stop relist on a timer', async () => {
  const { cri, pleg, events } = setup();
  await runPod(cri, 'web', 'u1', ['app']);
  const orig = cri.listContainers.bind(cri);
  cri.listContainers = () => Promise.reject(new Error('unavailable'));
  await assert.rejects(pleg.relist(), /unavailable/);
  cri.listContainers = orig;
  const timed = new GenericPleg({ runtime: cri, cache: new PodCache(), onEvents: (e) => events.push(e), relistPeriodMs: 10 });
  const before = cri.reads.get('listPodSandbox') ?? 0;
  timed.start();
  const deadline = Date.now() + 5000;
  while ((cri.reads.get('listPodSandbox') ?? 0) < before + 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  await timed.stop();
  const lists = cri.reads.get('listPodSandbox') ?? 0;
  assert.ok(lists >= before + 3, `relisted ${lists - before} times at a 10 ms period`);
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(cri.reads.get('listPodSandbox'), lists, 'no relist after stop');
});

test('the pod cache drops a write older than its entry', () => {
  const cache = new PodCache();
  assert.equal(cache.set('u', emptyRuntimePod('u', 'new'), 200), true);
  assert.equal(cache.set('u', emptyRuntimePod('u', 'old'), 100), false);
  assert.equal(cache.get('u')?.status.name, 'new');
  cache.delete('u', 150);
  assert.equal(cache.get('u')?.status.name, 'new', 'a delete older than the entry keeps it');
  cache.set('v', emptyRuntimePod('v'), 300);
  cache.delete('v', 300);
  assert.equal(cache.get('v'), undefined, 'a tie forgets');
  cache.delete('u');
  assert.equal(cache.get('u'), undefined);
});

test('recordRuntimeWrites tells reads from writes and runs every call on the runtime', async () => {
  const cri = new FakeCri();
  const rec = recordRuntimeWrites(cri);
  await rec.runtime.listContainers();
  await rec.runtime.listPodSandbox();
  assert.equal(rec.wrote(), false);
  const sb = await rec.runtime.runPodSandbox({ metadata: { name: 'p', namespace: 'default', uid: 'u' } });
  assert.equal(rec.wrote(), true);
  assert.ok(cri.sandboxes.has(sb), 'the call reached the runtime');
  const failing = recordRuntimeWrites(cri);
  cri.failNext.set('stopContainer', new Error('boom'));
  await assert.rejects(failing.runtime.stopContainer('nope', 0), /boom/);
  assert.equal(failing.wrote(), true, 'a failed write may still have changed something');
});
