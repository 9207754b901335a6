/**
 * Probes, lifecycle hooks and graceful termination end to end: `k8ts
 * server` and `k8ts agent` as processes with real containerd and runc,
 * driven by real kubectl. A failing liveness probe restarts its container
 * with an Unhealthy Event; a failing readiness probe keeps a Running pod
 * out of Ready and out of its Service's ready endpoints until it passes; a
 * preStop hook runs before the container is stopped; a process that
 * ignores SIGTERM is killed when terminationGracePeriodSeconds run out.
 * Needs root, the README's packages and kubectl 1.35; skips otherwise.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { connectCri } from '../../src/kubelet/index.js';
import { eventually } from '../harness/kubectl.js';
import { leftoverMounts, leftoverProcesses } from './leftovers.js';
import { BUSYBOX, createTestNode, nodeTestSkip } from './node-under-test.js';

const skip = nodeTestSkip();

function podManifest(name: string, spec: Record<string, unknown>, labels: Record<string, string> = {}): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { probe: name, ...labels } }, spec });
}

interface EventItem { type?: string; reason?: string; message?: string; involvedObject?: { name?: string } }

test('probes, lifecycle hooks and graceful termination on a real node', { skip, timeout: 240_000 }, async (t) => {
  const node = createTestNode({ name: 'probes', bridgeTag: 'p' });
  const { dir, ids, paths, podLogsDir: podLogs } = node;
  try {
    await node.start();
    const kubectl = node.kubectl;
    const getPod = (name: string): Pod | undefined => node.getPod(name);
    const eventsOf = (name: string): EventItem[] =>
      (JSON.parse(kubectl.ok(['get', 'events', '-o', 'json'])) as { items: EventItem[] }).items.filter((e) => e.involvedObject?.name === name);
    const remember = (p: Pod | undefined): void => {
      for (const s of p?.status?.containerStatuses ?? []) if (s.containerID) ids.add(s.containerID.slice('containerd://'.length));
    };

    await t.test('node n1 goes Ready', async () => {
      await node.waitReady(60_000);
    });

    // Both probe pods start together; each subtest then watches its own.
    kubectl.ok(['apply', '-f', '-'], {
      input: podManifest('live', {
        terminationGracePeriodSeconds: 2,
        containers: [{
          name: 'live', image: BUSYBOX, command: ['sh', '-c', 'touch /tmp/healthy; sleep 4; rm -f /tmp/healthy; sleep 3600'],
          livenessProbe: { exec: { command: ['cat', '/tmp/healthy'] }, periodSeconds: 1, failureThreshold: 2 },
        }],
      }),
    });
    kubectl.ok(['apply', '-f', '-'], {
      input: [
        podManifest('ready', {
          terminationGracePeriodSeconds: 2,
          containers: [{
            name: 'ready', image: BUSYBOX, command: ['sh', '-c', 'sleep 10; touch /tmp/ready; sleep 3600'], ports: [{ containerPort: 80, name: 'web' }],
            readinessProbe: { exec: { command: ['cat', '/tmp/ready'] }, periodSeconds: 1 },
          }],
        }, { app: 'ready' }),
        JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'ready' }, spec: { selector: { app: 'ready' }, ports: [{ port: 80, targetPort: 'web' }] } }),
      ].join('\n'),
    });

    await t.test('a failing readiness probe keeps the pod Running but not Ready; once it passes the pod is Ready and a ready endpoint of its Service', async () => {
      const notReady = await eventually(() => {
        const p = getPod('ready');
        return p?.status?.phase === 'Running' && p.status.containerStatuses?.[0]?.state?.running ? p : undefined;
      }, 60_000, 'pod ready Running');
      remember(notReady);
      const sinceStart = Date.now() - Date.parse(notReady!.status!.containerStatuses![0]!.state!.running!.startedAt!);
      t.diagnostic(`observed Running ${sinceStart} ms after the container started`);
      assert.ok(sinceStart < 9000, 'observed before the probe can pass (10 s)');
      assert.equal(notReady!.status?.containerStatuses?.[0]?.ready, false);
      assert.equal(notReady!.status?.containerStatuses?.[0]?.started, true);
      assert.equal(notReady!.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'False');
      assert.equal(notReady!.status?.conditions?.find((c) => c.type === 'ContainersReady')?.reason, 'ContainersNotReady');

      const ready = await eventually(() => {
        const p = getPod('ready');
        return p?.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True' ? p : undefined;
      }, 30_000, 'pod ready Ready');
      assert.equal(ready!.status?.containerStatuses?.[0]?.ready, true);
      assert.equal(ready!.status?.containerStatuses?.[0]?.restartCount, 0, 'readiness never restarts a container');
      const podIP = ready!.status?.podIP ?? '';
      const endpoint = await eventually(() => {
        const slices = (JSON.parse(kubectl.ok(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=ready', '-o', 'json'])) as { items: EndpointSlice[] }).items;
        return slices.flatMap((s) => s.endpoints ?? []).find((e) => e.addresses.includes(podIP) && e.conditions?.ready === true);
      }, 20_000, `a ready endpoint ${podIP} in the Service's EndpointSlice`);
      assert.ok(endpoint);
    });

    await t.test('a failing liveness probe restarts the container and records Unhealthy and Killing Events', async () => {
      const pod = await eventually(() => {
        const p = getPod('live');
        return (p?.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1 ? p : undefined;
      }, 90_000, `pod live restarted; agent log tail:\n${node.logs().slice(-3000)}`);
      remember(pod);
      const events = eventsOf('live');
      const unhealthy = events.find((e) => e.reason === 'Unhealthy');
      assert.equal(unhealthy?.type, 'Warning');
      assert.match(unhealthy?.message ?? '', /^Liveness probe failed: cat: can't open '\/tmp\/healthy': No such file or directory/);
      assert.ok(events.some((e) => e.reason === 'Killing' && e.type === 'Normal' && e.message === 'Container live failed liveness probe, will be restarted'),
        JSON.stringify(events.map((e) => `${e.reason}: ${e.message}`)));
      t.diagnostic(`restartCount ${pod!.status!.containerStatuses![0]!.restartCount}, lastState ${JSON.stringify(pod!.status!.containerStatuses![0]!.lastState)}`);
    });

    await t.test('a preStop exec hook runs before the container is stopped', async () => {
      kubectl.ok(['apply', '-f', '-'], {
        input: podManifest('hook', {
          terminationGracePeriodSeconds: 10,
          containers: [{
            name: 'hook', image: BUSYBOX,
            command: ['sh', '-c', 'echo started; trap "echo got-term; exit 0" TERM; while true; do sleep 1; done'],
            lifecycle: { preStop: { exec: { command: ['sh', '-c', 'echo prestop-ran > /proc/1/fd/1'] } } },
          }],
        }),
      });
      const pod = await eventually(() => {
        const p = getPod('hook');
        return p?.status?.containerStatuses?.[0]?.state?.running ? p : undefined;
      }, 60_000, 'pod hook running');
      remember(pod);
      const logDir = join(podLogs, `default_hook_${pod!.metadata!.uid}`, 'hook');
      kubectl.ok(['delete', 'pod', 'hook', '--wait=false']);
      let log = '';
      await eventually(() => {
        if (existsSync(logDir)) for (const f of readdirSync(logDir)) log = readFileSync(join(logDir, f), 'utf8');
        return log.includes('got-term') || !getPod('hook');
      }, 30_000, 'the container stopped');
      const lines = log.split('\n').map((l) => l.split(' ').slice(3).join(' '));
      t.diagnostic(`container log: ${JSON.stringify(lines.filter(Boolean))}`);
      assert.ok(lines.includes('prestop-ran'), 'the preStop hook wrote to the container\'s stdout');
      assert.ok(lines.indexOf('prestop-ran') < lines.indexOf('got-term'), 'before SIGTERM reached the process');
      await eventually(() => !getPod('hook'), 30_000, 'pod hook gone');
    });

    await t.test('a failing postStart hook: FailedPostStartHook Event, the container killed and started again', async () => {
      kubectl.ok(['apply', '-f', '-'], {
        input: podManifest('poststart', {
          terminationGracePeriodSeconds: 2,
          containers: [{
            name: 'poststart', image: BUSYBOX, command: ['sh', '-c', 'sleep 3600'],
            lifecycle: { postStart: { exec: { command: ['sh', '-c', 'echo no; exit 7'] } } },
          }],
        }),
      });
      const pod = await eventually(() => {
        const p = getPod('poststart');
        return (p?.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1 ? p : undefined;
      }, 60_000, 'pod poststart restarted');
      remember(pod);
      const events = eventsOf('poststart');
      const failed = events.find((e) => e.reason === 'FailedPostStartHook');
      assert.equal(failed?.type, 'Warning');
      assert.match(failed?.message ?? '', /^Exec lifecycle hook \(\[sh -c echo no; exit 7\]\) for Container "poststart" in Pod "poststart_default\([0-9a-f-]+\)" failed - error: command 'sh -c echo no; exit 7' exited with 7: , message: "no\\n"$/);
      assert.ok(events.some((e) => e.reason === 'Killing' && e.message === 'FailedPostStartHook'));
      kubectl.ok(['delete', 'pod', 'poststart', '--wait=false']);
    });

    await t.test('a process ignoring SIGTERM is killed once terminationGracePeriodSeconds (3) run out', async () => {
      kubectl.ok(['apply', '-f', '-'], {
        input: podManifest('stubborn', {
          terminationGracePeriodSeconds: 3,
          containers: [{ name: 'stubborn', image: BUSYBOX, command: ['sh', '-c', "trap '' TERM; while true; do sleep 1; done"] }],
        }),
      });
      remember(await eventually(() => {
        const p = getPod('stubborn');
        return p?.status?.containerStatuses?.[0]?.state?.running ? p : undefined;
      }, 60_000, 'pod stubborn running'));
      const id = [...ids].at(-1)!;
      const cri = connectCri(paths.containerdSocket);
      try {
        const t0 = Date.now();
        kubectl.ok(['delete', 'pod', 'stubborn', '--wait=false']);
        // The API server itself removes the pod when its grace period ends, so
        // the container's own finish time is what shows the kubelet's kill.
        const status = await eventually(async () => {
          const s = (await cri.runtime.containerStatus(id)).status;
          return s?.state === 'CONTAINER_EXITED' ? s : undefined;
        }, 30_000, 'container stubborn exited');
        const took = status!.finishedAt / 1e6 - t0;
        t.diagnostic(`delete -> container killed in ${Math.round(took)} ms (grace period 3 s), exit code ${status!.exitCode}`);
        assert.equal(status!.exitCode, 137, 'SIGKILL, as SIGTERM was ignored');
        assert.ok(took >= 3000, `not before the grace period ran out (${took} ms)`);
        assert.ok(took < 8000, `soon after it (${took} ms)`);
      } finally {
        cri.close();
      }
      await eventually(() => !getPod('stubborn'), 30_000, 'pod stubborn gone');
    });

    await t.test('SIGTERM stops the agent; nothing is left behind', async () => {
      kubectl.ok(['delete', 'pod', 'live', 'ready', '--wait=true', '--timeout=60s']);
      await eventually(() => !getPod('poststart'), 30_000, 'pod poststart gone');
      assert.equal(await node.stopAgent(), 0, node.logs().slice(-3000));
      await eventually(() => leftoverProcesses(dir, ids).length === 0, 15_000, 'no process left');
      assert.deepEqual(leftoverMounts(dir), []);
    });
  } finally {
    await node.cleanup();
  }
});
