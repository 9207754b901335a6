/**
 * postStart and preStop hooks through the actor against the in-memory
 * CRI: a failing postStart kills the container (PostStartHookError), and a
 * preStop hook's time comes off the grace period StopContainer gets.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { CrashLoopBackOff, ImagePuller, computePodActions, readRuntimePod, syncPod } from '../../../src/kubelet/index.js';
import { killContainer, killGracePeriod, runLifecycleHandler } from '../../../src/kubelet/kuberuntime/index.js';
import type { ExecSyncResponse } from '../../../src/kubelet/runtime/cri/types.js';
import { FakeCri } from '../kuberuntime/fake-cri.js';

class HookCri extends FakeCri {
  execs: string[][] = [];
  execReply: (cmd: string[]) => Promise<ExecSyncResponse> = async () => ({ stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), exitCode: 0 });
  override async execSync(_id?: string, cmd: string[] = []): Promise<ExecSyncResponse> {
    this.execs.push(cmd);
    return this.execReply(cmd);
  }
}

function pod(lifecycle: NonNullable<Pod['spec']>['containers'][0]['lifecycle'], grace = 5): Pod {
  return {
    metadata: { name: 'web', namespace: 'default', uid: 'u1' },
    spec: { terminationGracePeriodSeconds: grace, containers: [{ name: 'app', image: 'img/app:1', lifecycle }] },
  };
}

const events = (): { list: string[]; sink: { event: (p: Pod, t: string, r: string, m: string) => void } } => {
  const list: string[] = [];
  return { list, sink: { event: (_p, t, r, m) => { list.push(`${t} ${r} ${m}`); } } };
};

test('a failing postStart exec hook: FailedPostStartHook Event, the container killed, waiting PostStartHookError', async () => {
  const logs = mkdtempSync(join(tmpdir(), 'k8ts-hooks-'));
  try {
    const cri = new HookCri();
    cri.execReply = async () => ({ stdout: Buffer.from('out'), stderr: Buffer.from('bad'), exitCode: 3 });
    const p = pod({ postStart: { exec: { command: ['sh', '-c', 'exit 3'] } } });
    const ev = events();
    const before = await readRuntimePod(cri, 'u1');
    const result = await syncPod(p, computePodActions(p, before), {
      runtimePod: before, runtime: cri, images: new ImagePuller(cri), backOff: new CrashLoopBackOff(), podLogsDir: logs,
      podObjects: { configMap: async () => undefined, secret: async () => undefined, services: async () => [] }, rootDir: logs, events: ev.sink,
    });
    assert.deepEqual(cri.execs, [['sh', '-c', 'exit 3']]);
    const msg = 'Exec lifecycle hook ([sh -c exit 3]) for Container "app" in Pod "web_default(u1)" failed - error: command \'sh -c exit 3\' exited with 3: bad, message: "outbad"';
    assert.deepEqual(result.waiting.get('app'), { reason: 'PostStartHookError', message: msg });
    assert.ok(ev.list.includes(`Warning FailedPostStartHook ${msg}`), ev.list.join('\n'));
    assert.ok(ev.list.includes('Normal Killing FailedPostStartHook'));
    assert.equal(cri.calls.at(-1), 'stopContainer app 5');
  } finally {
    rmSync(logs, { recursive: true, force: true });
  }
});

test('preStop: its time comes off the grace period, never below 2 s; a hook past the grace period is abandoned', async () => {
  const cri = new HookCri();
  const id = await cri.createContainer('sb', { metadata: { name: 'app', attempt: 0 }, image: { image: 'i' } } as never);
  await cri.startContainer(id);
  cri.execReply = async () => { await new Promise((r) => setTimeout(r, 1100)); return { stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), exitCode: 0 }; };
  const ev = events();
  const p = pod({ preStop: { exec: { command: ['sleep', '1'] } } }, 4);
  await killContainer(p, { id, name: 'app', state: 'RUNNING' }, { message: 'Stopping container app' }, { runtime: cri, events: ev.sink, podIP: async () => '10.0.0.1' });
  assert.equal(cri.calls.at(-1), 'stopContainer app 3', '4 s minus the 1 s hook');

  const id2 = await cri.createContainer('sb', { metadata: { name: 'app', attempt: 1 }, image: { image: 'i' } } as never);
  await cri.startContainer(id2);
  const t0 = Date.now();
  await killContainer(pod({ preStop: { sleep: { seconds: 30 } } }, 2), { id: id2, name: 'app', state: 'RUNNING' }, { message: 'x' }, { runtime: cri, podIP: async () => '' });
  const took = Date.now() - t0;
  assert.ok(took >= 1900 && took < 4000, `the sleep hook is cut at the 2 s grace period (took ${took} ms)`);
  assert.equal(cri.calls.at(-1), 'stopContainer app 2', 'at least the 2 s minimum');
  assert.deepEqual(ev.list, ['Normal Killing Stopping container app']);
});

test('the grace period: deletion first, then a failed probe\'s own, then the pod\'s, else 30', () => {
  const spec = { name: 'app', livenessProbe: { terminationGracePeriodSeconds: 7 } };
  const p: Pod = { metadata: { name: 'p' }, spec: { containers: [spec], terminationGracePeriodSeconds: 12 } };
  assert.equal(killGracePeriod(p, spec, 'LivenessProbe'), 7);
  assert.equal(killGracePeriod(p, spec, 'DefinitionChanged'), 12);
  assert.equal(killGracePeriod({ ...p, metadata: { deletionGracePeriodSeconds: 3 } }, spec, 'LivenessProbe'), 3);
  assert.equal(killGracePeriod({ spec: { containers: [] } }, undefined), 30);
});

test('httpGet hook: GET to the pod IP and the named port with the kube-probe User-Agent; a refused connection fails with upstream\'s message', async () => {
  const seen: string[] = [];
  const server = http.createServer((req, res) => { seen.push(`${req.url} ${req.headers['user-agent']}`); res.writeHead(500); res.end(); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const p = pod(undefined);
  const target = { pod: p, container: { name: 'app', ports: [{ name: 'web', containerPort: port }] }, containerId: 'c1', runtime: new HookCri(), podIP: async () => '127.0.0.1' };
  try {
    assert.equal(await runLifecycleHandler({ httpGet: { path: 'hook', port: 'web' } }, target), undefined, 'any answer passes');
    assert.deepEqual(seen, ['/hook kube-probe/1.33']);
  } finally {
    await new Promise((r) => server.close(r));
  }
  const failed = await runLifecycleHandler({ httpGet: { path: '/hook', port } }, target);
  assert.equal(failed, `HTTP lifecycle hook (/hook) for Container "app" in Pod "web_default(u1)" failed - error: Get "http://127.0.0.1:${port}/hook": dial tcp 127.0.0.1:${port}: connect: connection refused`);
  const noIP = await runLifecycleHandler({ httpGet: { path: '/', port: 80 } }, { ...target, podIP: async () => { throw new Error('failed to find networking container: the pod has no IP'); } });
  assert.match(noIP ?? '', /failed - error: failed to find networking container/);
});
