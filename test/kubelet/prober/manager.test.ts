/**
 * The prober manager: workers per container and probe type, the sets the
 * pod worker asks for, and a resync request on every changed result.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { FakeClock } from '../../../src/client/index.js';
import { ProberManager } from '../../../src/kubelet/prober/index.js';
import type { RuntimeContainer, RuntimePod } from '../../../src/kubelet/pod-workers/runtime-pod.js';

function running(id: string, name: string, startedAt: number): RuntimeContainer {
  return { id, name, state: 'RUNNING', restartCount: 0, exitCode: 0, reason: '', message: '', createdAt: startedAt, startedAt, finishedAt: 0, hash: '', image: 'i', imageRef: 'i', type: 'regular' };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

test('ready and started follow the probes; liveness failures are reported for the current instance only', async () => {
  const clock = new FakeClock();
  const answers = new Map<string, 'Success' | 'Failure'>([['web/Readiness', 'Failure'], ['web/Liveness', 'Success'], ['web/Startup', 'Success']]);
  const resyncs: string[] = [];
  const m = new ProberManager({
    clock, onResult: (p) => resyncs.push(p.metadata!.name!),
    runProbe: async (type, _probe, t) => ({ result: answers.get(`${t.container.name}/${type}`) ?? 'Success', output: '' }),
  });
  const pod: Pod = {
    metadata: { name: 'p', namespace: 'ns', uid: 'u1' },
    spec: {
      initContainers: [{ name: 'side', restartPolicy: 'Always', startupProbe: { periodSeconds: 1 } }],
      containers: [
        { name: 'web', readinessProbe: { periodSeconds: 1 }, livenessProbe: { periodSeconds: 1, failureThreshold: 1 } },
        { name: 'plain' },
      ],
    },
    status: { phase: 'Running' },
  };
  const rp: RuntimePod = { uid: 'u1', name: 'p', namespace: 'ns', sandboxes: [], containers: [running('w1', 'web', clock.now()), running('s1', 'side', clock.now()), running('x1', 'plain', clock.now())] };
  assert.deepEqual([...m.ready(pod, rp)].sort(), ['plain', 'side'], 'web has not passed its readiness probe yet');
  m.updatePod(pod, rp);
  await tick();
  assert.deepEqual([...m.ready(pod, rp)].sort(), ['plain', 'side']);
  assert.deepEqual([...m.started(pod, rp)].sort(), ['plain', 'side', 'web']);
  assert.deepEqual([...m.startupSucceeded(pod, rp)], ['side']);
  answers.set('web/Readiness', 'Success');
  clock.step(1000);
  await tick();
  assert.deepEqual([...m.ready(pod, rp)].sort(), ['plain', 'side', 'web']);
  assert.ok(resyncs.length > 0 && resyncs.every((n) => n === 'p'));

  answers.set('web/Liveness', 'Failure');
  clock.step(1000);
  await tick();
  assert.deepEqual([...m.livenessFailed(pod, rp)], ['web']);
  const restarted: RuntimePod = { ...rp, containers: [running('w2', 'web', clock.now()), ...rp.containers] };
  assert.deepEqual([...m.livenessFailed(pod, restarted)], [], 'a new instance has not failed');
  assert.deepEqual([...m.ready(pod, restarted)].sort(), ['plain', 'side'], 'nor is it ready');
  await m.removePod('u1');
  assert.deepEqual(m.podUids(), []);
  assert.equal(clock.pending(), 0, 'no worker is left ticking');
});
