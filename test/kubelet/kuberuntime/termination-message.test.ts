/** Termination messages: the mounted host file, its 4096-byte tail, and the log fallback. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ContainerStatus } from '../../../src/kubelet/runtime/cri/types.js';
import { lastLogLines, terminationMessageMount, terminationMessageOf } from '../../../src/kubelet/index.js';
import { createTerminationMessageFile } from '../../../src/kubelet/kuberuntime/termination-message.js';

function status(over: Partial<ContainerStatus>): ContainerStatus {
  return {
    id: 'c', state: 'CONTAINER_EXITED', createdAt: 1, startedAt: 1, finishedAt: 2, exitCode: 0, imageRef: '', reason: 'Completed', message: '',
    labels: {}, annotations: { 'io.kubernetes.container.terminationMessagePath': '/dev/termination-log', 'io.kubernetes.container.terminationMessagePolicy': 'File' },
    mounts: [], logPath: '', ...over,
  };
}

test('the mount is a fresh 0666 file under <rootDir>/pods/<uid>/containers/<name>', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-tm-'));
  try {
    const pod = { metadata: { uid: 'u1' }, spec: { containers: [] } };
    const m1 = terminationMessageMount(dir, pod, { name: 'app' })!;
    const m2 = terminationMessageMount(dir, pod, { name: 'app' })!;
    assert.match(m1.hostPath, new RegExp(`^${dir}/pods/u1/containers/app/[0-9a-f]{8}$`));
    assert.notEqual(m1.hostPath, m2.hostPath);
    assert.equal(m1.containerPath, '/dev/termination-log');
    assert.equal(terminationMessageMount(dir, pod, { name: 'app', terminationMessagePath: '/tmp/x' })!.containerPath, '/tmp/x');
    await createTerminationMessageFile(m1);
    assert.equal(statSync(m1.hostPath).mode & 0o777, 0o666);
    assert.equal(statSync(m1.hostPath).size, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an exited container\'s message is its file (last 4096 bytes); FallbackToLogsOnError reads the log tail only on failure', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-tm-'));
  try {
    const file = join(dir, 'msg');
    const mounts = [{ containerPath: '/dev/termination-log', hostPath: file }];
    writeFileSync(file, 'bye');
    assert.equal(await terminationMessageOf(status({ mounts })), 'bye');
    assert.equal(await terminationMessageOf(status({ mounts, state: 'CONTAINER_RUNNING' })), '');
    writeFileSync(file, `${'a'.repeat(5000)}END`);
    const long = await terminationMessageOf(status({ mounts }));
    assert.equal(long.length, 4096);
    assert.ok(long.endsWith('END'));

    const log = join(dir, '0.log');
    const lines = Array.from({ length: 100 }, (_, i) => `2024-01-01T00:00:00.000000000Z stdout F line ${i}`);
    writeFileSync(log, `${lines.join('\n')}\n2024-01-01T00:00:00Z stderr P par\n2024-01-01T00:00:00Z stderr F tial\n`);
    writeFileSync(file, '');
    const fallback = { ...status({}).annotations, 'io.kubernetes.container.terminationMessagePolicy': 'FallbackToLogsOnError' };
    const failed = await terminationMessageOf(status({ mounts, annotations: fallback, exitCode: 1, reason: 'Error', logPath: log }));
    assert.ok(failed.endsWith('line 99\npartial\n'), failed.slice(-40));
    assert.ok(!failed.includes('line 20\n'), 'only the last 80 lines');
    assert.equal(await terminationMessageOf(status({ mounts, annotations: fallback, exitCode: 0, logPath: log })), '');
    assert.equal(await terminationMessageOf(status({ mounts, exitCode: 1, logPath: log })), '', 'File policy never reads the log');
    const big = join(dir, 'big.log');
    writeFileSync(big, `2024-01-01T00:00:00Z stdout F ${'x'.repeat(3000)}\n`);
    assert.equal((await lastLogLines(big)).length, 2048);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
